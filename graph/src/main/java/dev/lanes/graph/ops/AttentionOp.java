package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.ReferenceAttention;
import dev.lanes.simd.FlashAttention;

/** ONNX Attention (opsets 23 and 24) bound to the reference kernel (float32). */
final class AttentionOp {
    private AttentionOp() {}

    private static final ReferenceAttention ATTENTION = new ReferenceAttention();

    static Operator create(OpSetup s) {
        return create(s, false);
    }

    /** Attention; {@code fast} runs simd-kernels' {@link FlashAttention} on the session's threads. */
    static Operator create(OpSetup s, boolean fast) {
        Attrs attrs = Attrs.read(s);
        boolean causal = attrs.causal();
        Integer qHeads = attrs.qHeads(), kvHeads = attrs.kvHeads();
        int qkMode = attrs.qkMode();
        Float scale = attrs.scale();
        float softcap = attrs.softcap();
        boolean wantPresent = s.hasOutput(1) || s.hasOutput(2);
        boolean wantQk = s.hasOutput(3);
        return (in, ctx) -> {
            Tensor q = f(in[0], "Q"), k = f(in[1], "K"), v = f(in[2], "V");
            Tensor mask = in.length > 3 ? in[3] : null;
            Tensor pastK = in.length > 4 ? in[4] : null, pastV = in.length > 5 ? in[5] : null;
            Tensor nonpad = in.length > 6 ? in[6] : null;
            if ((pastK == null) != (pastV == null)) {
                throw new IllegalArgumentException("Attention needs both past_key and past_value, or neither");
            }
            boolean maskBool = mask != null && mask.dtype() == DType.BOOL;
            if (mask != null && !maskBool) {
                f(mask, "attn_mask");
            }
            int[] nonpadLens = null;
            if (nonpad != null) {
                long[] l = Shapes.longs(nonpad, "Attention nonpad_kv_seqlen");
                nonpadLens = Shapes.toInts(l, "nonpad_kv_seqlen");
            }
            AttentionShape shape = AttentionShape.fromOnnx(q.shape(), k.shape(), v.shape(), mask == null ? null : mask.shape(),
                    maskBool, pastK == null ? null : pastK.shape(), pastV == null ? null : pastV.shape(),
                    nonpad == null ? null : nonpad.shape(), qHeads, kvHeads, scale, causal, softcap, qkMode);
            int outSize = Tensor.checkedSize(shape.outputShape());
            float[] y = fast ? ctx.floats(outSize) : new float[outSize];
            boolean present = wantPresent || pastK != null;
            float[] pk = present ? new float[Tensor.checkedSize(shape.presentKeyShape())] : null;
            float[] pv = present ? new float[Tensor.checkedSize(shape.presentValueShape())] : null;
            float[] qk = wantQk ? new float[Tensor.checkedSize(shape.qkShape())] : null;
            boolean[] mb = null;
            if (maskBool) {
                byte[] m = mask.bytes();
                mb = new boolean[m.length];
                for (int i = 0; i < m.length; i++) {
                    mb[i] = m[i] != 0;
                }
            }
            (fast ? new FlashAttention(ctx.parallel()) : ATTENTION).attention(shape, q.floats(), 0, k.floats(), 0, v.floats(), 0,
                    mask != null && !maskBool ? mask.floats() : null, mb, 0,
                    pastK == null ? null : f(pastK, "past_key").floats(), 0, pastV == null ? null : f(pastV, "past_value").floats(), 0,
                    nonpadLens, y, 0, pk, 0, pv, 0, qk, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape()),
                pk == null ? null : Tensor.of(pk, shape.presentKeyShape()),
                pv == null ? null : Tensor.of(pv, shape.presentValueShape()),
                qk == null ? null : Tensor.of(qk, shape.qkShape())};
        };
    }

    /** ONNX Attention's attributes (null where absent: the kernel derives heads or scale from the shapes). */
    record Attrs(Integer qHeads, Integer kvHeads, Float scale, boolean causal, float softcap, int qkMode) {
        static Attrs read(OpSetup s) {
            s.ignore("softmax_precision"); // Lanes computes the softmax in at least float32 precision
            return new Attrs(s.hasAttribute("q_num_heads") ? (int) s.getLong("q_num_heads", 0) : null,
                    s.hasAttribute("kv_num_heads") ? (int) s.getLong("kv_num_heads", 0) : null,
                    s.hasAttribute("scale") ? s.getFloat("scale", 0f) : null, s.getLong("is_causal", 0) != 0,
                    s.getFloat("softcap", 0f), (int) s.getLong("qk_matmul_output_mode", 0));
        }
    }

    static Tensor f(Tensor t, String what) {
        return LinearOps.float32(t, "Attention " + what);
    }
}
