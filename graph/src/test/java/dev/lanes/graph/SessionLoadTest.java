package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a session is opened: the load phases it reports, weights that are copies (not views) of the
 * file's bytes, and operator preparation on several threads that gives the same plan and the same
 * first error as on one.
 */
class SessionLoadTest {
    @TempDir
    Path dir;

    /** A chain of {@code layers} MatMul + Relu layers of width 24 (enough nodes for both threads to prepare some). */
    static byte[] chain(int layers, String badOpAt, int... badLayers) {
        Random r = new Random(11);
        OnnxModelBuilder b = new OnnxModelBuilder("chain").opset(17).input("X", DType.FLOAT32, "batch", 24);
        String x = "X";
        for (int l = 0; l < layers; l++) {
            float[] w = new float[24 * 24];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian() / 5;
            }
            b.initializer("W" + l, Tensor.of(w, 24, 24));
            final int layer = l;
            boolean bad = Arrays.stream(badLayers).anyMatch(k -> k == layer);
            b.node(bad ? badOpAt : "MatMul").name("mm" + l).inputs(x, "W" + l).outputs("h" + l).add();
            b.node("Relu").name("relu" + l).inputs("h" + l).outputs("a" + l).add();
            x = "a" + l;
        }
        return b.output(x, DType.FLOAT32, "batch", 24).toBytes();
    }

    static Tensor input(long seed) {
        Random r = new Random(seed);
        float[] x = new float[3 * 24];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Tensor.of(x, 3, 24);
    }

    @Test
    void aSessionFromAFileReportsEveryLoadPhaseInOrder() throws Exception {
        Path file = dir.resolve("chain.onnx");
        Files.write(file, chain(12, null));
        try (Session s = Session.open(file, SessionOptions.defaults().withThreads(2))) {
            LoadTimings t = s.loadTimings();
            List<String> names = t.phases().stream().map(LoadTimings.Phase::name).toList();
            assertEquals(List.of("read", "parse", "import"), names.subList(0, 3), names.toString());
            assertEquals(List.of("schedule", "prepare", "plan"), names.subList(names.size() - 3, names.size()), names.toString());
            assertTrue(names.contains("pass ConstantFolding") && names.contains("pass ShapeInference"), names.toString());
            LoadTimings.Phase prepare = t.phase("prepare");
            assertTrue(prepare.parts().containsKey("MatMul") || prepare.parts().containsKey("FusedMatMul"), prepare.parts().toString());
            long sum = t.phases().stream().mapToLong(LoadTimings.Phase::nanos).sum();
            assertEquals(sum / 1e6, t.totalMillis(), 1e-9);
            assertTrue(t.phases().stream().allMatch(p -> p.nanos() >= 0));
            // Which phases reach 0.5 ms depends on the machine: every phase is either listed or folded into "other".
            String text = t.format(3);
            assertTrue(text.startsWith("load "), text);
            for (LoadTimings.Phase p : t.phases()) {
                assertTrue(p.nanos() < 500_000 ? text.contains("other (each < 0.5 ms)") : text.contains(p.name()), p + " in " + text);
            }
        }
    }

    @Test
    void unoptimisedAndInMemorySessionsReportTheirPhasesToo() throws Exception {
        byte[] bytes = chain(2, null);
        try (Session s = Session.open(new ByteArrayInputStream(bytes), SessionOptions.defaults().withOptimize(false))) {
            List<String> names = s.loadTimings().phases().stream().map(LoadTimings.Phase::name).toList();
            assertEquals(List.of("read", "parse", "import", "schedule", "prepare", "plan"), names);
        }
        try (Session s = Session.open(bytes, SessionOptions.defaults())) {
            assertEquals("parse", s.loadTimings().phases().get(0).name());
        }
    }

    @Test
    void weightsAreCopiedOutOfTheModelBytes() {
        // The protobuf is parsed with aliasing: raw_data are views of the caller's array until import
        // copies them. Overwriting the array after opening must change nothing.
        byte[] bytes = chain(3, null);
        Tensor x = input(5);
        try (Session s = Session.open(bytes, SessionOptions.defaults().withThreads(1))) {
            float[] before = s.run(Map.of("X", x)).get("a2").floats();
            Arrays.fill(bytes, (byte) 0x7f);
            float[] after = s.run(Map.of("X", x)).get("a2").floats();
            assertArrayEquals(before, after);
        }
    }

    @Test
    void readAndMemoryMappedFilesGiveTheSameOutputsAsTheirBytes() throws Exception {
        // 2048 x 2048 weights: 16 MiB, so this file is memory-mapped (OnnxImporter maps from 16 MiB on).
        Random r = new Random(3);
        float[] w = new float[2048 * 2048];
        for (int i = 0; i < w.length; i += 7) {
            w[i] = (float) r.nextGaussian();
        }
        byte[] big = new OnnxModelBuilder("big").opset(17).input("X", DType.FLOAT32, 1, 2048)
                .initializer("W", Tensor.of(w, 2048, 2048))
                .node("MatMul").inputs("X", "W").outputs("Y").add()
                .output("Y", DType.FLOAT32, 1, 2048).toBytes();
        assertTrue(big.length >= 16 << 20, "the big model must reach the mapping size: " + big.length);
        float[] x = new float[2048];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        check(big, "Y", Map.of("X", Tensor.of(x, 1, 2048)));
        check(chain(4, null), "a3", Map.of("X", input(9)));
    }

    private void check(byte[] bytes, String output, Map<String, Tensor> in) throws Exception {
        Path file = Files.write(dir.resolve("m" + bytes.length + ".onnx"), bytes);
        try (Session fromFile = Session.open(file, SessionOptions.defaults().withThreads(1));
             Session fromBytes = Session.open(bytes, SessionOptions.defaults().withThreads(1))) {
            assertArrayEquals(fromBytes.run(in).get(output).floats(), fromFile.run(in).get(output).floats());
        }
    }

    @Test
    void operatorsPreparedOnSeveralThreadsRunExactlyAsOnOne() {
        byte[] bytes = chain(16, null);
        for (Backend backend : Backend.values()) {
            try (Session one = Session.open(bytes, SessionOptions.defaults().withBackend(backend).withThreads(1));
                 Session three = Session.open(bytes, SessionOptions.defaults().withBackend(backend).withThreads(3))) {
                assertEquals(one.plan().steps().size(), three.plan().steps().size());
                for (int i = 0; i < one.plan().steps().size(); i++) {
                    assertEquals(one.plan().steps().get(i).node().name(), three.plan().steps().get(i).node().name());
                    assertEquals(one.plan().steps().get(i).op().getClass(), three.plan().steps().get(i).op().getClass());
                }
                for (long seed = 0; seed < 4; seed++) {
                    Tensor x = input(seed);
                    assertArrayEquals(one.run(Map.of("X", x)).get("a15").floats(), three.run(Map.of("X", x)).get("a15").floats());
                }
            }
        }
    }

    @Test
    void theFirstBadNodeInScheduleOrderIsReportedWhateverTheThreads() {
        byte[] bytes = chain(20, "Frobnicate", 7, 15);
        for (int threads : new int[] {1, 2, 4}) {
            ModelException e = assertThrows(ModelException.class,
                    () -> Session.open(bytes, SessionOptions.defaults().withThreads(threads).withOptimize(false)));
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().contains("'mm7'") && e.getMessage().contains("Frobnicate"), threads + " threads: " + e.getMessage());
        }
    }
}
