package dev.lanes.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.models.builders.Architecture;
import dev.lanes.models.builders.BuiltModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime runs the very files the builders write, and Lanes' fast backend agrees with it within
 * 1e-4 absolute on every output. The tiny configurations run always, and ONNX Runtime runs the
 * full-size files always; Lanes on the full-size ones (minutes where an op still runs on a reference
 * kernel) runs with {@code -Dlanes.fullModels=true}.
 */
class BuiltModelsOrtTest {

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void tinyModelsAgreeWithOnnxRuntime(Architecture a, @TempDir Path dir) throws Exception {
        compare(a.build(Architecture.Size.TINY, 5), dir);
    }

    /** ONNX Runtime takes every full-size file as written, and its outputs are at a sane scale. */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void fullSizeModelsRunInOnnxRuntimeAtASaneScale(Architecture a, @TempDir Path dir) throws Exception {
        BuiltModel m = a.build(Architecture.Size.FULL, Architecture.DEFAULT_SEED);
        Path file = dir.resolve(m.name() + ".onnx");
        m.writeTo(file);
        BenchModel.Prepared prepared = new BenchModel.Prepared(file, m.exampleInputs(), false);
        try (OrtPeer peer = OrtPeer.open(file, 2); OrtPeer.Inputs in = prepared.ortInputs(peer)) {
            for (var e : peer.run(in).entrySet()) {
                float[] v = e.getValue().floats();
                double s = 0, s2 = 0;
                for (float f : v) {
                    assertTrue(Float.isFinite(f), m.name() + " " + e.getKey() + " has a non-finite value");
                    s += f;
                    s2 += (double) f * f;
                }
                double std = Math.sqrt(s2 / v.length - (s / v.length) * (s / v.length));
                assertTrue(std > 0.05 && std < 50, m.name() + " " + e.getKey() + " has std " + std);
            }
        }
        Files.deleteIfExists(file);
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    @EnabledIfSystemProperty(named = "lanes.fullModels", matches = "true")
    void fullSizeModelsAgreeWithOnnxRuntime(Architecture a, @TempDir Path dir) throws Exception {
        compare(a.build(Architecture.Size.FULL, Architecture.DEFAULT_SEED), dir);
    }

    private static void compare(BuiltModel m, Path dir) throws Exception {
        Path file = dir.resolve(m.name() + ".onnx");
        m.writeTo(file);
        Map<String, Tensor> lanes;
        try (Session s = Session.open(file, SessionOptions.defaults().withThreads(2))) {
            lanes = s.run(m.exampleInputs());
        }
        BenchModel.Prepared prepared = new BenchModel.Prepared(file, m.exampleInputs(), false);
        try (OrtPeer peer = OrtPeer.open(file, 2); OrtPeer.Inputs in = prepared.ortInputs(peer)) {
            Map<String, OrtPeer.Output> ort = peer.run(in);
            assertTrue(ort.keySet().equals(lanes.keySet()), m.name() + ": ORT outputs " + ort.keySet() + ", Lanes " + lanes.keySet());
            for (var e : ort.entrySet()) {
                Tensor got = lanes.get(e.getKey());
                long[] shape = new long[got.rank()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = got.dim(i);
                }
                assertArrayEquals(e.getValue().shape(), shape, m.name() + " " + e.getKey() + " shape");
                float[] want = e.getValue().floats(), have = got.floats();
                double worst = 0;
                for (int i = 0; i < want.length; i++) {
                    double d = Math.abs((double) want[i] - have[i]);
                    if (!(d <= worst)) {
                        worst = d;
                    }
                }
                System.out.printf("%s %s: max |Lanes - ORT| = %.3g%n", m.name(), e.getKey(), worst);
                assertTrue(worst <= 1e-4, m.name() + " " + e.getKey() + ": max |Lanes - ORT| " + worst);
            }
        }
        Files.deleteIfExists(file);
    }
}
