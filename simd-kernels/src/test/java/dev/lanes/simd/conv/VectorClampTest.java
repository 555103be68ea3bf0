package dev.lanes.simd.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.simd.VectorWidth;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** {@link VectorClamp} gives the bits of {@code max(lo).min(hi)} on special values, for the bounds it calls exact. */
class VectorClampTest {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc0_0000), Float.intBitsToFloat(0x7f80_0001),
            Float.intBitsToFloat(0xff80_0123), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, 6f, Math.nextUp(6f), Math.nextDown(6f), -0.5f, 0.25f, 1f, -1f, 0.5f,
            Math.nextDown(-0.5f), Math.nextUp(0.25f), 3f, -3f};

    /** (lo, hi) pairs: ReLU, ReLU6, Clips across zero, with a +0.0 bound, reversed, equal. */
    private static final float[][] BOUNDS = {{0f, Float.POSITIVE_INFINITY}, {0f, 6f}, {-0.5f, 0.25f}, {-1f, 0f}, {0f, 0f}, {2f, 1f},
            {1f, 1f}, {Float.NEGATIVE_INFINITY, 3f}, {-3f, Float.POSITIVE_INFINITY}, {0.5f, 6f}};

    @Test
    void sameBitsAsMaxThenMinOnSpecialAndRandomValues() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 16 * L;
        for (float[] b : BOUNDS) {
            float lo = b[0], hi = b[1];
            assertTrue(VectorClamp.exact(lo, hi), lo + ", " + hi);
            for (int round = 0; round < 50; round++) {
                float[] v = new float[n + 3];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (r.nextDouble(-8, 8));
                }
                // rows(): 3 rows of 4 vectors, 5·L apart, from offset 3
                float[] d = v.clone();
                int rows = 3, width = 4 * L, stride = 5 * L, o = 3;
                VectorClamp.rows(d, o, stride, rows, width, lo, hi);
                for (int i = 0; i < d.length; i++) {
                    int k = i - o;
                    boolean inside = k >= 0 && k / stride < rows && k % stride < width;
                    float want = inside ? maxThenMin(v[i], lo, hi) : v[i];
                    assertSameBits(want, d[i], "rows " + lo + ", " + hi + " at " + i + " of " + v[i]);
                }
                for (int i = 0; i + L <= n; i += L) {
                    FloatVector x = FloatVector.fromArray(S, v, i);
                    FloatVector got = VectorClamp.apply(x, lo, hi), want = x.max(lo).min(hi);
                    for (int j = 0; j < L; j++) assertSameBits(want.lane(j), got.lane(j), "apply " + lo + ", " + hi + " of " + v[i + j]);
                    FloatVector above = VectorClamp.atLeast(x, lo), max = x.max(lo);
                    for (int j = 0; j < L; j++) assertSameBits(max.lane(j), above.lane(j), "atLeast " + lo + " of " + v[i + j]);
                }
            }
        }
    }

    @Test
    void boundsThatAreNaNOrNegativeZeroAreNotExact() {
        assertFalse(VectorClamp.exact(-0f, 6f));
        assertFalse(VectorClamp.exact(-1f, -0f));
        assertFalse(VectorClamp.exact(Float.NaN, 6f));
        assertFalse(VectorClamp.exact(0f, Float.NaN));
    }

    private static float maxThenMin(float v, float lo, float hi) {
        return FloatVector.broadcast(S, v).max(lo).min(hi).lane(0);
    }

    /** Bits equal, NaNs as NaNs (a clamp keeps a NaN, not necessarily its payload). */
    private static void assertSameBits(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": want NaN, got " + got);
            return;
        }
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": want " + want + ", got " + got);
    }
}
