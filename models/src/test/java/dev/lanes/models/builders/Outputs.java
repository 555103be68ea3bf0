package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Tensor;
import java.util.Map;

/** Comparisons of model outputs used by the builder tests. */
final class Outputs {
    private Outputs() {}

    /** Largest |a − b| over two float tensors of the same shape. */
    static double maxAbsDiff(Tensor a, Tensor b) {
        assertArrayEquals(b.shape(), a.shape(), "shapes differ");
        float[] x = a.floats(), y = b.floats();
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - y[i]);
            if (!(d <= worst)) {
                worst = d; // NaN lands here and stays
            }
        }
        return worst;
    }

    /** Every output of {@code actual} within {@code tolerance} of {@code expected}, absolute. */
    static void assertClose(Map<String, Tensor> expected, Map<String, Tensor> actual, double tolerance, String what) {
        assertTrue(actual.keySet().containsAll(expected.keySet()), what + ": outputs " + actual.keySet() + " lack some of " + expected.keySet());
        for (var e : expected.entrySet()) {
            double d = maxAbsDiff(actual.get(e.getKey()), e.getValue());
            assertTrue(d <= tolerance, what + " output '" + e.getKey() + "': max |diff| " + d + " > " + tolerance);
        }
    }

    /** Standard deviation of a float tensor's elements. */
    static double std(Tensor t) {
        float[] v = t.floats();
        double s = 0, s2 = 0;
        for (float f : v) {
            s += f;
            s2 += (double) f * f;
        }
        double mean = s / v.length;
        return Math.sqrt(Math.max(0, s2 / v.length - mean * mean));
    }
}
