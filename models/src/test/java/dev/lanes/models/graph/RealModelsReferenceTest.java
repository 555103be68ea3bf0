package dev.lanes.models.graph;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import dev.lanes.models.ReferenceCase;
import dev.lanes.models.SharedData;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three real models of ../shared/models end to end on the reference backend (no optimisation):
 * every output within 1e-4 absolute of ONNX Runtime's.
 */
class RealModelsReferenceTest {

    @ParameterizedTest
    @EnumSource(RealModel.class)
    void referenceBackendMatchesOnnxRuntime(RealModel model) throws Exception {
        assumeTrue(Files.isDirectory(SharedData.modelsDir()), "no shared models folder");
        ReferenceCase ref = model.reference();
        var path = model.modelPath(ModelStore.standard());
        SessionOptions opts = SessionOptions.defaults().withBackend(Backend.REFERENCE).withOptimize(false).withThreads(1).withProfiling(true);
        try (Session session = Session.open(path, opts)) {
            Map<String, Tensor> feeds = RealModelCheck.inputs(ref);
            long t0 = System.nanoTime();
            Map<String, Tensor> out = session.run(feeds);
            System.out.printf("%s on the reference backend: %.0f ms%n", model.id(), (System.nanoTime() - t0) / 1e6);
            Map<String, long[]> byOp = new java.util.TreeMap<>();
            for (var t : session.profile()) {
                long[] acc = byOp.computeIfAbsent(t.opType(), k -> new long[2]);
                acc[0] += t.totalNanos();
                acc[1] += t.calls();
            }
            byOp.entrySet().stream().sorted((p, q) -> Long.compare(q.getValue()[0], p.getValue()[0])).limit(6)
                    .forEach(e -> System.out.printf("  %-20s %8.1f ms over %d nodes%n", e.getKey(), e.getValue()[0] / 1e6, e.getValue()[1]));
            RealModelCheck.assertMatches(model.id(), "reference", ref, out);
        }
    }
}
