package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.AttentionShape;
import dev.lanes.simd.AttentionOperand;
import dev.lanes.simd.FlashAttention;
import java.util.Arrays;

/**
 * lanes {@value FusedOps#QKV_ATTENTION}{@code (QKV, attn_mask?)}: ONNX Attention (3-D, no past, one output)
 * whose Q, K and V are consecutive column slices of one {@code [B, S, Nq + Nk + Nv]} tensor, the widths in
 * attribute {@value FusedOps#QKV_SPLIT}; ONNX Attention's other attributes as they are. The fast binding reads
 * the slices in place (row stride {@code Nq + Nk + Nv}); the reference binding copies them out and runs
 * the reference Attention, which is what the unfused {@code Split} + {@code Attention} meant. With
 * {@value FusedOps#QKV_HEADS_OUTERMOST} = 1 the columns are {@code [q0 k0 v0 | q1 k1 v1 | …]} (equal widths and
 * heads; the graph reorders the projection's weights so, see {@code QkvHeadOrder}): head h of Q starts
 * {@code 3·h·D} columns into the row, K and V {@code D} and {@code 2·D} after it.
 */
final class QkvAttentionOp {
    private QkvAttentionOp() {}

    static Operator create(OpSetup s, boolean fast) {
        long[] split = s.getLongs(FusedOps.QKV_SPLIT, null);
        if (split == null || split.length != 3 || Arrays.stream(split).anyMatch(w -> w <= 0 || w > Integer.MAX_VALUE)) {
            throw s.invalid(FusedOps.QKV_SPLIT + " must be three positive widths, got " + Arrays.toString(split));
        }
        if (s.outputCount() != 1 || s.inputCount() > 2) {
            throw s.invalid("takes QKV and an optional attn_mask and has one output, got " + s.inputCount() + " inputs and "
                    + s.outputCount() + " outputs");
        }
        int nq = (int) split[0], nk = (int) split[1], nv = (int) split[2];
        Layout layout = Layout.read(s, nq, nk, nv);
        if (!fast) {
            Operator attention = AttentionOp.create(s, false);
            return (in, ctx) -> {
                Tensor x = qkv(in[0], nq, nk, nv);
                Tensor[] args = in.length > 1 && in[1] != null
                        ? new Tensor[] {layout.part(x, 0), layout.part(x, 1), layout.part(x, 2), in[1]}
                        : new Tensor[] {layout.part(x, 0), layout.part(x, 1), layout.part(x, 2)};
                return attention.run(args, ctx);
            };
        }
        AttentionOp.Attrs a = AttentionOp.Attrs.read(s);
        if (a.qkMode() != 0) {
            throw s.invalid("qk_matmul_output_mode " + a.qkMode() + " needs the qk output, which this op does not have");
        }
        return (in, ctx) -> {
            Tensor x = qkv(in[0], nq, nk, nv);
            Tensor mask = in.length > 1 ? in[1] : null;
            if (mask != null && mask.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException(FusedOps.QKV_ATTENTION + " attn_mask must be float32, got " + mask.dtype());
            }
            int b = x.dim(0), seq = x.dim(1), cols = nq + nk + nv;
            AttentionShape shape = AttentionShape.fromOnnx(new int[] {b, seq, nq}, new int[] {b, seq, nk}, new int[] {b, seq, nv},
                    mask == null ? null : mask.shape(), false, null, null, null, a.qHeads(), a.kvHeads(), a.scale(), a.causal(),
                    a.softcap(), 0);
            float[] data = x.floats();
            AttentionOperand q = layout.operand(data, 0, seq * cols, cols, shape.headSize());
            AttentionOperand k = layout.operand(data, 1, seq * cols, cols, shape.headSize());
            AttentionOperand v = layout.operand(data, 2, seq * cols, cols, shape.vHeadSize());
            float[] y = ctx.floats(Tensor.checkedSize(shape.outputShape()));
            FlashAttention.attendViews(shape, q, k, v, mask == null ? null : mask.floats(), 0,
                    AttentionOperand.bsHd(y, 0, shape.qHeads(), seq, shape.vHeadSize()), ctx.parallel());
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    /** The packed input, checked: float32 {@code [B, S, nq + nk + nv]}. */
    private static Tensor qkv(Tensor x, int nq, int nk, int nv) {
        AttentionOp.f(x, "QKV");
        if (x.rank() != 3 || (long) x.dim(2) != (long) nq + nk + nv) {
            throw new IllegalArgumentException(FusedOps.QKV_ATTENTION + " QKV " + Shapes.str(x.shape()) + " must be [batch, sequence, "
                    + ((long) nq + nk + nv) + "] (" + FusedOps.QKV_SPLIT + " " + nq + " + " + nk + " + " + nv + ")");
        }
        return x;
    }

    /**
     * Where Q (part 0), K (1) and V (2) sit in a row of QKV: [Q | K | V] as three slices, or heads outermost, where
     * head h of part p starts at {@code 3·D·h + p·D}.
     */
    private record Layout(boolean headsOutermost, int[] start, int[] width, int headSize) {
        static Layout read(OpSetup s, int nq, int nk, int nv) {
            int[] width = {nq, nk, nv};
            if (s.getLong(FusedOps.QKV_HEADS_OUTERMOST, 0) == 0) {
                return new Layout(false, new int[] {0, nq, nq + nk}, width, 0);
            }
            AttentionOp.Attrs a = AttentionOp.Attrs.read(s);
            Integer heads = a.qHeads();
            if (heads == null || heads <= 0 || !heads.equals(a.kvHeads()) || nq != nk || nk != nv || nq % heads != 0) {
                throw s.invalid(FusedOps.QKV_HEADS_OUTERMOST + " needs q_num_heads = kv_num_heads dividing three equal widths, got heads "
                        + heads + "/" + a.kvHeads() + " and widths " + nq + ", " + nk + ", " + nv);
            }
            int d = nq / heads;
            return new Layout(true, new int[] {0, d, 2 * d}, width, d);
        }

        /** Part {@code p} of QKV's rows read in place, its heads {@code headSize} wide (as the call's shape says). */
        AttentionOperand operand(float[] data, int p, int batchStride, int rowStride, int headSize) {
            return new AttentionOperand(data, start[p], batchStride, headsOutermost ? 3 * this.headSize : headSize, rowStride);
        }

        /** Part {@code p} of a {@code [B, S, C]} QKV copied out as {@code [B, S, width]}, heads in order. */
        Tensor part(Tensor x, int p) {
            int rows = x.dim(0) * x.dim(1), cols = x.dim(2), w = width[p];
            int chunk = headsOutermost ? headSize : w, stride = headsOutermost ? 3 * headSize : w;
            float[] src = x.floats(), dst = new float[Tensor.checkedSize(rows, w)];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < w; c += chunk) {
                    System.arraycopy(src, r * cols + start[p] + c / chunk * stride, dst, r * w + c, chunk);
                }
            }
            return Tensor.of(dst, x.dim(0), x.dim(1), w);
        }
    }
}
