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
            double[] stats = RowNormalisation.normalise(x, xOff + r * n, n, s.epsilon(), scale, scaleOff, 1,
                    s.hasBias() ? bias : null, biasOff, 1, y, yOff + r * n, terms, r * n);
            double mu = stats[0], inv = stats[1];
            if (mean != null) mean[meanOff + r] = (float) mu;
            if (invStdDev != null) invStdDev[invStdDevOff + r] = (float) inv;
        }
    }
}
