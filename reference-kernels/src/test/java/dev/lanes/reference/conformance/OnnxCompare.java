package dev.lanes.reference.conformance;

import java.util.Arrays;

/**
 * ONNX's pass rule for node tests (numpy {@code assert_allclose} with rtol 1e-3, atol 1e-7): same
 * element type and shape, {@code |a - e| <= 1e-7 + 1e-3·|e|}, NaN equals NaN, infinities equal
 * themselves only. Integer and bool tensors must match exactly.
 */
public final class OnnxCompare {
    private OnnxCompare() {}

    public static final double RTOL = 1e-3, ATOL = 1e-7;

    /** Null when {@code actual} passes against {@code expected}, else what is wrong (first bad element). */
    public static String mismatch(OnnxTensor expected, OnnxTensor actual) {
        if (expected.type() != actual.type()) return "type " + actual.type() + ", expected " + expected.type();
        if (!Arrays.equals(expected.dims(), actual.dims())) {
            return "shape " + Arrays.toString(actual.dims()) + ", expected " + Arrays.toString(expected.dims());
        }
        if (expected.type().isIntegral()) {
            long[] e = expected.longs(), a = actual.longs();
            for (int i = 0; i < e.length; i++) {
                if (e[i] != a[i]) return "element " + i + " is " + a[i] + ", expected " + e[i];
            }
            return null;
        }
        double[] e = expected.asDoubles(), a = actual.asDoubles();
        int bad = 0, first = -1;
        for (int i = 0; i < e.length; i++) {
            if (!close(a[i], e[i])) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad == 0) return null;
        return bad + " of " + e.length + " elements differ; first: element " + first + " is " + a[first]
                + ", expected " + e[first] + " (|diff| " + Math.abs(a[first] - e[first]) + ")";
    }

    public static boolean close(double actual, double expected) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) return Double.isNaN(expected) && Double.isNaN(actual);
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) return actual == expected;
        return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
    }

    /** Fails the test with a message naming {@code what} when the tensors do not match. */
    public static void assertMatches(String what, OnnxTensor expected, OnnxTensor actual) {
        String m = mismatch(expected, actual);
        if (m != null) throw new AssertionError(what + ": " + m);
    }
}
