package dev.lanes.models.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.NodeTiming;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import dev.lanes.models.ReferenceCase;
import dev.lanes.models.SharedData;
import dev.lanes.models.TensorFile;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three real models of ../shared/models on the fast backend with every optimisation pass on
 * (fusions, folded shape chains, packed weights, Vector API kernels): every output within 1e-4
 * absolute of ONNX Runtime's. Prints the ten slowest nodes of a second, warm run (the first run
 * also specialises the plan for the input shapes).
 */
class RealModelsFastTest {

    @ParameterizedTest
    @EnumSource(RealModel.class)
    void fastBackendMatchesOnnxRuntime(RealModel model) throws Exception {
        assumeTrue(Files.isDirectory(SharedData.modelsDir()), "no shared models folder");
        ReferenceCase ref = model.reference();
        var path = model.modelPath(ModelStore.standard());
        SessionOptions opts = SessionOptions.defaults().withBackend(Backend.FAST).withThreads(1).withProfiling(true);
        try (Session session = Session.open(path, opts)) {
            Map<String, Tensor> feeds = new HashMap<>();
            for (TensorFile in : ref.inputs()) {
                feeds.put(in.name(), toTensor(in));
            }
            session.run(feeds);
            long t0 = System.nanoTime();
            Map<String, Tensor> out = session.run(feeds);
            System.out.printf("%s on the fast backend (second run, 1 thread): %.1f ms, %d nodes in the plan%n", model.id(),
                    (System.nanoTime() - t0) / 1e6, session.planFor(feeds).steps().size());
            session.profile().stream().sorted(Comparator.comparingLong(NodeTiming::totalNanos).reversed()).limit(10)
                    .forEach(t -> System.out.printf("  %-40s %-22s %8.2f ms%n", t.node(), t.opType(), t.meanMillis()));
            for (TensorFile expected : ref.outputs()) {
                Tensor actual = out.get(expected.name());
                assertNotNull(actual, model.id() + ": no output named " + expected.name());
                Tensor e = toTensor(expected);
                assertArrayEquals(e.shape(), actual.shape(), model.id() + " " + expected.name() + " shape");
                float[] a = actual.floats(), x = e.floats();
                double worst = 0;
                int at = 0;
                for (int i = 0; i < x.length; i++) {
                    double d = Math.abs((double) a[i] - x[i]);
                    if (!(d <= worst)) {
                        worst = d;
                        at = i;
                    }
                }
                System.out.printf("%s %s: max |Lanes fast - ORT| = %.3g%n", model.id(), expected.name(), worst);
                int idx = at;
                double w = worst;
                assertTrue(worst <= 1e-4, () -> model.id() + " " + expected.name() + ": max abs error " + w + " at " + idx
                        + " (got " + a[idx] + ", expected " + x[idx] + ")");
            }
        }
    }

    private static Tensor toTensor(TensorFile f) {
        long[] s = f.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return f.dtype() == TensorFile.DType.FLOAT32 ? Tensor.of(f.floats(), shape) : Tensor.ofLongs(f.longs(), shape);
    }
}
