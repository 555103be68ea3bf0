package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxExp} against {@link StrictMath#exp} over x ≤ 0: every 61st float in [−87.3, 0] (about
 * 18 million), the flush region, and the special values attention feeds it (−inf from masked keys, NaN).
 */
class SoftmaxExpTest {
    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Where results stop being normal floats: e^x < 2^-126. */
    private static final float NORMAL_LIMIT = (float) (-126 * Math.log(2));

    private static float[] apply(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += F.length()) SoftmaxExp.of(FloatVector.fromArray(F, x, i)).intoArray(y, i);
        return y;
    }

    /** Error of y in ulps of the exact e^x (the ulp of the float just below it). */
    private static double ulps(float x, float y) {
        double exact = StrictMath.exp(x);
        return Math.abs(y - exact) / Math.ulp(Math.nextDown((float) exact));
    }

    @Test
    void withinOneAndAHalfUlpWhereResultsAreNormal() {
        int n = 1 << 16;
        float[] x = new float[n];
        double worst = 0;
        float worstX = 0;
        int bits = Float.floatToRawIntBits(-0f), end = Float.floatToRawIntBits(NORMAL_LIMIT);
        while (bits <= end) {
            int k = 0;
            for (; k < n && bits <= end; k++, bits += 61) x[k] = Float.intBitsToFloat(bits);
            for (; k < n; k++) x[k] = 0f;
            float[] y = apply(x);
            for (int i = 0; i < n; i++) {
                double e = ulps(x[i], y[i]);
                if (e > worst) {
                    worst = e;
                    worstX = x[i];
                }
            }
        }
        System.out.printf("SoftmaxExp max %.3f ulp at x = %s%n", worst, worstX);
        assertTrue(worst <= 1.5, "SoftmaxExp error " + worst + " ulp at x = " + worstX);
    }

    @Test
    void flushesBelowTheNormalRangeAndKeepsSpecials() {
        float[] x = new float[F.length() * 8];
        java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
        float[] probes = {0f, -0f, Float.NaN, -88f, -100f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Math.nextDown(NORMAL_LIMIT),
                -87.5f, -87.9f, -1e-30f, -Float.MIN_VALUE};
        System.arraycopy(probes, 0, x, 0, probes.length);
        float[] y = apply(x);
        assertEquals(1f, y[0]);
        assertEquals(1f, y[1]);
        assertTrue(Float.isNaN(y[2]), "NaN stays NaN");
        for (int i = 3; i < 7; i++) assertEquals(0f, y[i], "e^" + x[i] + " flushes to 0");
        for (int i = 7; i < 10; i++) {
            // Between the normal limit and -88: 0, or within a relative 2^-21 of e^x (may round to a subnormal).
            double exact = StrictMath.exp(x[i]);
            assertTrue(y[i] == 0f || Math.abs(y[i] - exact) <= 0x1p-21 * exact, "e^" + x[i] + " = " + y[i]);
        }
        assertEquals(1f, y[10]);
        assertEquals(1f, y[11]);
        for (int i = probes.length; i < x.length; i++) assertEquals(0f, y[i]);
    }
}
