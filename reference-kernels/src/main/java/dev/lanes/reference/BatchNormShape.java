package dev.lanes.reference;

/**
 * ONNX BatchNormalization in inference mode: {@code y = (x - mean) / sqrt(var + epsilon) * scale + B}
 * per channel. X is dense {@code [n, c, spatial]} (NCHW with all spatial dims collapsed); scale, B,
 * mean and var hold {@code c} values each.
 *
 * @param n       batch (≥ 0)
 * @param c       channels (≥ 1)
 * @param spatial product of the dims after the channel (≥ 0; 1 for a 2-D input)
 * @param epsilon added to the variance (≥ 0, finite)
 */
public record BatchNormShape(int n, int c, int spatial, float epsilon) {

    public BatchNormShape {
        if (n < 0 || c < 1 || spatial < 0) {
            throw new IllegalArgumentException("BatchNormalization needs N ≥ 0, C ≥ 1 and spatial ≥ 0, got N=" + n
                    + " C=" + c + " spatial=" + spatial);
        }
        RowNormalisation.requireEpsilon("BatchNormalization", epsilon);
        Dims.size(n, c, spatial);
    }

    /**
     * From ONNX: X's dims (rank ≥ 2: N, C, D1…), the dims of scale, B, mean and var (each must be
     * [C]), epsilon (ONNX default 1e-5) and training_mode, which must be 0: Lanes does inference only.
     */
    public static BatchNormShape fromOnnx(int[] x, int[] scale, int[] bias, int[] mean, int[] var, float epsilon,
                                          boolean trainingMode) {
        if (trainingMode) {
            throw new IllegalArgumentException("BatchNormalization training_mode=1 is not supported (inference only)");
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("BatchNormalization X must have rank ≥ 2 (N, C, ...), got " + Dims.str(x));
        }
        int c = x[1];
        requireChannels("scale", scale, c);
        requireChannels("B", bias, c);
        requireChannels("input_mean", mean, c);
        requireChannels("input_var", var, c);
        return new BatchNormShape(x[0], c, Dims.size(x, 2, x.length), epsilon);
    }

    static void requireChannels(String input, int[] dims, int c) {
        if (dims.length != 1 || dims[0] != c) {
            throw new IllegalArgumentException("BatchNormalization " + input + " must have shape [" + c + "], got " + Dims.str(dims));
        }
    }

    public int size() {
        return n * c * spatial;
    }

    /** The output has X's shape, here collapsed to {@code [n, c, spatial]}. */
    public int[] outputShape() {
        return new int[] {n, c, spatial};
    }

    /** A multiply and an add per element once the per-channel factor is known. */
    public long flops() {
        return 2L * size();
    }
}
