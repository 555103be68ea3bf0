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
                RowNormalisation.normalise(x, xOff + plane, m, s.epsilon(), scale, scaleOff + ch, 0, bias, biasOff + ch, 0,
                        y, yOff + plane, terms, plane);
            }
        }
    }
}
