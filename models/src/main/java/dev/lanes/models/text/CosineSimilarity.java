package dev.lanes.models.text;

/** Cosine similarity between embeddings. */
public final class CosineSimilarity {
    private CosineSimilarity() {}

    /** The {@code rows x rows} matrix of cosine similarities between the rows of {@code data}. */
    public static float[][] matrix(float[] data, int rows, int dim) {
        if (data.length != (long) rows * dim) {
            throw new IllegalArgumentException(rows + " rows of " + dim + " need " + (long) rows * dim + " values, got " + data.length);
        }
        double[] norm = new double[rows];
        for (int r = 0; r < rows; r++) norm[r] = Math.sqrt(dot(data, r, r, dim));
        float[][] out = new float[rows][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = i; j < rows; j++) {
                double den = norm[i] * norm[j];
                float c = den == 0 ? 0f : (float) (dot(data, i, j, dim) / den);
                out[i][j] = c;
                out[j][i] = c;
            }
        }
        return out;
    }

    private static double dot(float[] data, int i, int j, int dim) {
        double s = 0;
        for (int d = 0; d < dim; d++) s += (double) data[i * dim + d] * data[j * dim + d];
        return s;
    }
}
