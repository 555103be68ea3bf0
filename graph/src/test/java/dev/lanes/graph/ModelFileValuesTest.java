package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights a session re-reads from its model file are read one by one from their own bytes: a new input size whose
 * Winograd layers all need the other variant (so every folded weight is recomputed from the file's unfolded one)
 * indexes the file once and loads no whole model, and gives the bits a fresh session gives.
 */
class ModelFileValuesTest {
    private static final int LAYERS = 4;

    /** X[1, 16, h, w] → LAYERS × (Conv 3x3 pad 1 → BatchNormalization), 16 → 32 → 32 → 32 → 16 channels. */
    static byte[] winogradStack() {
        Random r = new Random(11);
        OnnxModelBuilder b = new OnnxModelBuilder("stack").opset(17).input("X", DType.FLOAT32, 1, 16, "h", "w");
        String x = "X";
        for (int l = 0; l < LAYERS; l++) {
            int c = l == 0 ? 16 : 32, m = l == LAYERS - 1 ? 16 : 32;
            b.initializer("W" + l, Tensor.of(gaussian(r, m * c * 9, 0.25f), m, c, 3, 3));
            for (String p : List.of("scale", "bias", "mean")) {
                b.initializer(p + l, Tensor.of(gaussian(r, m, 1), m));
            }
            float[] var = gaussian(r, m, 1);
            for (int i = 0; i < m; i++) var[i] = 0.5f + Math.abs(var[i]);
            b.initializer("var" + l, Tensor.of(var, m));
            b.node("Conv").name("conv" + l).inputs(x, "W" + l).outputs("c" + l).attrInts("pads", 1, 1, 1, 1).add();
            b.node("BatchNormalization").name("bn" + l).inputs("c" + l, "scale" + l, "bias" + l, "mean" + l, "var" + l)
                    .outputs("y" + l).add();
            x = "y" + l;
        }
        return b.output(x, DType.FLOAT32, 1, 16, "h", "w").toBytes();
    }

    private static float[] gaussian(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * scale;
        return v;
    }

    private static Map<String, Tensor> input(int h, int w) {
        return Map.of("X", Tensor.of(gaussian(new Random(h * 31 + w), 16 * h * w, 1), 1, 16, h, w));
    }

    @Test
    void aNewInputSizeRecomputingEveryFoldedWeightIndexesTheFileOnce(@TempDir Path dir) throws IOException {
        byte[] bytes = winogradStack();
        Path file = dir.resolve("stack.onnx");
        Files.write(file, bytes);
        SessionOptions fast = SessionOptions.defaults().withBackend(Backend.FAST).withThreads(1);
        Map<String, Tensor> large = input(30, 26), small = input(9, 11);
        try (Session s = Session.open(file, fast); Session fresh = Session.open(file, fast)) {
            s.run(large);
            int scans = ModelFileValues.INDEX_SCANS.get(), reads = ModelFileValues.WEIGHT_READS.get();
            int loads = ModelFileValues.MODEL_LOADS.get();
            Map<String, Tensor> second = s.run(small);
            assertEquals(1, ModelFileValues.INDEX_SCANS.get() - scans, "the file is indexed once for all layers");
            assertEquals(LAYERS, ModelFileValues.WEIGHT_READS.get() - reads, "each unfolded weight is read once");
            assertEquals(0, ModelFileValues.MODEL_LOADS.get() - loads, "no whole model is loaded");
            assertArrayEquals(fresh.run(small).values().iterator().next().floats(), second.values().iterator().next().floats(),
                    "9x11 after 30x26 = 9x11 first");
            // the unfolded weights read back as the file holds them
            var imported = OnnxImporter.load(bytes).graph().initializers();
            for (int l = 0; l < LAYERS; l++) {
                Tensor w = s.model().graph().initializers().get("W" + l);
                assertFalse(w.holdsValues(), "W" + l + " is read from the file");
                assertArrayEquals(imported.get("W" + l).floats(), w.floats(), "W" + l);
            }
            assertEquals(0, ModelFileValues.MODEL_LOADS.get() - loads, "no whole model is loaded");
        }
    }
}
