package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {

    /** Y = Relu(X · W + B) then Softmax, with a batch dim named "batch": a small MLP layer. */
    static byte[] mlp() {
        Random r = new Random(7);
        float[] w = new float[16 * 8];
        float[] b = new float[8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        return new OnnxModelBuilder("mlp").opset(17)
                .input("X", DType.FLOAT32, "batch", 16)
                .initializer("W", Tensor.of(w, 16, 8))
                .initializer("B", Tensor.of(b, 8))
                .node("MatMul").inputs("X", "W").outputs("xw").add()
                .node("Add").inputs("xw", "B").outputs("pre").add()
                .node("Relu").inputs("pre").outputs("act").add()
                .node("Softmax").inputs("act").outputs("Y").attr("axis", -1).add()
                .output("Y", DType.FLOAT32, "batch", 8)
                .toBytes();
    }

    static Tensor randomInput(int rows, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Tensor.of(x, rows, 16);
    }

    @Test
    void concurrentRunsGiveExactlyTheSequentialOutputs() throws Exception {
        for (Backend backend : Backend.values()) {
            try (Session s = Session.open(mlp(), SessionOptions.defaults().withBackend(backend).withThreads(2))) {
                int runs = 64;
                List<Tensor> inputs = new ArrayList<>();
                List<Tensor> expected = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    Tensor x = randomInput(1 + i % 5, i);
                    inputs.add(x);
                    expected.add(s.run(Map.of("X", x)).get("Y"));
                }
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<Tensor>> results = new ArrayList<>();
                    for (int rep = 0; rep < 4; rep++) {
                        for (int i = 0; i < runs; i++) {
                            Tensor x = inputs.get(i);
                            results.add(pool.submit((Callable<Tensor>) () -> s.run(Map.of("X", x)).get("Y")));
                        }
                    }
                    for (int k = 0; k < results.size(); k++) {
                        Tensor got = results.get(k).get();
                        Tensor want = expected.get(k % runs);
                        assertTrue(want.contentEquals(got), backend + " run " + k + " differs from the sequential run");
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void opensFromPathBytesAndStreamAlike(@TempDir Path dir) throws Exception {
        byte[] model = mlp();
        Path file = dir.resolve("mlp.onnx");
        Files.write(file, model);
        Tensor x = randomInput(3, 1);
        SessionOptions o = SessionOptions.defaults().withThreads(1);
        try (Session a = Session.open(file, o); Session b = Session.open(model, o);
             Session c = Session.open(new ByteArrayInputStream(model), o)) {
            Tensor ya = a.run(Map.of("X", x)).get("Y");
            assertTrue(ya.contentEquals(b.run(Map.of("X", x)).get("Y")));
            assertTrue(ya.contentEquals(c.run(Map.of("X", x)).get("Y")));
            assertArrayEquals(new int[] {3, 8}, ya.shape());
            assertEquals(List.of("X"), a.inputNames());
            assertEquals(List.of("Y"), a.outputNames());
        }
    }

    @Test
    void runValidatesInputsWithClearMessages() {
        try (Session s = Session.open(mlp(), SessionOptions.defaults().withThreads(1))) {
            var missing = assertThrows(ModelException.class, () -> s.run(Map.of()));
            assertTrue(missing.getMessage().contains("missing input 'X'"), missing.getMessage());
            var unknown = assertThrows(ModelException.class, () -> s.run(Map.of("X", randomInput(1, 1), "Z", Tensor.scalar(1))));
            assertTrue(unknown.getMessage().contains("unknown input 'Z'"), unknown.getMessage());
            var dtype = assertThrows(ModelException.class, () -> s.run(Map.of("X", Tensor.ofLongs(new long[16], 1, 16))));
            assertTrue(dtype.getMessage().contains("must be float32, got int64"), dtype.getMessage());
            var rank = assertThrows(ModelException.class, () -> s.run(Map.of("X", Tensor.of(new float[16], 16))));
            assertTrue(rank.getMessage().contains("rank 2"), rank.getMessage());
            var dim = assertThrows(ModelException.class, () -> s.run(Map.of("X", Tensor.of(new float[15], 1, 15))));
            assertTrue(dim.getMessage().contains("dimension 1 must be 16"), dim.getMessage());
        }
    }

    @Test
    void inputsWithInitializersAreOptionalAndOverridable() {
        byte[] model = new OnnxModelBuilder("defaults").opset(13)
                .input("X", DType.FLOAT32, 2)
                .input("Bias", DType.FLOAT32, 2)
                .initializer("Bias", Tensor.of(new float[] {10, 20}, 2))
                .node("Add").inputs("X", "Bias").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        try (Session s = Session.open(model, SessionOptions.defaults().withThreads(1))) {
            assertTrue(s.hasDefault("Bias"));
            Tensor x = Tensor.of(new float[] {1, 2}, 2);
            assertArrayEquals(new float[] {11, 22}, s.run(Map.of("X", x)).get("Y").floats());
            assertArrayEquals(new float[] {2, 4}, s.run(Map.of("X", x, "Bias", x)).get("Y").floats());
        }
    }

    @Test
    void outputsNeverAliasConstantsOrInputs() {
        byte[] model = new OnnxModelBuilder("alias").opset(13)
                .input("X", DType.FLOAT32, 2)
                .initializer("C", Tensor.of(new float[] {1, 2}, 2))
                .node("Identity").inputs("C").outputs("Y").add()
                .node("Identity").inputs("X").outputs("Z").add()
                .output("Y", DType.FLOAT32, 2)
                .output("Z", DType.FLOAT32, 2)
                .toBytes();
        try (Session s = Session.open(model, SessionOptions.defaults().withThreads(1))) {
            Tensor x = Tensor.of(new float[] {5, 6}, 2);
            Map<String, Tensor> out = s.run(Map.of("X", x));
            out.get("Y").floats()[0] = 99; // the caller owns outputs: this must not change the model
            assertNotSame(x.floats(), out.get("Z").floats());
            assertArrayEquals(new float[] {1, 2}, s.run(Map.of("X", x)).get("Y").floats());
        }
    }

    @Test
    void profilingRecordsEveryNode() {
        // Optimisation off: the passes would fuse MatMul + Add + Relu and specialise a plan per input shape.
        try (Session s = Session.open(mlp(), SessionOptions.defaults().withThreads(1).withProfiling(true).withOptimize(false))) {
            s.run(Map.of("X", randomInput(2, 3)));
            s.run(Map.of("X", randomInput(2, 4)));
            List<NodeTiming> p = s.profile();
            assertEquals(4, p.size());
            for (NodeTiming t : p) {
                assertEquals(2, t.calls(), t.toString());
                assertTrue(t.totalNanos() > 0, t.toString());
            }
            assertEquals(List.of("MatMul", "Add", "Relu", "Softmax"), p.stream().map(NodeTiming::opType).toList());
        }
    }

    @Test
    void closedSessionRefusesToRun() {
        Session s = Session.open(mlp(), SessionOptions.defaults().withThreads(2));
        s.close();
        assertThrows(IllegalStateException.class, () -> s.run(Map.of("X", randomInput(1, 1))));
    }
}
