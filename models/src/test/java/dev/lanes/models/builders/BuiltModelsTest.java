package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;
import dev.lanes.models.builders.Architecture.Size;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every built architecture: the full-size graph has the published parameter count; the tiny one
 * (same structure, narrow and shallow) is written as an ONNX file, reloaded through {@link Session},
 * and its fast and reference backends agree, with activations at a sane scale.
 */
class BuiltModelsTest {
    private static final long SEED = 11;

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void fullSizeHasThePublishedParameterCount(Architecture a) {
        BuiltModel m = a.build(Size.FULL, SEED);
        assertEquals(a.publishedParameters(), m.parameters(), a.id());
        long stored = m.model().graph().initializers().values().stream().mapToLong(Tensor::size).sum();
        assertTrue(stored >= m.parameters(), a.id() + ": " + stored + " stored constant elements < " + m.parameters() + " parameters");
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void tinyModelWritesReloadsAndBothBackendsAgree(Architecture a, @TempDir Path dir) throws Exception {
        BuiltModel m = a.build(Size.TINY, SEED);
        Path file = dir.resolve(m.name() + ".onnx");
        m.writeTo(file);
        assertTrue(Files.size(file) > 4L * m.parameters(), "the file holds the weights");

        SessionOptions reference = SessionOptions.defaults().withBackend(Backend.REFERENCE).withOptimize(false).withThreads(1);
        Map<String, Tensor> want;
        try (Session s = Session.open(file, reference)) {
            assertEquals(m.model().graph().inputNames(), s.inputNames());
            assertEquals(m.model().graph().outputNames(), s.outputNames());
            want = s.run(m.exampleInputs());
        }
        try (Session direct = Session.open(m.model(), reference)) {
            // The IR and the written file are the same model: bit-identical results.
            Map<String, Tensor> again = direct.run(m.exampleInputs());
            for (String name : want.keySet()) {
                assertTrue(want.get(name).contentEquals(again.get(name)), a.id() + " " + name + " differs after writing and reloading");
            }
        }
        for (int threads : new int[] {1, 2}) {
            SessionOptions fast = SessionOptions.defaults().withBackend(Backend.FAST).withThreads(threads);
            try (Session s = Session.open(file, fast)) {
                Outputs.assertClose(want, s.run(m.exampleInputs()), 1e-4, a.id() + " fast at " + threads + " threads");
            }
        }
        for (var e : want.entrySet()) {
            double std = Outputs.std(e.getValue());
            assertTrue(std > 1e-2 && std < 1e2, a.id() + " output " + e.getKey() + " has std " + std + ": activations off scale");
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void buildingIsDeterministicInTheSeed(Architecture a) {
        byte[] first = a.build(Size.TINY, SEED).toBytes();
        assertArrayEquals(first, a.build(Size.TINY, SEED).toBytes(), a.id() + ": same seed, same file");
        assertFalse(Arrays.equals(first, a.build(Size.TINY, SEED + 1).toBytes()), a.id() + ": another seed, other weights");
    }

    @Test
    void nodesAreNamedByTheirModulePath() {
        BuiltModel m = Architecture.RESNET50.build(Size.TINY, SEED);
        assertTrue(m.model().graph().nodes().stream().map(Node::name).anyMatch("layer3.5.conv2/Conv"::equals));
        assertTrue(m.model().graph().initializers().containsKey("layer4.0.downsample.1.running_var"));
        long convs = m.model().graph().nodes().stream().filter(n -> n.opType().equals("Conv")).count();
        assertEquals(53, convs, "ResNet-50 has 49 + 4 projection convolutions");
    }
}
