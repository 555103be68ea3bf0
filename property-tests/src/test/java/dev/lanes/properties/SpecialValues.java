package dev.lanes.properties;

import java.util.SplittableRandom;

/**
 * Sprinkles the values that break careless kernels into test data: ±∞, NaN, ±0, the largest and
 * smallest normal floats, subnormals. Deterministic from a seed, like {@link Data}.
 */
public final class SpecialValues {
    private SpecialValues() {}

    public static final float[] ALL = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MIN_VALUE, 88.8f, -104f, 1e-30f};

    /** Replaces each element of {@code a} with a special value with probability {@code rate}; returns {@code a}. */
    public static float[] sprinkle(float[] a, long seed, double rate) {
        return sprinkle(a, seed, rate, ALL);
    }

    /** As {@link #sprinkle(float[], long, double)} with the given choice of values. */
    public static float[] sprinkle(float[] a, long seed, double rate, float... values) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < a.length; i++) {
            if (r.nextDouble() < rate) a[i] = values[r.nextInt(values.length)];
        }
        return a;
    }
}
