package dev.lanes.reference;

/**
 * The obviously-right RMSNormalization, in double. With {@code r = 1/sqrt(mean(x²) + eps)} a fast
 * kernel errs by a few eps relative on {@code r} and on the product: {@code terms = |x|·r·|scale|}.
 */
public final class ReferenceRmsNorm implements RmsNorm {

    @Override
    public void rmsNorm(RmsNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] y, int yOff) {
        rmsNorm(s, x, xOff, scale, scaleOff, y, yOff, null);
    }

    public void rmsNorm(RmsNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] y, int yOff,
                        double[] terms) {
        int n = s.n();
        for (int r = 0; r < s.outer(); r++) {
            int row = xOff + r * n;
            double sq = 0;
            for (int i = 0; i < n; i++) sq += (double) x[row + i] * x[row + i];
            double inv = 1 / Math.sqrt(sq / n + s.epsilon());
            for (int i = 0; i < n; i++) {
                double v = x[row + i] * inv * scale[scaleOff + i];
                y[yOff + r * n + i] = (float) v;
                if (terms != null) terms[r * n + i] = Math.abs(v);
            }
        }
    }
}
