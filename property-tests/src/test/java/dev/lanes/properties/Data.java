package dev.lanes.properties;

import java.util.SplittableRandom;

/** Deterministic test data from a seed. */
public final class Data {
    private Data() {}

    /** Uniform values in [-1, 1). */
    public static float[] uniform(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /**
     * Small integers in [-range, range]: with them every product and every partial sum is exact in
     * float (while it stays below 2^24), so any summation order must give the same bits — the exact oracle.
     */
    public static float[] smallIntegers(long seed, int n, int range) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(-range, range + 1);
        return a;
    }
}
