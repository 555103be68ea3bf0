package dev.lanes.graph.passes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many threads run one optimised session with inputs of several shapes at once: each thread gets
 * exactly the outputs a sequential run gives, although the runs share the cache of specialised plans
 * and each thread reuses its own buffer arena from run to run.
 */
class SpecialisedConcurrencyTest {

    @Test
    void concurrentRunsOfSeveralShapesMatchSequentialRuns() throws Exception {
        OnnxModel m = PassCheck.model(AttentionFusionTest.bert(true, "3", true));
        int[][] shapes = {{1, 3}, {2, 5}, {1, 7}, {3, 2}};
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int[] bs = shapes[i % shapes.length];
            Map<String, Tensor> in = new HashMap<>();
            in.put("X", PassCheck.random(100 + i, bs[0], bs[1], AttentionFusionTest.HID));
            in.put("M", Tensor.of(new float[bs[0] * bs[1]], bs[0], 1, 1, bs[1]));
            inputs.add(in);
        }
        try (Session s = Session.open(m, SessionOptions.defaults().withThreads(2).withBackend(Backend.FAST))) {
            List<Map<String, Tensor>> sequential = new ArrayList<>();
            for (Map<String, Tensor> in : inputs) {
                sequential.add(s.run(in));
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int rep = 0; rep < 4; rep++) {
                    for (int i = 0; i < inputs.size(); i++) {
                        int k = i;
                        results.add(pool.submit(() -> s.run(inputs.get(k)).get("Y").contentEquals(sequential.get(k).get("Y"))));
                    }
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get(), "a concurrent run differs from the sequential one");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
