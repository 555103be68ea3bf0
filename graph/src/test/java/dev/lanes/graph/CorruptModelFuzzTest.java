package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.fail;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.graph.onnx.TensorProtos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Corrupted copies of a valid model (bytes flipped, runs overwritten, truncated at random points,
 * fixed seed): loading and running each must either work or fail with a {@link ModelException}; any
 * other exception, an error or a hang is a bug.
 */
class CorruptModelFuzzTest {

    @Test
    void corruptedModelsFailCleanly() {
        int opened = fuzz(SessionTest.mlp(), Map.of("X", SessionTest.randomInput(2, 1)), 400, 20261130);
        System.out.println("corrupted MLP: " + opened + " of 400 still loaded, the rest were refused with ModelException");
    }

    /** The same over conformance models with many attribute kinds (Resize, Conv, Attention, Pad, Slice, Split). */
    @Test
    void corruptedConformanceModelsFailCleanly() throws Exception {
        Path root = Path.of(System.getProperty("lanes.shared", "../../shared"), "onnx-node");
        assumeTrue(Files.isDirectory(root), "no conformance data");
        String[] tests = {"test_resize_downsample_scales_linear_antialias", "test_conv_with_strides_padding",
            "test_attention_4d_attn_mask_bool", "test_edge_pad", "test_slice_neg_steps", "test_split_variable_parts_2d_opset18"};
        int seed = 1;
        for (String t : tests) {
            Path dir = root.resolve(t);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            byte[] model = Files.readAllBytes(dir.resolve("model.onnx"));
            Map<String, Tensor> feeds = new HashMap<>();
            try (Session s = Session.open(model, SessionOptions.defaults().withThreads(1))) {
                for (int k = 0; Files.exists(dir.resolve("test_data_set_0/input_" + k + ".pb")); k++) {
                    feeds.put(s.inputNames().get(k), TensorProtos.read(dir.resolve("test_data_set_0/input_" + k + ".pb")));
                }
            }
            fuzz(model, feeds, 150, seed++);
        }
    }

    private static int fuzz(byte[] valid, Map<String, Tensor> feeds, int trials, long seed) {
        Random r = new Random(seed);
        SessionOptions opts = SessionOptions.defaults().withThreads(1).withBackend(Backend.REFERENCE).withOptimize(false);
        int opened = 0;
        for (int trial = 0; trial < trials; trial++) {
            byte[] bad = Arrays.copyOf(valid, valid.length);
            switch (trial % 3) {
                case 0 -> {
                    int flips = 1 + r.nextInt(4);
                    for (int k = 0; k < flips; k++) {
                        bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {
                    int at = r.nextInt(bad.length);
                    int len = Math.min(bad.length - at, 1 + r.nextInt(8));
                    for (int k = 0; k < len; k++) {
                        bad[at + k] = (byte) r.nextInt(256);
                    }
                }
                default -> bad = Arrays.copyOf(valid, r.nextInt(valid.length));
            }
            try (Session s = Session.open(bad, opts)) {
                opened++;
                try {
                    s.run(feeds);
                } catch (ModelException expected) {
                    // a clear refusal at run time is fine
                }
            } catch (ModelException expected) {
                // a clear refusal at load time is fine
            } catch (RuntimeException | Error e) {
                fail("trial " + trial + ": " + e.getClass().getName() + ": " + e.getMessage(), e);
            }
        }
        return opened;
    }
}
