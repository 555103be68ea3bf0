package dev.lanes.models.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectTest {
    @TempDir
    Path dir;

    private static Node node(String name, String op, List<String> in, List<String> out, Map<String, Attribute> attrs) {
        return new Node(name, op, "", 13, in, out, attrs);
    }

    @Test
    void flopsOfTheHeavyOps() {
        Map<String, Tensor> v = Map.of(
                "a", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 2, 5, 7),
                "mm", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 2, 5, 3),
                "g", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 7, 5),
                "gy", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 5, 4),
                "w", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 8, 2, 3, 3),
                "cy", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 1, 8, 10, 10),
                "tx", Tensor.zeros(dev.lanes.graph.DType.FLOAT32, 1, 8, 4, 4));
        assertEquals(2L * 2 * 5 * 3 * 7, FlopCount.of(node("m", "MatMul", List.of("a", "b"), List.of("mm"), Map.of()), v::get));
        assertEquals(2L * 5 * 4 * 7, FlopCount.of(node("g", "Gemm", List.of("g", "b"), List.of("gy"),
                Map.of("transA", Attribute.ofLong("transA", 1))), v::get));
        // grouped conv: each output element takes Cin/group * kh * kw = 2*3*3 multiply-adds
        assertEquals(2L * 800 * 18, FlopCount.of(node("c", "Conv", List.of("x", "w"), List.of("cy"), Map.of()), v::get));
        assertEquals(2L * 128 * 18, FlopCount.of(node("t", "ConvTranspose", List.of("tx", "w"), List.of("cy"), Map.of()), v::get));
        assertEquals(0, FlopCount.of(node("r", "Relu", List.of("cy"), List.of("cy"), Map.of()), v::get));
    }

    @Test
    void infoCountsParametersFlopsAndPeakMemoryOfATinyMlp() throws Exception {
        Path model = TinyModels.mlp(dir);
        SessionOptions opts = SessionOptions.defaults().withThreads(1);
        try (Session s = Session.open(model, opts)) {
            Map<String, Tensor> in = ModelInputs.synthetic(s, Map.of("batch", 2), 128, 1);
            assertArrayEquals(new int[] {2, 4}, in.get("x").shape());
            NodeTrace trace = NodeTrace.run(model, opts, in);
            assertEquals(List.of("mm1", "bias", "square", "mm2"), trace.nodes().stream().map(Node::name).toList());
            ModelInfo info = ModelInfo.of(s, trace, in);
            assertEquals(64, info.parameters());
            assertEquals(2L * 2 * (4 * 8 + 8 * 3), info.flops());
            assertEquals(Map.of("MatMul", 2, "Add", 1, "Mul", 1), info.opHistogram());
            // at most the input and two [2, 8] float intermediates are alive at once
            assertTrue(info.peakActivationBytes() >= 2 * 8 * 4 && info.peakActivationBytes() <= 8 * 4 + 3 * 2 * 8 * 4,
                    "peak " + info.peakActivationBytes());
            String text = info.format("mlp");
            assertTrue(text.contains("FLOPs per run: 224") && text.contains("parameters: 64"), text);
            // the optimised plan's arena: every size known, [2, 8] and [2, 3] buffers, the square in place
            assertTrue(info.memoryPlan().complete() && info.memoryPlan().arenaBytes() >= 2 * 8 * 4 + 2 * 3 * 4, info.memoryPlan().toString());
            assertTrue(text.contains("optimised plan:"), text);
        }
    }

    @Test
    void syntheticIdsStayInsideTheTableTheyIndex() throws Exception {
        Path model = TinyModels.smallTableGather(dir);
        try (Session s = Session.open(model, SessionOptions.defaults().withThreads(1))) {
            Map<String, Tensor> in = ModelInputs.synthetic(s, Map.of(), 64, 3);
            long[] ids = in.get("ids").longs();
            assertEquals(64, ids.length);
            assertTrue(java.util.Arrays.stream(ids).allMatch(id -> id == 0 || id == 1), java.util.Arrays.toString(ids));
            assertTrue(java.util.Arrays.stream(ids).anyMatch(id -> id == 1), "ids should not all be 0");
            assertArrayEquals(new int[] {1, 64, 3}, s.run(in).get("y").shape());
        }
    }

    @Test
    void convFlopsCountTheWeightInitializer() throws Exception {
        Path model = TinyModels.conv(dir);
        SessionOptions opts = SessionOptions.defaults().withThreads(1);
        try (Session s = Session.open(model, opts)) {
            Map<String, Tensor> in = ModelInputs.synthetic(s, Map.of(), 128, 1);
            ModelInfo info = ModelInfo.of(s, NodeTrace.run(model, opts, in), in);
            assertEquals(2L * 75 * 18, info.flops());
        }
    }

    @Test
    void fastAndReferenceBackendsAgreeOnTheTinyMlp() throws Exception {
        Path model = TinyModels.mlp(dir);
        Map<String, Tensor> in = Map.of("x", Tensor.of(new float[] {1, 2, 3, 4, -1, -2, -3, -4}, 2, 4));
        BackendComparison c = BackendComparison.run(model, 1, in, 1e-4);
        assertEquals(4, c.nodes().size());
        assertEquals(-1, c.firstDivergent());
        assertTrue(c.maxError() <= 1e-4, "max error " + c.maxError());
    }

    @Test
    void theFirstNodeOverTheToleranceIsNamed() {
        Node a = node("a", "Add", List.of("x"), List.of("u"), Map.of());
        Node b = node("b", "Mul", List.of("u"), List.of("v"), Map.of());
        Node c = node("c", "Exp", List.of("v"), List.of("w"), Map.of());
        NodeTrace ref = new NodeTrace(List.of(a, b, c), Map.of(
                "u", Tensor.of(new float[] {1, 2}, 2), "v", Tensor.of(new float[] {100, 200}, 2), "w", Tensor.of(new float[] {1, 1}, 2)));
        NodeTrace fast = new NodeTrace(List.of(a, b, c), Map.of(
                "u", Tensor.of(new float[] {1, 2.00001f}, 2), "v", Tensor.of(new float[] {100, 200.1f}, 2), "w", Tensor.of(new float[] {1, Float.NaN}, 2)));
        BackendComparison cmp = BackendComparison.compare(ref, fast, 1e-4);
        assertEquals(1, cmp.firstDivergent());   // 0.1 > 1e-4 * 200, while 1e-5 <= 1e-4 * max(1, 2)
        assertTrue(Double.isNaN(cmp.nodes().get(2).maxAbsError()));
        assertTrue(cmp.nodes().get(2).exceeds(1));
    }

    @Test
    void latencyPercentilesComeFromTheTimedRuns() {
        int[] calls = {0};
        int[] progress = {0};
        LatencyRecorder.Latency l = LatencyRecorder.measure(() -> calls[0]++, 3, 7, p -> progress[0] = p);
        assertEquals(10, calls[0]);
        assertEquals(10, progress[0]);
        assertEquals(7, l.runs());
        assertEquals(3, l.warmupRuns());
        assertTrue(l.p50() <= l.p90() && l.p90() <= l.p99() && l.p99() <= l.max());
    }

    @Test
    void warmUpLastsAtLeastItsTimeAndItsRuns() {
        int[] calls = {0};
        int[] progress = {0};
        long t0 = System.nanoTime();
        LatencyRecorder.Latency l = LatencyRecorder.measure(() -> calls[0]++, 2, 30_000_000L, 5, p -> progress[0] = Math.max(progress[0], p));
        assertTrue(System.nanoTime() - t0 >= 30_000_000L);
        assertTrue(l.warmupRuns() > 2, "a 30 ms warm-up of empty runs takes more than 2 of them: " + l.warmupRuns());
        assertEquals(l.warmupRuns() + 5, calls[0]);
        assertEquals(2 + 5, progress[0]);
    }

    @Test
    void warmUpWaitingForAQuietJitStopsAtItsLimitAndSaysSo() {
        int[] calls = {0};
        // a quiet window of 10 s cannot end within a limit of 0.2 s: the warm-up gives up there, marked not steady
        LatencyRecorder.Warmup w = new LatencyRecorder.Warmup(3, 0, 10_000_000_000L, 200_000_000L);
        LatencyRecorder.Latency l = LatencyRecorder.measure(() -> calls[0]++, w, 4, p -> { });
        assertFalse(l.steady());
        assertTrue(l.warmupSeconds() >= 0.2 && l.warmupSeconds() < 5, "stopped at its limit: " + l.warmupSeconds() + " s");
        assertEquals(l.warmupRuns() + 4, calls[0]);
    }

    @Test
    void warmUpWaitingForAQuietJitEndsWhenAWindowIsQuiet() {
        int[] calls = {0};
        // windows of 20 ms until one has the compilers busy for at most 1 ms of it, within 30 s
        LatencyRecorder.Warmup w = new LatencyRecorder.Warmup(1, 0, 20_000_000L, 30_000_000_000L);
        LatencyRecorder.Latency l = LatencyRecorder.measure(() -> calls[0]++, w, 2, p -> { });
        assertTrue(l.steady() || l.warmupSeconds() >= 30, "ended on a quiet window or at the limit: " + l.warmupSeconds() + " s");
        assertTrue(l.warmupSeconds() >= 0.02, "lasted at least one window: " + l.warmupSeconds() + " s");
    }

    @Test
    void warmUpRejectsALimitBelowItsLeastTime() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyRecorder.Warmup(1, 2_000_000_000L, 1_000_000_000L, 1_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new LatencyRecorder.Warmup(-1, 0, 0, 0));
    }
}
