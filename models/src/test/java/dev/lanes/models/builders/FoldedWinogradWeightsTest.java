package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folded 3x3 weights that only Winograd layers read: a session opened from the model file drops their raw
 * values (the Winograd transform cannot give them back, but the fold can be computed again from the file's
 * weights). The stand-ins still read as the folded values, bit for bit; a second input size that needs the other
 * Winograd variant (F(4,3) from 24 outputs a side, F(2,3) below) prepares it from the recomputed values and gives
 * the bits a fresh session gives; the reference backend agrees.
 */
class FoldedWinogradWeightsTest {
    @TempDir
    Path dir;

    @Test
    void winogradLayersRecomputeTheirFoldedWeightsFromTheFile() throws IOException {
        GraphBuilder b = new GraphBuilder("winograd", 11);
        String x = b.input("input", DType.FLOAT32, 1, 16, "h", "w");
        String y = ConvLayers.convBn(b, "c1", "bn1", x, 16, 32, 3, 1, 1, ConvLayers.Activation.RELU, 1);
        y = ConvLayers.convBn(b, "c2", "bn2", y, 32, 16, 3, 1, 1, ConvLayers.Activation.NONE, 1);
        b.output(y, "out", DType.FLOAT32, 1, 16, "h", "w");
        Path file = dir.resolve("winograd.onnx");
        Files.write(file, new BuiltModel("winograd", b.build(17), 0, Map.of()).toBytes());
        Map<String, Tensor> large = Map.of("input", ExampleInputs.floats(3, 1, 16, 30, 26));
        Map<String, Tensor> small = Map.of("input", ExampleInputs.floats(4, 1, 16, 9, 11));
        SessionOptions fast = SessionOptions.defaults().withBackend(Backend.FAST).withThreads(2);
        try (Session s = Session.open(file, fast); Session fresh = Session.open(file, fast);
             Session ref = Session.open(file, SessionOptions.defaults().withBackend(Backend.REFERENCE).withThreads(1))) {
            Map<String, Tensor> first = s.run(large);
            Outputs.assertClose(ref.run(large), first, 1e-4, "30x26");
            // the folded weights as the reference backend's optimised plan holds them (raw)
            Map<String, Tensor> folded = ref.plan().graph().initializers();
            int convWeights = 0;
            for (var e : s.planFor(large).graph().initializers().entrySet()) {
                if (e.getValue().shape().length != 4) continue;
                convWeights++;
                assertFalse(e.getValue().holdsValues(), e.getKey() + " is a stand-in");
                assertArrayEquals(folded.get(e.getKey()).floats(), e.getValue().floats(), e.getKey() + " reads back bit for bit");
            }
            assertTrue(convWeights == 2, "two conv weights, found " + convWeights);
            Map<String, Tensor> second = s.run(small);
            Outputs.assertClose(ref.run(small), second, 1e-4, "9x11");
            assertArrayEquals(fresh.run(small).get("out").floats(), second.get("out").floats(), "9x11 after 30x26 = 9x11 first");
            assertArrayEquals(first.get("out").floats(), s.run(large).get("out").floats(), "30x26 again");
        }
        // the raw values really are gone (the file holds the unfolded weights, 4608 floats each: re-read, not kept):
        // with the file changed, the other variant cannot be prepared
        Path copy = dir.resolve("copy.onnx");
        Files.copy(file, copy);
        try (Session s = Session.open(copy, fast)) {
            s.run(large);
            Files.write(copy, new byte[] {0});
            RuntimeException e = assertThrows(RuntimeException.class, () -> s.run(small));
            assertTrue(String.valueOf(e.getMessage()).contains("changed") || e.getCause() != null, String.valueOf(e));
        }
    }
}
