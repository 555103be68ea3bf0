package dev.lanes.models.text;

/** Scales each row to unit Euclidean length, as sentence-transformers' Normalize module does. */
public final class L2Normalize {
    private L2Normalize() {}

    /** Normalises {@code rows} rows of {@code dim} values in place; an all-zero row stays zero. */
    public static void rows(float[] data, int rows, int dim) {
        if (data.length != (long) rows * dim) {
            throw new IllegalArgumentException(rows + " rows of " + dim + " need " + (long) rows * dim + " values, got " + data.length);
        }
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int d = 0; d < dim; d++) ss += (double) data[r * dim + d] * data[r * dim + d];
            // the same 1e-12 floor as torch.nn.functional.normalize
            double inv = 1.0 / Math.max(Math.sqrt(ss), 1e-12);
            for (int d = 0; d < dim; d++) data[r * dim + d] = (float) (data[r * dim + d] * inv);
        }
    }
}
