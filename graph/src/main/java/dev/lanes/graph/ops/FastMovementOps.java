package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.TransposeShape;
import dev.lanes.simd.FastTranspose;
import dev.lanes.simd.Parallel;

/**
 * Fast bindings of Transpose and Concat for float32: the output comes from the run's arena (no zeroing,
 * no index map), Transpose runs simd-kernels' {@link FastTranspose} (contiguous runs, or L1 tiles when
 * the innermost axis moves), Concat copies one contiguous run per input per outer index, split over
 * the threads when large. Other element types take the reference path.
 */
final class FastMovementOps {
    private FastMovementOps() {}

    /** Least floats a Concat copies before its outer rows are spread over the threads. */
    static final int PARALLEL_CONCAT_FLOATS = 1 << 16;

    static Operator transpose(OpSetup s) {
        Operator reference = MovementOps.transpose(s);
        long[] permAttr = s.getLongs("perm", null);
        return (in, ctx) -> {
            Tensor x = in[0];
            if (x.dtype() != DType.FLOAT32) {
                return reference.run(in, ctx);
            }
            TransposeShape shape = new TransposeShape(x.shape(), MovementOps.perm(permAttr, x.rank()));
            float[] y = ctx.floats(x.size());
            FastTranspose.transpose(shape, x.floats(), 0, y, 0, ctx.parallel());
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Operator concat(OpSetup s) {
        Operator reference = MovementOps.concat(s);
        long axisAttr = s.getLong("axis", 1);
        return (in, ctx) -> {
            for (Tensor t : in) {
                if (t == null || t.dtype() != DType.FLOAT32) {
                    return reference.run(in, ctx);
                }
            }
            int[] out = MovementOps.concatShape(in, axisAttr);
            int axis = Shapes.axis(axisAttr, out.length, "Concat axis");
            int outer = Shapes.product(out, 0, axis), inner = Shapes.product(out, axis + 1, out.length);
            int rowOut = out[axis] * inner;
            float[] y = ctx.floats(Tensor.checkedSize(out));
            float[][] src = new float[in.length][];
            int[] rows = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                src[i] = in[i].floats();
                rows[i] = in[i].dim(axis) * inner;
            }
            Parallel par = ctx.parallel();
            int shares = par.sharesFor((long) outer * rowOut, PARALLEL_CONCAT_FLOATS);
            par.forRange(outer, 1, shares, (o0, o1) -> copyRows(src, rows, y, rowOut, o0, o1));
            return new Tensor[] {Tensor.of(y, out)};
        };
    }

    /** Outer indices [o0, o1): each input's row, one after the other, into the output row. */
    private static void copyRows(float[][] src, int[] rows, float[] y, int rowOut, int o0, int o1) {
        for (int o = o0; o < o1; o++) {
            int dst = o * rowOut;
            for (int i = 0; i < src.length; i++) {
                System.arraycopy(src[i], o * rows[i], y, dst, rows[i]);
                dst += rows[i];
            }
        }
    }
}
