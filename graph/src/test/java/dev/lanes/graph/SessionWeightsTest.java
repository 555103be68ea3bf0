package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session holds each weight once: the raw values of a constant that only packed operators read are
 * unreachable once the session is open, and stay so after plans for new input shapes are compiled
 * (they find the packed form, nothing is re-packed); the results are those of the reference backend;
 * a constant that some reader needs raw (a default input, the reference backend) keeps its values.
 */
class SessionWeightsTest {
    private static final int D = 24;

    /** X[batch, 24] → MatMul W0 → +b0 → Relu → Gemm(W1, transB) → MatMul W2 → Y; W3 a default input read as B. */
    static byte[] model() {
        Random r = new Random(5);
        OnnxModelBuilder b = new OnnxModelBuilder("mlp").opset(17).input("X", DType.FLOAT32, "batch", D);
        b.input("W3", DType.FLOAT32, D, D);
        for (String w : List.of("W0", "W1", "W2", "W3")) {
            b.initializer(w, Tensor.of(gaussian(r, D * D), D, D));
        }
        b.initializer("b0", Tensor.of(gaussian(r, D), D));
        b.node("MatMul").name("mm0").inputs("X", "W0").outputs("h0").add();
        b.node("Add").name("add0").inputs("h0", "b0").outputs("h1").add();
        b.node("Relu").name("relu").inputs("h1").outputs("h2").add();
        b.node("Gemm").name("gemm").inputs("h2", "W1").outputs("h3").attr("transB", 1L).add();
        b.node("MatMul").name("mm2").inputs("h3", "W2").outputs("h4").add();
        b.node("MatMul").name("mm3").inputs("h4", "W3").outputs("Y").add();
        return b.output("Y", DType.FLOAT32, "batch", D).toBytes();
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() / 4;
        }
        return v;
    }

    private static Map<String, Tensor> input(int batch) {
        return Map.of("X", Tensor.of(gaussian(new Random(batch), batch * D), batch, D));
    }

    @Test
    void rawValuesOfPackedWeightsAreUnreachableAcrossNewShapes() throws InterruptedException {
        byte[] bytes = model();
        OnnxModel model = OnnxImporter.load(bytes);
        Map<String, float[]> original = new java.util.HashMap<>();
        List<WeakReference<float[]>> packedOnly = new ArrayList<>();
        for (String w : List.of("W0", "W1", "W2")) {
            float[] v = model.graph().initializers().get(w).floats();
            original.put(w, v.clone());
            packedOnly.add(new WeakReference<>(v));
        }
        WeakReference<float[]> defaultInput = new WeakReference<>(model.graph().initializers().get("W3").floats());
        SessionOptions fast = SessionOptions.defaults().withBackend(Backend.FAST).withThreads(2);
        try (Session s = Session.open(model, fast);
             Session ref = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.REFERENCE))) {
            model = null;
            WeightMemory opened = s.weightMemory();
            assertEquals(3, opened.standIns(), opened.describe());
            for (int batch : new int[] {3, 7, 3}) {
                Map<String, Tensor> in = input(batch);
                assertClose(ref.run(in).get("Y"), s.run(in).get("Y"));
            }
            ExecutionPlan forSeven = s.planFor(input(7));
            assertNotSame(s.plan(), forSeven, "batch 7 runs a specialised plan");
            for (String w : List.of("W0", "W1", "W2")) {
                Tensor general = s.plan().graph().initializers().get(w), special = forSeven.graph().initializers().get(w);
                assertFalse(general.holdsValues(), w);
                assertSame(general, special, w + ": the specialised plan binds the session's constant");
            }
            WeightMemory after = s.weightMemory();
            assertEquals(opened.packedBytes(), after.packedBytes(), "nothing re-packed for new shapes");
            assertEquals(opened.packedConstants(), after.packedConstants());
            assertEquals(3, after.standIns());
            awaitCleared(packedOnly);
            assertFalse(defaultInput.refersTo(null), "a default input keeps its values (the caller may replace it)");
            for (String w : List.of("W0", "W2")) {
                assertArrayEquals(original.get(w), s.model().graph().initializers().get(w).floats(), w + " read back from its packed form");
            }
            assertArrayEquals(original.get("W1"), s.model().graph().initializers().get("W1").floats(), "W1, packed transposed");
            Map<String, Tensor> replaced = new java.util.HashMap<>(input(2));
            replaced.put("W3", Tensor.of(new float[D * D], D, D));
            assertArrayEquals(new float[2 * D], s.run(replaced).get("Y").floats(), "a given W3 replaces the default");
        }
    }

    /** X[batch, 16, 6, 6] → Conv W[32, 16, 3, 3] → BatchNormalization: the fold leaves W unread by the plan. */
    static byte[] convBn() {
        Random r = new Random(9);
        OnnxModelBuilder b = new OnnxModelBuilder("convbn").opset(17).input("X", DType.FLOAT32, "batch", 16, 6, 6);
        b.initializer("W", Tensor.of(gaussian(r, 32 * 16 * 9), 32, 16, 3, 3));
        for (String p : List.of("scale", "bias", "mean")) {
            b.initializer(p, Tensor.of(gaussian(r, 32), 32));
        }
        float[] var = gaussian(r, 32);
        for (int i = 0; i < var.length; i++) {
            var[i] = 0.5f + Math.abs(var[i]);
        }
        b.initializer("var", Tensor.of(var, 32));
        b.node("Conv").name("conv").inputs("X", "W").outputs("c").attrInts("pads", 1, 1, 1, 1).add();
        b.node("BatchNormalization").name("bn").inputs("c", "scale", "bias", "mean", "var").outputs("Y").add();
        return b.output("Y", DType.FLOAT32, "batch", 32, 6, 6).toBytes();
    }

    @Test
    void weightsTheOptimisedPlanNoLongerReadsAreReadFromTheFileAgain(@TempDir Path dir) throws IOException {
        byte[] bytes = convBn();
        Path file = dir.resolve("convbn.onnx");
        Files.write(file, bytes);
        float[] w = OnnxImporter.load(bytes).graph().initializers().get("W").floats();
        Map<String, Tensor> in = Map.of("X", Tensor.of(gaussian(new Random(1), 2 * 16 * 36), 2, 16, 6, 6));
        try (Session s = Session.open(file, SessionOptions.defaults().withBackend(Backend.FAST));
             Session ref = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.REFERENCE))) {
            assertClose(ref.run(in).get("Y"), s.run(in).get("Y"));
            Tensor imported = s.model().graph().initializers().get("W");
            assertFalse(imported.holdsValues(), "the unfolded W is not kept");
            assertArrayEquals(w, imported.floats());
        }
        try (Session s = Session.open(file, SessionOptions.defaults().withBackend(Backend.FAST))) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() - 60_000));
            Tensor imported = s.model().graph().initializers().get("W");
            IllegalStateException e = assertThrows(IllegalStateException.class, imported::floats);
            assertTrue(e.getMessage().contains("changed") && e.getMessage().contains("'W'"), e.getMessage());
        }
        try (Session s = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.FAST))) {
            assertTrue(s.model().graph().initializers().get("W").holdsValues(), "a model from memory keeps every value");
        }
    }

    /** X[1, 16, h, w] → Conv W[32, 16, k, k] (pad k/2), no bias. */
    static byte[] conv(int k) {
        Random r = new Random(13);
        OnnxModelBuilder b = new OnnxModelBuilder("conv").opset(17).input("X", DType.FLOAT32, 1, 16, "h", "w");
        b.initializer("W", Tensor.of(gaussian(r, 32 * 16 * k * k), 32, 16, k, k));
        b.node("Conv").name("conv").inputs("X", "W").outputs("Y").attrInts("pads", k / 2, k / 2, k / 2, k / 2).add();
        return b.output("Y", DType.FLOAT32, 1, 32, "h", "w").toBytes();
    }

    @Test
    void weightMemoryCountsTheRawValuesAConvHolderKeepsAsRaw() {
        Map<String, Tensor> in = Map.of("X", Tensor.of(gaussian(new Random(2), 16 * 30 * 26), 1, 16, 30, 26));
        // 3x3 at 30x26: Winograd, whose transformed filters cannot give the weights back, and a model from memory
        // (no file to recompute anything from): the holder keeps the raw values beside the form
        try (Session s = Session.open(conv(3), SessionOptions.defaults().withBackend(Backend.FAST).withThreads(1))) {
            s.run(in);
            WeightMemory m = s.weightMemory();
            long raw = 4L * 32 * 16 * 9;
            assertEquals(0, m.rawBytes(), m.describe());
            assertEquals(raw, m.keptRawBytes(), m.describe());
            assertEquals(1, m.keptRawHolders(), m.describe());
            assertTrue(m.packedBytes() > raw, "Winograd's filters are larger than the weights: " + m.describe());
            assertEquals(raw + m.packedBytes(), m.totalBytes(), m.describe());
            assertTrue(m.describe().contains("raw 0.0 MB kept by 1 weight holders"), m.describe());
        }
        // 1x1: packed panels give the values back exactly, so the holder drops them: all of it is the form
        try (Session s = Session.open(conv(1), SessionOptions.defaults().withBackend(Backend.FAST).withThreads(1))) {
            s.run(in);
            WeightMemory m = s.weightMemory();
            assertEquals(0, m.rawBytes() + m.keptRawBytes(), m.describe());
            assertEquals(0, m.keptRawHolders(), m.describe());
            assertTrue(m.packedBytes() >= 4L * 32 * 16, m.describe());
        }
    }

    /** ids[batch] → Gather(E) → Gemm(·, E, transB) (GPT-2's tied embedding); F is gathered only. */
    static byte[] tiedEmbedding() {
        Random r = new Random(3);
        OnnxModelBuilder b = new OnnxModelBuilder("tied").opset(17).input("ids", DType.INT64, "batch");
        b.initializer("E", Tensor.of(gaussian(r, 37 * D), 37, D));
        b.initializer("F", Tensor.of(gaussian(r, 37 * D), 37, D));
        b.node("Gather").name("embed").inputs("E", "ids").outputs("h").add();
        b.node("Gather").name("other").inputs("F", "ids").outputs("g").add();
        b.node("Add").name("sum").inputs("h", "g").outputs("s").add();
        b.node("Gemm").name("head").inputs("s", "E").outputs("Y").attr("transB", 1L).add();
        return b.output("Y", DType.FLOAT32, "batch", 37).toBytes();
    }

    @Test
    void aTableGatheredAndMultipliedIsHeldPackedOnly() {
        byte[] bytes = tiedEmbedding();
        try (Session s = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.FAST));
             Session ref = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.REFERENCE))) {
            for (long[] ids : new long[][] {{0, 36, -1, 5}, {7}, {3, 3, -37}}) {
                Map<String, Tensor> in = Map.of("ids", Tensor.ofLongs(ids, ids.length));
                assertClose(ref.run(in).get("Y"), s.run(in).get("Y"));
            }
            assertFalse(s.plan().graph().initializers().get("E").holdsValues(), "E: Gather reads it from the Gemm's panels");
            assertTrue(s.plan().graph().initializers().get("F").holdsValues(), "F: nothing packs it, Gather reads it raw");
            assertThrows(RuntimeException.class, () -> s.run(Map.of("ids", Tensor.ofLongs(new long[] {37}, 1))));
        }
    }

    @Test
    void theReferenceBackendKeepsRawWeights() {
        try (Session s = Session.open(model(), SessionOptions.defaults().withBackend(Backend.REFERENCE))) {
            s.run(input(4));
            WeightMemory m = s.weightMemory();
            assertEquals(0, m.standIns());
            assertEquals(0, m.packedBytes());
            assertEquals(4 * D * D * 4 + D * 4, m.rawBytes(), m.describe());
        }
    }

    @Test
    void deferredTensorsProduceTheirValuesOnRead() {
        float[] values = {1, 2, 3, 4, 5, 6};
        int[] calls = {0};
        Tensor t = Tensor.deferred(DType.FLOAT32, () -> {
            calls[0]++;
            return values.clone();
        }, 2, 3);
        assertFalse(t.holdsValues());
        assertArrayEquals(values, t.floats());
        assertEquals(6.0, t.getDouble(5));
        assertArrayEquals(values, t.reshape(3, 2).floats());
        assertTrue(t.copy().holdsValues());
        assertTrue(t.contentEquals(Tensor.of(values.clone(), 2, 3)));
        assertTrue(calls[0] >= 1);
        Tensor wrong = Tensor.deferred(DType.FLOAT32, () -> new float[5], 2, 3);
        assertThrows(IllegalStateException.class, wrong::floats);
        Tensor kind = Tensor.deferred(DType.FLOAT32, () -> new long[6], 2, 3);
        assertThrows(IllegalStateException.class, kind::floats);
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.floats(), a = actual.floats();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-4 + 1e-4 * Math.abs(e[i]), "element " + i);
        }
    }

    /** Collects until every reference is cleared (fails after a few seconds of trying). */
    private static void awaitCleared(List<WeakReference<float[]>> refs) throws InterruptedException {
        for (int i = 0; i < 50 && refs.stream().anyMatch(r -> !r.refersTo(null)); i++) {
            System.gc();
            Thread.sleep(20);
        }
        for (int i = 0; i < refs.size(); i++) {
            assertTrue(refs.get(i).refersTo(null), "raw values of weight " + i + " still reachable");
        }
    }
}
