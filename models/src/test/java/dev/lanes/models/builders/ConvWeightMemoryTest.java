package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built CNNs hold their convolution weights once: after a run no conv weight of the plan holds raw
 * values (the session's holder has the kernels' forms, and the raw values only where no form gives them
 * back exactly — Winograd's). A second input shape (batch 2) prepares from the same holder — from values
 * recovered out of a packed form where the raw ones were dropped — and gives the bits a fresh session
 * gives; the first shape run again gives its first bits; the reference backend agrees throughout.
 */
class ConvWeightMemoryTest {
    @Test
    void resnetHoldsItsConvWeightsOnceAcrossBatchSizes() {
        ResNet50.Config c = ResNet50.Config.tiny();
        assertHeldOnce(ResNet50.build(c, 3).toBytes(), c.imageSize(), "resnet50");
    }

    @Test
    void mobilenetHoldsItsConvWeightsOnceAcrossBatchSizes() {
        MobileNetV2.Config c = MobileNetV2.Config.tiny();
        assertHeldOnce(MobileNetV2.build(c, 5).toBytes(), c.imageSize(), "mobilenetv2");
    }

    private static void assertHeldOnce(byte[] bytes, int size, String what) {
        Map<String, Tensor> one = Map.of("input", ExampleInputs.image(7, 1, size, size));
        Map<String, Tensor> two = Map.of("input", ExampleInputs.image(8, 2, size, size));
        SessionOptions fastOptions = SessionOptions.defaults().withBackend(Backend.FAST).withThreads(2);
        try (Session ref = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.REFERENCE).withThreads(1));
             Session fast = Session.open(bytes, fastOptions);
             Session fresh = Session.open(bytes, fastOptions)) {
            Map<String, Tensor> first = fast.run(one);
            Outputs.assertClose(ref.run(one), first, 1e-4, what + " batch 1");
            assertConvWeightsNotRaw(fast, one, what);
            Map<String, Tensor> second = fast.run(two);
            Outputs.assertClose(ref.run(two), second, 1e-4, what + " batch 2");
            assertConvWeightsNotRaw(fast, two, what);
            assertSameBits(fresh.run(two), second, what + " batch 2 after batch 1 against a fresh session");
            assertSameBits(first, fast.run(one), what + " batch 1 again");
        }
    }

    /** Every 4-D float weight of the plan for these inputs is a stand-in (no raw values in the plan). */
    private static void assertConvWeightsNotRaw(Session s, Map<String, Tensor> inputs, String what) {
        int convWeights = 0;
        for (var e : s.planFor(inputs).graph().initializers().entrySet()) {
            Tensor t = e.getValue();
            if (t.shape().length == 4) {
                convWeights++;
                assertFalse(t.holdsValues(), what + ": conv weight " + e.getKey() + " still raw in the plan");
            }
        }
        assertTrue(convWeights > 0, what + ": no conv weights found");
        assertTrue(s.weightMemory().packedBytes() > 0, s.weightMemory().describe());
    }

    private static void assertSameBits(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        for (var e : expected.entrySet()) {
            assertArrayEquals(e.getValue().floats(), actual.get(e.getKey()).floats(), what + ": " + e.getKey());
        }
    }
}
