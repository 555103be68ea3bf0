package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * DESIGN.md's error bound: a fast result y passes against the reference r when
 * {@code |y - r| <= c * eps32 * terms + tiny}, where {@code terms} is the sum of the absolute values
 * of the products that make up r (the reference kernels report it) and c is a small constant per
 * algorithm, documented where it is chosen. NaN must meet NaN; infinities must be equal.
 */
public final class Tolerance {
    private Tolerance() {}

    /** float32 machine epsilon, 2^-23. */
    public static final double EPS32 = Math.ulp(1.0f);
    /** Absolute slack for results that round to (near) zero: a few subnormal steps. */
    public static final double TINY = 1e-30;

    public static void assertClose(String what, float[] actual, float[] expected, double[] terms, double c) {
        if (actual.length != expected.length) {
            fail(what + ": " + actual.length + " elements, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float y = actual[i], r = expected[i];
            if (Float.isNaN(r) || Float.isNaN(y)) {
                if (Float.isNaN(r) != Float.isNaN(y)) fail(what + ": element " + i + " is " + y + ", expected " + r);
                continue;
            }
            if (Float.isInfinite(r) || Float.isInfinite(y)) {
                if (y != r) fail(what + ": element " + i + " is " + y + ", expected " + r);
                continue;
            }
            double bound = c * EPS32 * terms[i] + TINY;
            double err = Math.abs((double) y - r);
            if (!(err <= bound)) {
                fail(String.format("%s: element %d is %s, expected %s: error %.3g exceeds bound %.3g (c=%s, terms=%.4g)",
                        what, i, y, r, err, bound, c, terms[i]));
            }
        }
    }

    /** Bit-for-bit equality (exact mode, thread-count independence). */
    public static void assertBitsEqual(String what, float[] actual, float[] expected) {
        if (actual.length != expected.length) fail(what + ": " + actual.length + " elements, expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected exactly " + expected[i]);
            }
        }
    }
}
