package dev.lanes.reference;

/**
 * ONNX InstanceNormalization: each (batch, channel) plane of {@code spatial} elements is normalised
 * to mean 0 and variance 1 (population variance), then {@code y = x̂ * scale[c] + B[c]}. X is dense
 * {@code [n, c, spatial]} (NCHW with the spatial dims collapsed); scale and B hold {@code c} values.
 *
 * @param n       batch (≥ 0)
 * @param c       channels (≥ 1)
 * @param spatial product of the dims after the channel (≥ 1)
 * @param epsilon added to the variance (≥ 0, finite)
 */
public record InstanceNormShape(int n, int c, int spatial, float epsilon) {

    public InstanceNormShape {
        if (n < 0 || c < 1 || spatial < 1) {
            throw new IllegalArgumentException("InstanceNormalization needs N ≥ 0, C ≥ 1 and spatial ≥ 1, got N=" + n
                    + " C=" + c + " spatial=" + spatial);
        }
        RowNormalisation.requireEpsilon("InstanceNormalization", epsilon);
        Dims.size(n, c, spatial);
    }

    /** From ONNX: X's dims (rank ≥ 3: N, C, D1…), scale's and B's dims (each [C]), epsilon (default 1e-5). */
    public static InstanceNormShape fromOnnx(int[] x, int[] scale, int[] bias, float epsilon) {
        if (x.length < 3) {
            throw new IllegalArgumentException("InstanceNormalization input must have rank ≥ 3 (N, C, D1, ...), got " + Dims.str(x));
        }
        int c = x[1];
        for (int[] p : new int[][] {scale, bias}) {
            if (p == null || p.length != 1 || p[0] != c) {
                throw new IllegalArgumentException("InstanceNormalization " + (p == scale ? "scale" : "B") + " must have shape ["
                        + c + "], got " + (p == null ? "nothing" : Dims.str(p)));
            }
        }
        return new InstanceNormShape(x[0], c, Dims.size(x, 2, x.length), epsilon);
    }

    public int size() {
        return n * c * spatial;
    }

    /** The output has X's shape, here collapsed to {@code [n, c, spatial]}. */
    public int[] outputShape() {
        return new int[] {n, c, spatial};
    }

    public long flops() {
        return 8L * size();
    }
}
