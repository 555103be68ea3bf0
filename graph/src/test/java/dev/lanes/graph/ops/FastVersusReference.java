package dev.lanes.graph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.Map;
import java.util.SplittableRandom;

/** The binding tests' shared check: one model on the fast and the reference backend, optimisation off. */
final class FastVersusReference {
    private FastVersusReference() {
    }

    /** Uniform data in [-1, 1). */
    static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Tensor.checkedSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(v, shape);
    }

    /**
     * Every output of the fast backend has the reference's name, type and shape, and each element is
     * within {@code tol·(1 + |reference|)} of it ({@code tol} 0: bit-equal values, NaN where the reference has NaN).
     */
    static void assertSame(OnnxModelBuilder b, Map<String, Tensor> in, int threads, double tol) {
        byte[] model = b.toBytes();
        SessionOptions o = SessionOptions.defaults().withThreads(threads).withOptimize(false);
        try (Session fast = Session.open(model, o.withBackend(Backend.FAST));
             Session ref = Session.open(model, o.withBackend(Backend.REFERENCE))) {
            Map<String, Tensor> want = ref.run(in), got = fast.run(in);
            assertEquals(want.keySet(), got.keySet());
            for (var e : want.entrySet()) {
                Tensor w = e.getValue(), g = got.get(e.getKey());
                assertEquals(w.dtype(), g.dtype(), e.getKey());
                assertArrayEquals(w.shape(), g.shape(), e.getKey());
                for (int i = 0; i < w.size(); i++) {
                    double a = w.getDouble(i), c = g.getDouble(i);
                    int at = i;
                    if (tol == 0) {
                        assertEquals(a, c, 0, () -> e.getKey() + "[" + at + "]");
                    } else {
                        assertTrue(Math.abs(a - c) <= tol * (1 + Math.abs(a)), () -> e.getKey() + "[" + at + "]: " + a + " vs " + c);
                    }
                }
            }
        }
    }
}
