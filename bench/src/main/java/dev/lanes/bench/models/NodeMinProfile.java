package dev.lanes.bench.models;

import dev.lanes.graph.NodeTiming;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.exec.NodeProfile;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Lanes' per-node time as the minimum and the median over many runs, node by node in plan order: on a machine other
 * processes share, a node's minimum is the run where nothing preempted it (a mean, as {@link ModelProfile} prints, then
 * says more about the load than about the kernel). Wall clock by default, the calling thread's CPU time with
 * {@code -Dlanes.profile.clock=cpu} (1 thread only: with more, the workers' time is not the caller's). Warm-up: {@link
 * SteadyState#SESSION_WARMUP_NANOS} and at least 5 runs.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.models.NodeMinProfile MODEL [THREADS] [RUNS]
 * </pre>
 */
public final class NodeMinProfile {
    private NodeMinProfile() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: NodeMinProfile MODEL [THREADS] [RUNS]");
        BenchModel model = BenchModel.byId(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        NodeSamples samples;
        try (BenchModel.Prepared p = model.prepare()) {
            samples = measure(p, threads, runs);
        }
        System.out.printf(Locale.ROOT, "%s, %d thread(s), %d runs, %s clock: per node min and median ms%n", model.id(), threads, runs,
                NodeProfile.clock());
        double sumMin = 0, sumMedian = 0;
        for (Map.Entry<String, long[]> e : samples.perNode().entrySet()) {
            double min = NodeSamples.min(e.getValue()) / 1e6, median = NodeSamples.median(e.getValue()) / 1e6;
            sumMin += min;
            sumMedian += median;
            System.out.printf(Locale.ROOT, "  %-90s min %7.3f  median %7.3f%n", e.getKey(), min, median);
        }
        System.out.printf(Locale.ROOT, "run (wall) min %.3f median %.3f ms; sum of node minima %.3f, of medians %.3f ms%n",
                NodeSamples.min(samples.runTotals()) / 1e6, NodeSamples.median(samples.runTotals()) / 1e6, sumMin, sumMedian);
    }

    /**
     * Opens a profiling Lanes session on the prepared model with this many threads, warms it up, and returns every
     * node's time in each of {@code runs} runs (nodes in plan order) with each run's wall time.
     */
    static NodeSamples measure(BenchModel.Prepared p, int threads, int runs) throws IOException {
        if (threads < 1 || runs < 1) throw new IllegalArgumentException("NodeMinProfile needs THREADS >= 1 and RUNS >= 1");
        try (Session s = Session.open(p.file(), SessionOptions.defaults().withThreads(threads).withProfiling(true))) {
            long until = System.nanoTime() + SteadyState.SESSION_WARMUP_NANOS;
            for (int i = 0; i < 5 || System.nanoTime() < until; i++) s.run(p.inputs());
            Map<String, Long> last = new HashMap<>();
            for (NodeTiming t : s.profile()) last.put(t.node(), t.totalNanos());
            Map<String, long[]> perNode = new LinkedHashMap<>();
            long[] total = new long[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                s.run(p.inputs());
                total[r] = System.nanoTime() - t0;
                for (NodeTiming t : s.profile()) {
                    perNode.computeIfAbsent(t.node(), k -> new long[runs])[r] = t.totalNanos() - last.getOrDefault(t.node(), 0L);
                    last.put(t.node(), t.totalNanos());
                }
            }
            return new NodeSamples(perNode, total);
        }
    }
}
