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
 * the reference Attention, which is what the unfused {@code Split} + {@code Attention} meant.
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
        if (!fast) {
            Operator attention = AttentionOp.create(s, false);
            return (in, ctx) -> {
                Tensor x = qkv(in[0], nq, nk, nv);
                Tensor[] args = in.length > 1 && in[1] != null
                        ? new Tensor[] {columns(x, 0, nq), columns(x, nq, nk), columns(x, nq + nk, nv), in[1]}
                        : new Tensor[] {columns(x, 0, nq), columns(x, nq, nk), columns(x, nq + nk, nv)};
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
            // Head h of Q starts h·D columns into the row; K and V are further along the same rows.
            AttentionOperand q = new AttentionOperand(data, 0, seq * cols, shape.headSize(), cols);
            AttentionOperand k = new AttentionOperand(data, nq, seq * cols, shape.headSize(), cols);
            AttentionOperand v = new AttentionOperand(data, nq + nk, seq * cols, shape.vHeadSize(), cols);
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

    /** Columns {@code [from, from + width)} of a {@code [B, S, C]} tensor, copied. */
    private static Tensor columns(Tensor x, int from, int width) {
        int rows = x.dim(0) * x.dim(1), cols = x.dim(2);
        float[] src = x.floats(), dst = new float[Tensor.checkedSize(rows, width)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * cols + from, dst, r * width, width);
        }
        return Tensor.of(dst, x.dim(0), x.dim(1), width);
    }
}
