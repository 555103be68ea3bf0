package dev.lanes.graph.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What every pass test does: import a model built in code, apply passes to a copy, and run both the
 * original and the rewritten graph on the reference backend with optimisation off, so that the only
 * difference between the two runs is the rewrite.
 */
final class PassCheck {
    private PassCheck() {}

    static final SessionOptions REFERENCE = SessionOptions.defaults().withThreads(1).withBackend(Backend.REFERENCE)
            .withOptimize(false);

    static OnnxModel model(OnnxModelBuilder b) {
        return OnnxImporter.fromModel(b.build(), null);
    }

    /** The passes applied to a copy of the model's graph. */
    static Graph rewrite(OnnxModel m, Pass... passes) {
        Graph g = GraphCopy.of(m.graph());
        for (Pass p : passes) {
            g = p.apply(g);
        }
        return g;
    }

    static OnnxModel withGraph(OnnxModel m, Graph g) {
        return new OnnxModel(g, m.irVersion(), m.opsets(), m.producer());
    }

    static Map<String, Tensor> run(OnnxModel m, Map<String, Tensor> inputs) {
        return run(m, inputs, REFERENCE);
    }

    static Map<String, Tensor> run(OnnxModel m, Map<String, Tensor> inputs, SessionOptions options) {
        try (Session s = Session.open(m, options)) {
            return s.run(inputs);
        }
    }

    /** Runs the original and the rewritten graph on {@code inputs}; every output within {@code tol} (absolute + relative). */
    static void sameOutputs(OnnxModel original, Graph rewritten, Map<String, Tensor> inputs, double tol) {
        Map<String, Tensor> want = run(original, inputs);
        Map<String, Tensor> got = run(withGraph(original, rewritten), inputs);
        assertClose(want, got, tol);
    }

    /** The rewritten graph on the fast backend, against the original on the reference backend. */
    static void sameOutputsFast(OnnxModel original, Graph rewritten, Map<String, Tensor> inputs, double tol) {
        Map<String, Tensor> want = run(original, inputs);
        Map<String, Tensor> got = run(withGraph(original, rewritten), inputs, REFERENCE.withBackend(Backend.FAST));
        assertClose(want, got, tol);
    }

    static void assertClose(Map<String, Tensor> want, Map<String, Tensor> got, double tol) {
        assertEquals(want.keySet(), got.keySet());
        for (var e : want.entrySet()) {
            Tensor w = e.getValue(), g = got.get(e.getKey());
            assertEquals(w.dtype(), g.dtype(), e.getKey() + " dtype");
            assertArrayEquals(w.shape(), g.shape(), e.getKey() + " shape");
            for (int i = 0; i < w.size(); i++) {
                double a = w.getDouble(i), b = g.getDouble(i);
                if (Double.isNaN(a) && Double.isNaN(b)) {
                    continue;
                }
                int at = i;
                assertTrue(Math.abs(a - b) <= tol * (1 + Math.abs(a)),
                        () -> e.getKey() + "[" + at + "]: want " + a + ", got " + b);
            }
        }
    }

    static long count(Graph g, String opType) {
        return g.nodes().stream().filter(n -> n.opType().equals(opType)).count();
    }

    static List<String> ops(Graph g) {
        return g.nodes().stream().map(Node::opType).toList();
    }

    static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Tensor.checkedSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(v, shape);
    }

    static Tensor positive(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Tensor.checkedSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 + r.nextDouble());
        }
        return Tensor.of(v, shape);
    }

    static Tensor longs(long... v) {
        return Tensor.ofLongs(v, v.length);
    }

    static Tensor scalar(float v) {
        return Tensor.scalar(v);
    }

    static final DType F = DType.FLOAT32;
}
