package dev.lanes.reference;

/**
 * ONNX RMSNormalization (opset 23): each of {@code outer} rows of {@code n} contiguous elements (the
 * dims from {@code axis} on) is divided by its root mean square, then scaled:
 * {@code y = x / sqrt(mean(x²) + epsilon) * scale}. Scale holds {@code n} values (dense).
 *
 * @param outer   rows (≥ 0)
 * @param n       elements per row (≥ 1)
 * @param epsilon added to the mean square (≥ 0, finite)
 */
public record RmsNormShape(int outer, int n, float epsilon) {

    public RmsNormShape {
        if (outer < 0 || n < 1) {
            throw new IllegalArgumentException("RMSNormalization needs rows ≥ 0 and a normalised size ≥ 1, got rows="
                    + outer + " n=" + n);
        }
        RowNormalisation.requireEpsilon("RMSNormalization", epsilon);
        Dims.size(outer, n);
    }

    /**
     * From ONNX: X's dims, axis (default -1), epsilon (default 1e-5) and scale's dims, which must be
     * the normalised shape {@code X.dims[axis..]} (leading 1s allowed).
     */
    public static RmsNormShape fromOnnx(int[] x, int axis, float epsilon, int[] scale) {
        if (x.length == 0) throw new IllegalArgumentException("RMSNormalization X must have rank ≥ 1, got a scalar");
        int a = Dims.axis(axis, x.length, "RMSNormalization axis");
        int[] normalised = java.util.Arrays.copyOfRange(x, a, x.length);
        LayerNormShape.requireNormalisedShape("RMSNormalization", "scale", scale, normalised);
        return new RmsNormShape(Dims.size(x, 0, a), Dims.size(normalised), epsilon);
    }

    public int size() {
        return outer * n;
    }

    /** Y has X's shape, here collapsed to {@code [outer, n]}. */
    public int[] outputShape() {
        return new int[] {outer, n};
    }

    /** Per element: square and add, then two multiplies. */
    public long flops() {
        return 4L * size();
    }
}
