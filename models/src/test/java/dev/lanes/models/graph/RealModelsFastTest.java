package dev.lanes.models.graph;

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
import java.nio.file.Files;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three real models of ../shared/models on the fast backend with every optimisation pass on
 * (fusions, folded shape chains, packed weights, Vector API kernels): every output within 1e-4
 * absolute of ONNX Runtime's. Prints the ten slowest nodes over its two runs (the first also
 * specialises the plan for the input shapes and warms the JIT: latency figures come from JMH, see
 * bench/RESULTS.md).
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
            Map<String, Tensor> feeds = RealModelCheck.inputs(ref);
            session.run(feeds);
            long t0 = System.nanoTime();
            Map<String, Tensor> out = session.run(feeds);
            System.out.printf("%s on the fast backend (second run, 1 thread): %.1f ms, %d nodes in the plan%n", model.id(),
                    (System.nanoTime() - t0) / 1e6, session.planFor(feeds).steps().size());
            session.profile().stream().sorted(Comparator.comparingLong(NodeTiming::totalNanos).reversed()).limit(10)
                    .forEach(t -> System.out.printf("  %-40s %-22s %8.2f ms%n", t.node(), t.opType(), t.meanMillis()));
            RealModelCheck.assertMatches(model.id(), "fast", ref, out);
        }
    }
}
