package dev.lanes.properties;

import java.util.SplittableRandom;

/**
 * Test data for element-wise, softmax and normalisation kernels: uniform values at a chosen scale
 * and offset, optionally sprinkled with the values that break careless kernels (±∞, NaN, ±0,
 * subnormals, huge finite values).
 */
public final class AwkwardData {
    private AwkwardData() {}

    private static final float[] SPECIALS = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0f, -0f,
        Float.MIN_VALUE, -1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f};

    /** Uniform in [offset - scale, offset + scale). */
    public static float[] uniform(long seed, int n, float scale, float offset) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale + offset);
        return a;
    }

    /** Replaces about {@code rate} of the elements with special values (deterministic in the seed). */
    public static float[] sprinkle(float[] a, long seed, double rate) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < a.length; i++) {
            if (r.nextDouble() < rate) a[i] = SPECIALS[r.nextInt(SPECIALS.length)];
        }
        return a;
    }

    /** Replaces about {@code rate} of the elements with {@code value}. */
    public static float[] sprinkle(float[] a, long seed, double rate, float value) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        for (int i = 0; i < a.length; i++) {
            if (r.nextDouble() < rate) a[i] = value;
        }
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
