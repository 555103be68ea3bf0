package dev.lanes.reference;

/**
 * The obviously-right BatchNormalization, in double. With {@code a = scale / sqrt(var + eps)} each
 * output is {@code a·x - a·mean + B}; {@code terms = |a·x| + |a·mean| + |B|}.
 */
public final class ReferenceBatchNorm implements BatchNorm {

    @Override
    public void batchNorm(BatchNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] mean, int meanOff, float[] var, int varOff, float[] y, int yOff) {
        batchNorm(s, x, xOff, scale, scaleOff, bias, biasOff, mean, meanOff, var, varOff, y, yOff, null);
    }

    public void batchNorm(BatchNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] mean, int meanOff, float[] var, int varOff, float[] y, int yOff, double[] terms) {
        for (int b = 0; b < s.n(); b++) {
            for (int ch = 0; ch < s.c(); ch++) {
                double a = scale[scaleOff + ch] / Math.sqrt((double) var[varOff + ch] + s.epsilon());
                double mu = mean[meanOff + ch];
                double beta = bias[biasOff + ch];
                for (int p = 0; p < s.spatial(); p++) {
                    int at = (b * s.c() + ch) * s.spatial() + p;
                    double xv = x[xOff + at];
                    y[yOff + at] = (float) ((xv - mu) * a + beta);
                    if (terms != null) terms[at] = Math.abs(a * xv) + Math.abs(a * mu) + Math.abs(beta);
                }
            }
        }
    }
}
