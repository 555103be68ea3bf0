package dev.lanes.models.text;

/**
 * Sentence-transformers' mean pooling: each text's embedding is the average of its token vectors
 * over the positions its attention mask marks real, so padding never changes the result.
 */
public final class MeanPooling {
    private MeanPooling() {}

    /**
     * @param hidden the encoder output {@code [batch, length, dim]}, row-major
     * @param mask   the attention mask {@code [batch, length]}
     * @return {@code [batch, dim]}; a text with no real token gets zeros
     */
    public static float[] pool(float[] hidden, long[] mask, int batch, int length, int dim) {
        long cells = (long) batch * length;
        if (mask.length != cells || hidden.length != cells * dim) {
            throw new IllegalArgumentException("mean pooling of [" + batch + ", " + length + ", " + dim + "] needs " + cells * dim
                    + " hidden values and " + cells + " mask values, got " + hidden.length + " and " + mask.length);
        }
        float[] out = new float[batch * dim];
        double[] sum = new double[dim];
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(sum, 0);
            long count = 0;
            for (int s = 0; s < length; s++) {
                long m = mask[b * length + s];
                if (m == 0) continue;
                count += m;
                int row = (b * length + s) * dim;
                for (int d = 0; d < dim; d++) sum[d] += m * (double) hidden[row + d];
            }
            // sentence-transformers clamps the token count at 1e-9, i.e. an empty mask gives zeros
            double scale = 1.0 / Math.max(count, 1e-9);
            for (int d = 0; d < dim; d++) out[b * dim + d] = (float) (sum[d] * scale);
        }
        return out;
    }
}
