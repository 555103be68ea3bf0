package dev.lanes.bench.models;

import dev.lanes.graph.NodeTiming;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which nodes keep a model from its steady state while the JIT warms up: one profiled session runs the model from the
 * JVM's start for SECONDS, and each window of WINDOW_MS gets its mean ms per run, per node and per op type. The nodes
 * that lose the most time against their last window (mean excess × runs, summed over the windows after the first run)
 * are listed with their window means, so a kernel that runs in C1 code for seconds, or a dispatch lambda whose late C2
 * compile steals the core, shows as the node whose means fall late. Run it with {@code -XX:+PrintCompilation} beside to
 * name the compiles (its timestamps count from the JVM's start, as the windows do, roughly: the windows start after
 * the session opened, which the first line gives).
 *
 * <pre>
 * flock /work/measure.lock taskset -c 0 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp bench/target/benchmarks.jar dev.lanes.bench.models.WarmupProfile MODEL [THREADS] [SECONDS] [WINDOW_MS] [TOP]
 * </pre>
 */
public final class WarmupProfile {
    private WarmupProfile() {}

    /** One window: its runs and, per node, the nanoseconds they spent in it. */
    private record Window(long startMillis, List<Long> runs, Map<String, Long> nodeNanos) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: WarmupProfile MODEL [THREADS] [SECONDS] [WINDOW_MS] [TOP]");
        String model = args[0];
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 40;
        long windowMs = args.length > 3 ? Long.parseLong(args[3]) : 2000;
        int top = args.length > 4 ? Integer.parseInt(args[4]) : 15;
        if (threads < 1 || seconds < 1 || windowMs < 1 || top < 0) {
            throw new IllegalArgumentException("WarmupProfile needs THREADS, SECONDS and WINDOW_MS >= 1 and TOP >= 0");
        }
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        Map<String, String> opOf = new HashMap<>();
        List<Window> windows = new ArrayList<>();
        try (BenchModel.Prepared prepared = BenchModel.byId(model).prepare();
             Session session = Session.open(prepared.file(), SessionOptions.defaults().withThreads(threads).withProfiling(true))) {
            long opened = System.currentTimeMillis();
            System.out.printf(Locale.ROOT, "%s, %d thread(s): session open at %d ms from the JVM's start%n", model, threads, opened - jvmStart);
            Map<String, Long> last = new HashMap<>();
            long t0 = System.nanoTime(), end = t0 + seconds * 1_000_000_000L;
            Window w = new Window(0, new ArrayList<>(), new HashMap<>()); // the first run alone: the interpreter's and C1's
            windows.add(w);
            runInto(session, prepared, w, last, opOf);
            w = null;
            for (long now; (now = System.nanoTime()) < end; ) {
                long elapsed = (now - t0) / 1_000_000;
                if (w == null || elapsed >= w.startMillis() + windowMs) {
                    w = new Window(elapsed, new ArrayList<>(), new HashMap<>());
                    windows.add(w);
                }
                runInto(session, prepared, w, last, opOf);
            }
            print(windows, opOf, top, opened - jvmStart);
        }
    }

    private static void runInto(Session session, BenchModel.Prepared prepared, Window w, Map<String, Long> last, Map<String, String> opOf) {
        long r0 = System.nanoTime();
        session.run(prepared.inputs());
        w.runs().add(System.nanoTime() - r0);
        for (NodeTiming t : session.profile()) {
            opOf.putIfAbsent(t.node(), t.opType());
            w.nodeNanos().merge(t.node(), t.totalNanos() - last.getOrDefault(t.node(), 0L), Long::sum);
            last.put(t.node(), t.totalNanos());
        }
    }

    private static void print(List<Window> windows, Map<String, String> opOf, int top, long openedAt) {
        System.out.printf(Locale.ROOT, "%-44s", "window start (s from JVM start)");
        for (Window w : windows) System.out.printf(Locale.ROOT, " %7.1f", (openedAt + w.startMillis()) / 1000.0);
        System.out.printf(Locale.ROOT, "%n%-44s", "runs");
        for (Window w : windows) System.out.printf(Locale.ROOT, " %7d", w.runs().size());
        System.out.printf(Locale.ROOT, "%n%-44s", "ms per run");
        for (Window w : windows) System.out.printf(Locale.ROOT, " %7.1f", mean(w.runs()) / 1e6);
        System.out.println();
        Window steady = windows.get(windows.size() - 1);
        // per op type, then the nodes that lost the most against the last window
        Map<String, List<String>> byOp = new LinkedHashMap<>();
        opOf.forEach((node, op) -> byOp.computeIfAbsent(op, k -> new ArrayList<>()).add(node));
        System.out.println("ms per run by op type:");
        byOp.forEach((op, nodes) -> row(op, windows, nodes));
        Map<String, Double> lost = new HashMap<>();
        for (String node : opOf.keySet()) {
            double steadyMean = steady.nodeNanos().getOrDefault(node, 0L) / (double) steady.runs().size();
            double sum = 0;
            for (int i = 1; i < windows.size(); i++) {
                Window w = windows.get(i);
                sum += w.nodeNanos().getOrDefault(node, 0L) - steadyMean * w.runs().size();
            }
            lost.put(node, sum);
        }
        System.out.printf(Locale.ROOT, "the %d nodes that lost the most after the first run (s lost, then ms per run):%n", top);
        lost.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).limit(top).forEach(e -> {
            String k = e.getKey();
            String label = String.format(Locale.ROOT, "%5.2f %s", e.getValue() / 1e9, k.length() > 37 ? k.substring(0, 34) + "..." : k);
            row(label, windows, List.of(k));
        });
    }

    private static void row(String label, List<Window> windows, List<String> nodes) {
        System.out.printf(Locale.ROOT, "%-44s", label.length() > 44 ? label.substring(0, 41) + "..." : label);
        for (Window w : windows) {
            long sum = 0;
            for (String n : nodes) sum += w.nodeNanos().getOrDefault(n, 0L);
            System.out.printf(Locale.ROOT, " %7.2f", sum / 1e6 / Math.max(1, w.runs().size()));
        }
        System.out.println();
    }

    private static double mean(List<Long> v) {
        long s = 0;
        for (long x : v) s += x;
        return v.isEmpty() ? 0 : s / (double) v.size();
    }
}
