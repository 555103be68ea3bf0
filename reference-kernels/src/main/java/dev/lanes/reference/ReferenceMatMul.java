package dev.lanes.reference;

/** The obviously-right MatMul: for each broadcast batch element, a triple loop accumulating in double. */
public final class ReferenceMatMul implements MatMul {

    @Override
    public void matmul(MatMulShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        matmul(s, a, aOff, b, bOff, y, yOff, null);
    }

    /** As {@link #matmul}, also storing each output's sum of absolute products in {@code terms} (dense, like Y) when not null. */
    public void matmul(MatMulShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, double[] terms) {
        int m = s.m(), n = s.n(), k = s.k();
        int batches = s.batchCount();
        for (int bi = 0; bi < batches; bi++) {
            int aBase = aOff + s.aMatrixOffset(bi);
            int bBase = bOff + s.bMatrixOffset(bi);
            int yBase = bi * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = (double) a[aBase + i * k + p] * b[bBase + p * n + j];
                        sum += prod;
                        abs += Math.abs(prod);
                    }
                    y[yOff + yBase + i * n + j] = (float) sum;
                    if (terms != null) terms[yBase + i * n + j] = abs;
                }
            }
        }
    }
}
