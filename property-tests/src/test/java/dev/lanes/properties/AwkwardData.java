package dev.lanes.properties;

import java.util.SplittableRandom;

/**
 * Test data for element-wise, softmax and normalisation kernels: uniform values at a chosen scale
 * and offset (special values come from {@link SpecialValues}), random conditions, and the
 * reference's terms made usable where they are undefined.
 */
public final class AwkwardData {
    private AwkwardData() {}

    /** Uniform in [offset - scale, offset + scale). */
    public static float[] uniform(long seed, int n, float scale, float offset) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale + offset);
        return a;
    }

    /** Random booleans (Where conditions). */
    public static boolean[] booleans(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) b[i] = r.nextBoolean();
        return b;
    }

    /**
     * The reference's terms with NaN (from ∞·0 at infinite inputs, where the reference's result is
     * exact: 0, ±1, -alpha) replaced by 0, so that those elements must match exactly.
     */
    public static double[] definedTerms(double[] terms) {
        for (int i = 0; i < terms.length; i++) if (Double.isNaN(terms[i])) terms[i] = 0;
        return terms;
    }
}
