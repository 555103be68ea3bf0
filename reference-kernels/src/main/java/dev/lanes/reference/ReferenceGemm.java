package dev.lanes.reference;

/** The obviously-right Gemm: a triple loop accumulating in double. */
public final class ReferenceGemm implements Gemm {

    @Override
    public void gemm(GemmShape s, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] y, int yOff) {
        gemm(s, a, aOff, b, bOff, c, cOff, y, yOff, null);
    }

    /**
     * As {@link #gemm}, and when {@code terms} is not null also stores in {@code terms[i*N + j]} the
     * sum of the absolute values of the terms that make up {@code y[i][j]} (the numerics bound's scale).
     */
    public void gemm(GemmShape s, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                     float[] y, int yOff, double[] terms) {
        int m = s.m(), n = s.n(), k = s.k();
        if (s.hasC() && c == null) throw new IllegalArgumentException("Gemm shape has C but c is null");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double av = a[aOff + (s.transA() ? p * m + i : i * k + p)];
                    double bv = b[bOff + (s.transB() ? j * k + p : p * n + j)];
                    sum += av * bv;
                    abs += Math.abs(av * bv);
                }
                double v = s.alpha() * sum;
                abs *= Math.abs(s.alpha());
                if (s.hasC()) {
                    double cv = c[cOff + (s.cRows() == 1 ? 0 : i) * s.cCols() + (s.cCols() == 1 ? 0 : j)];
                    v += s.beta() * cv;
                    abs += Math.abs(s.beta() * cv);
                }
                y[yOff + i * n + j] = (float) v;
                if (terms != null) terms[i * n + j] = abs;
            }
        }
    }
}
