package dev.lanes.reference;

/**
 * The obviously-right InstanceNormalization: per plane the mean and the population variance in
 * double. {@code terms} as for LayerNorm: {@code (|x| + mean|x|)·r·|scale| + |B|}.
 */
public final class ReferenceInstanceNorm implements InstanceNorm {

    @Override
    public void instanceNorm(InstanceNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                             float[] y, int yOff) {
        instanceNorm(s, x, xOff, scale, scaleOff, bias, biasOff, y, yOff, null);
    }

    public void instanceNorm(InstanceNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                             float[] y, int yOff, double[] terms) {
        int m = s.spatial();
        for (int b = 0; b < s.n(); b++) {
            for (int ch = 0; ch < s.c(); ch++) {
                int plane = (b * s.c() + ch) * m;
                double sum = 0, absSum = 0;
                for (int i = 0; i < m; i++) {
                    sum += x[xOff + plane + i];
                    absSum += Math.abs(x[xOff + plane + i]);
                }
                double mu = sum / m;
                double sq = 0;
                for (int i = 0; i < m; i++) {
                    double d = x[xOff + plane + i] - mu;
                    sq += d * d;
                }
                double inv = 1 / Math.sqrt(sq / m + s.epsilon());
                double g = scale[scaleOff + ch], beta = bias[biasOff + ch];
                for (int i = 0; i < m; i++) {
                    double xv = x[xOff + plane + i];
                    y[yOff + plane + i] = (float) ((xv - mu) * inv * g + beta);
                    if (terms != null) terms[plane + i] = (Math.abs(xv) + absSum / m) * inv * Math.abs(g) + Math.abs(beta);
                }
            }
        }
    }
}
