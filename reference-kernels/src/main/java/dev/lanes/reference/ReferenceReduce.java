package dev.lanes.reference;

/**
 * The obviously-right reductions: for each input element, in order, add it into (or compare it with)
 * its output element, in double. Empty sets give ONNX's values (sum 0, mean NaN, max −∞).
 *
 * <p>Error scale ({@code terms}): {@code Σ|x|} for Sum, {@code Σ|x|/n} for Mean, {@code |y|} for Max.
 */
public final class ReferenceReduce implements Reduce {

    @Override
    public void reduce(ReduceShape s, float[] x, int xOff, float[] y, int yOff) {
        reduce(s, x, xOff, y, yOff, null);
    }

    public void reduce(ReduceShape s, float[] x, int xOff, float[] y, int yOff, double[] terms) {
        int[] dims = s.dims();
        int outSize = s.size();
        // Output strides laid over the input's dims: 0 on reduced axes (keepdims or not, the kept
        // dims are in the same order, so the dense output index is the same).
        int[] kept = new int[dims.length];
        for (int d = 0; d < dims.length; d++) kept[d] = s.reduces(d) ? 1 : dims[d];
        int[] toOut = Broadcast.strides(kept, dims);
        double[] acc = new double[outSize], abs = new double[outSize];
        java.util.Arrays.fill(acc, s.op() == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0);
        int inSize = Dims.size(dims);
        for (int i = 0; i < inSize; i++) {
            int o = Broadcast.offset(i, dims, toOut);
            double v = x[xOff + i];
            acc[o] = s.op() == ReduceOp.MAX ? Math.max(acc[o], v) : acc[o] + v;
            abs[o] += Math.abs(v);
        }
        int n = s.reducedCount();
        for (int o = 0; o < outSize; o++) {
            double v = s.op() == ReduceOp.MEAN ? acc[o] / n : acc[o];
            y[yOff + o] = (float) v;
            if (terms != null) {
                terms[o] = switch (s.op()) {
                    case SUM -> abs[o];
                    case MEAN -> abs[o] / n;
                    case MAX -> Math.abs(v);
                };
            }
        }
    }
}
