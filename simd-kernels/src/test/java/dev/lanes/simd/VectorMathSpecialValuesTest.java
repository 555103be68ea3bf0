package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Special values of every {@link VectorMath} function, through the array maps (vector body and masked tail). */
class VectorMathSpecialValuesTest {

    interface Map {
        void apply(float[] x, int xOff, float[] y, int yOff, int n);
    }

    /** Applies f to one value placed at every position of a buffer longer than a vector, so both the loop and the tail see it. */
    private static float[] applyEverywhere(Map f, float v) {
        int n = VectorWidth.LANES * 2 + 3;
        float[] out = new float[n];
        for (int pos = 0; pos < n; pos++) {
            float[] x = new float[n];
            float[] y = new float[n + 2];
            x[pos] = v;
            f.apply(x, 0, y, 1, n);
            out[pos] = y[pos + 1];
            assertEquals(0f, y[0], "wrote before the output range");
            assertEquals(0f, y[n + 1], "wrote past the output range");
        }
        for (int pos = 1; pos < n; pos++) {
            assertEquals(Float.floatToIntBits(out[0]), Float.floatToIntBits(out[pos]),
                    "f(" + v + ") differs between lane positions: " + out[0] + " vs " + out[pos]);
        }
        return out;
    }

    private static void check(Map f, float x, float expected) {
        float y = applyEverywhere(f, x)[0];
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y), "f(" + x + ") = " + y + ", expected " + expected);
    }

    private static void checkNear(Map f, float x, double expected, double relTol) {
        float y = applyEverywhere(f, x)[0];
        assertTrue(Math.abs(y - expected) <= relTol * Math.abs(expected), "f(" + x + ") = " + y + ", expected " + expected);
    }

    @Test
    void exp() {
        Map f = VectorMath::exp;
        check(f, Float.NaN, Float.NaN);
        check(f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
        check(f, Float.NEGATIVE_INFINITY, 0f);
        check(f, 0f, 1f);
        check(f, -0f, 1f);
        check(f, 89f, Float.POSITIVE_INFINITY);                       // beyond ln(MAX_VALUE) = 88.7228
        check(f, 88.72f, (float) StrictMath.exp(88.72f));            // just below it: finite, within 1 ulp checked below
        checkNear(f, 88.72f, StrictMath.exp(88.72f), 2e-7);
        check(f, Float.MAX_VALUE, Float.POSITIVE_INFINITY);
        check(f, -Float.MAX_VALUE, 0f);
        check(f, -104f, 0f);                                          // below half the smallest subnormal
        checkNear(f, -100f, StrictMath.exp(-100), 0.05);             // subnormal result, not flushed
        check(f, -103.2789f, Float.MIN_VALUE);                        // e^x ≈ 1.0·2^-149
        check(f, 1f, (float) Math.E);
    }

    @Test
    void expNegative() {
        Map f = (x, xOff, y, yOff, n) -> {
            for (int i = 0; i < n; i += VectorWidth.LANES) {
                var m = VectorWidth.FLOAT.indexInRange(i, n);
                VectorMath.expNegative(jdk.incubator.vector.FloatVector.fromArray(VectorWidth.FLOAT, x, xOff + i, m)).intoArray(y, yOff + i, m);
            }
        };
        check(f, Float.NaN, Float.NaN);
        check(f, Float.NEGATIVE_INFINITY, 0f);
        check(f, 0f, 1f);
        check(f, -0f, 1f);
        checkNear(f, -1f, Math.exp(-1), 2e-7);
        checkNear(f, -87.3f, StrictMath.exp(-87.3f), 2e-7);               // among the last normal results
        check(f, -87.34f, 0f);                                           // subnormal results flush to +0
        check(f, -1e30f, 0f);
    }

    @Test
    void log() {
        Map f = VectorMath::log;
        check(f, Float.NaN, Float.NaN);
        check(f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
        check(f, Float.NEGATIVE_INFINITY, Float.NaN);
        check(f, 0f, Float.NEGATIVE_INFINITY);
        check(f, -0f, Float.NEGATIVE_INFINITY);
        check(f, -1f, Float.NaN);
        check(f, -Float.MIN_VALUE, Float.NaN);
        check(f, 1f, 0f);
        check(f, 2f, (float) Math.log(2));
        check(f, Float.MAX_VALUE, (float) Math.log(Float.MAX_VALUE));
        checkNear(f, Float.MIN_VALUE, Math.log(Float.MIN_VALUE), 2e-7);   // subnormal input, scaled first
        checkNear(f, 0x1.fffffcp-127f, Math.log(0x1.fffffcp-127), 2e-7);
        checkNear(f, Float.MIN_NORMAL, Math.log(Float.MIN_NORMAL), 2e-7);
        checkNear(f, Math.nextUp(1f), Math.log(Math.nextUp(1f)), 2e-7);
    }

    @Test
    void sigmoid() {
        Map f = VectorMath::sigmoid;
        check(f, Float.NaN, Float.NaN);
        check(f, Float.POSITIVE_INFINITY, 1f);
        check(f, Float.NEGATIVE_INFINITY, 0f);
        check(f, 0f, 0.5f);
        check(f, -0f, 0.5f);
        check(f, 20f, (float) (1 / (1 + Math.exp(-20))));
        checkNear(f, -95f, Math.exp(-95), 1e-3);                     // tiny results keep their relative accuracy
    }

    @Test
    void tanh() {
        Map f = VectorMath::tanh;
        check(f, Float.NaN, Float.NaN);
        check(f, Float.POSITIVE_INFINITY, 1f);
        check(f, Float.NEGATIVE_INFINITY, -1f);
        check(f, 0f, 0f);
        check(f, -0f, -0f);
        check(f, 9.011f, 1f);
        check(f, -1e30f, -1f);
        check(f, 1e-20f, 1e-20f);
        check(f, -Float.MIN_VALUE, -Float.MIN_VALUE);
    }

    @Test
    void erf() {
        Map f = VectorMath::erf;
        check(f, Float.NaN, Float.NaN);
        check(f, Float.POSITIVE_INFINITY, 1f);
        check(f, Float.NEGATIVE_INFINITY, -1f);
        check(f, 0f, 0f);
        check(f, -0f, -0f);
        check(f, 3.92f, 1f);
        check(f, -Float.MAX_VALUE, -1f);
        checkNear(f, 1e-20f, 1e-20 * 2 / Math.sqrt(Math.PI), 2e-7);
    }

    @Test
    void gelu() {
        for (Map f : new Map[] {VectorMath::geluErf, VectorMath::geluTanh}) {
            check(f, Float.NaN, Float.NaN);
            check(f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
            check(f, Float.NEGATIVE_INFINITY, -0f);                   // the limit, as ReferenceUnary defines it
            check(f, 0f, 0f);
            check(f, 1e30f, 1e30f);
            check(f, -1e30f, -0f);                                     // x·Φ(x) underflows, keeping x's sign
        }
        checkNear(VectorMath::geluErf, 1f, DoubleReference.geluErf(1), 1e-6);
        checkNear(VectorMath::geluTanh, 1f, DoubleReference.geluTanh(1), 1e-6);
        checkNear(VectorMath::geluTanh, -10f, DoubleReference.geluTanh(-10), 1e-5);  // the sigmoid form keeps tiny tails accurate
    }
}
