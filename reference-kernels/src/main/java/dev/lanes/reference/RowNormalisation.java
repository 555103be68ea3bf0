package dev.lanes.reference;

/**
 * What LayerNormalization and InstanceNormalization share: normalising one run of {@code n}
 * contiguous values to mean 0 and (population) variance 1, in double, then scaling and shifting.
 */
final class RowNormalisation {
    private RowNormalisation() {}

    static void requireEpsilon(String op, float epsilon) {
        if (!(epsilon >= 0) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException(op + " epsilon must be finite and ≥ 0, got " + epsilon);
        }
    }

    /**
     * {@code y[i] = (x[i] - mean) / sqrt(var + epsilon) * scale[i] + bias[i]} for i in [0, n), where
     * scale and bias step by their stride (0 repeats one value; a null bias adds 0). Fills
     * {@code terms[termsOff + i]} when not null: {@code (|x| + mean|x|)·r·|scale| + |bias|}.
     *
     * @return {@code {mean, 1/sqrt(var + epsilon)}}
     */
    static double[] normalise(float[] x, int xOff, int n, double epsilon, float[] scale, int scaleOff, int scaleStride,
                              float[] bias, int biasOff, int biasStride, float[] y, int yOff, double[] terms, int termsOff) {
        double sum = 0, absSum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i];
            absSum += Math.abs(x[xOff + i]);
        }
        double mu = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mu;
            sq += d * d;
        }
        double inv = 1 / Math.sqrt(sq / n + epsilon);
        for (int i = 0; i < n; i++) {
            double g = scale[scaleOff + i * scaleStride];
            double b = bias == null ? 0 : bias[biasOff + i * biasStride];
            double xv = x[xOff + i];
            y[yOff + i] = (float) ((xv - mu) * inv * g + b);
            if (terms != null) terms[termsOff + i] = (Math.abs(xv) + absSum / n) * inv * Math.abs(g) + Math.abs(b);
        }
        return new double[] {mu, inv};
    }
}
