package dev.lanes.reference;

/**
 * The obviously-right LayerNormalization: two passes in double (mean, then the mean of squared
 * deviations), then one rounding per output.
 *
 * <p>Error scale ({@code terms}): with {@code r = 1/sqrt(var + eps)}, a fast kernel's mean is off by
 * about {@code eps·mean|x|} and {@code x - mean} by {@code eps·|x|}, both multiplied by {@code r·|scale|},
 * and its B add by {@code eps·|B|}: {@code terms = (|x| + mean|x|)·r·|scale| + |B|}.
 */
public final class ReferenceLayerNorm implements LayerNorm {

    @Override
    public void layerNorm(LayerNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] y, int yOff, float[] mean, int meanOff, float[] invStdDev, int invStdDevOff) {
        layerNorm(s, x, xOff, scale, scaleOff, bias, biasOff, y, yOff, mean, meanOff, invStdDev, invStdDevOff, null);
    }

    public void layerNorm(LayerNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] y, int yOff, float[] mean, int meanOff, float[] invStdDev, int invStdDevOff,
                          double[] terms) {
        if (s.hasBias() && bias == null) throw new IllegalArgumentException("LayerNormalization shape has B but bias is null");
        int n = s.n();
        for (int r = 0; r < s.outer(); r++) {
            int row = xOff + r * n;
            double sum = 0, absSum = 0;
            for (int i = 0; i < n; i++) {
                sum += x[row + i];
                absSum += Math.abs(x[row + i]);
            }
            double mu = sum / n;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double d = x[row + i] - mu;
                sq += d * d;
            }
            double inv = 1 / Math.sqrt(sq / n + s.epsilon());
            for (int i = 0; i < n; i++) {
                double g = scale[scaleOff + i];
                double b = s.hasBias() ? bias[biasOff + i] : 0;
                int at = r * n + i;
                y[yOff + at] = (float) ((x[row + i] - mu) * inv * g + b);
                if (terms != null) terms[at] = (Math.abs(x[row + i]) + absSum / n) * inv * Math.abs(g) + Math.abs(b);
            }
            if (mean != null) mean[meanOff + r] = (float) mu;
            if (invStdDev != null) invStdDev[invStdDevOff + r] = (float) inv;
        }
    }
}
