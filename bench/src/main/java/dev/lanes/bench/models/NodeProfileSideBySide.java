package dev.lanes.bench.models;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lanes and ONNX Runtime node by node: where in a model Lanes loses or wins. Both engines fuse differently (ORT a Conv
 * with its activation, Lanes a whole inverted-residual block into one node), so their nodes are compared by
 * {@link NodeGroups}, the node-name prefix of {@code DEPTH} dot-separated segments (default 2: MobileNetV2's blocks
 * {@code features.N}, ResNet-50's bottlenecks {@code layerK.i}), with groups merged where a Lanes node spans several.
 * Lanes is measured first ({@link NodeMinProfile#measure}: 8 s warm-up, {@code RUNS} runs), its session closed, then
 * ORT ({@link OrtNodeProfile#measure}), in the same JVM on the same file and input; between the two, each engine runs
 * {@code RUNS} times more with its profiler off, for the last line (ORT's profiler costs it time between the nodes:
 * its profiled run is longer than its plain one by more than Lanes'). Per group: the minimum and the
 * median over the runs of the group's time in a run (the sum of its nodes), for each engine, and Lanes / ORT of both;
 * then the sums of the group minima and medians and each engine's run time. Lanes' node times are its own profiler's
 * (wall clock around each node), ORT's its profiler's kernel times; both leave out the glue between nodes, which the
 * run line includes. Prints a Markdown table.
 *
 * <pre>
 * flock /work/measure.lock taskset -c 0 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp bench/target/benchmarks.jar dev.lanes.bench.models.NodeProfileSideBySide MODEL [THREADS] [RUNS] [DEPTH]
 * </pre>
 */
public final class NodeProfileSideBySide {
    private NodeProfileSideBySide() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: NodeProfileSideBySide MODEL [THREADS] [RUNS] [DEPTH]");
        BenchModel model = BenchModel.byId(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        NodeSamples lanes;
        OrtTrace.Parsed ort;
        long[] lanesPlain, ortPlain;
        try (BenchModel.Prepared p = model.prepare()) {
            lanes = NodeMinProfile.measure(p, threads, runs);
            lanesPlain = plainLanesRuns(p, threads, runs);
            ortPlain = plainOrtRuns(p, threads, runs);
            ort = OrtNodeProfile.measure(p, threads, runs);
        }
        System.out.printf(Locale.ROOT, "%s, %d thread(s), %d runs each, groups at depth %d; ms%n%n", model.id(), threads, runs, depth);
        System.out.print(table(lanes, ort.samples(), depth));
        System.out.print(row("run, profilers off", new double[] {NodeSamples.min(lanesPlain) / 1e6, NodeSamples.median(lanesPlain) / 1e6,
                NodeSamples.min(ortPlain) / 1e6, NodeSamples.median(ortPlain) / 1e6}));
    }

    /** Wall times of runs of a Lanes session without its profiler (the JIT is warm from the profiled one: 2 s warm-up). */
    private static long[] plainLanesRuns(BenchModel.Prepared p, int threads, int runs) throws java.io.IOException {
        try (Session s = Session.open(p.file(), SessionOptions.defaults().withThreads(threads))) {
            long until = System.nanoTime() + 2_000_000_000L;
            for (int i = 0; i < 5 || System.nanoTime() < until; i++) s.run(p.inputs());
            long[] t = new long[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                s.run(p.inputs());
                t[r] = System.nanoTime() - t0;
            }
            return t;
        }
    }

    /** Wall times of runs of an ORT session without its profiler, which costs ORT time between nodes. */
    private static long[] plainOrtRuns(BenchModel.Prepared p, int threads, int runs) {
        try (OrtPeer peer = OrtPeer.open(p.file(), threads); OrtPeer.Inputs inputs = p.ortInputs(peer)) {
            for (int i = 0; i < OrtNodeProfile.MIN_WARMUP_RUNS; i++) peer.runDiscarding(inputs);
            long[] t = new long[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                peer.runDiscarding(inputs);
                t[r] = System.nanoTime() - t0;
            }
            return t;
        }
    }

    /** The Markdown table of both engines' samples grouped at this depth. */
    static String table(NodeSamples lanes, NodeSamples ort, int depth) {
        NodeGroups groups = NodeGroups.of(lanes.nodes(), ort.nodes(), depth);
        Map<String, long[]> l = groups.perGroup(lanes), o = groups.perGroup(ort);
        Set<String> names = new LinkedHashSet<>(groups.groups());
        StringBuilder sb = new StringBuilder();
        sb.append("| group | Lanes min | Lanes median | ORT min | ORT median | Lanes / ORT min | Lanes / ORT median |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        double[] sums = new double[4];
        for (String g : names) {
            double[] row = {minMs(l.get(g)), medianMs(l.get(g)), minMs(o.get(g)), medianMs(o.get(g))};
            for (int i = 0; i < 4; i++) if (!Double.isNaN(row[i])) sums[i] += row[i];
            sb.append(row(g, row));
        }
        sb.append(row("sum of groups", sums));
        sb.append(row("run", new double[] {NodeSamples.min(lanes.runTotals()) / 1e6, NodeSamples.median(lanes.runTotals()) / 1e6,
                NodeSamples.min(ort.runTotals()) / 1e6, NodeSamples.median(ort.runTotals()) / 1e6}));
        return sb.toString();
    }

    private static String row(String name, double[] v) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", name, ms(v[0]), ms(v[1]), ms(v[2]), ms(v[3]),
                ratio(v[0], v[2]), ratio(v[1], v[3]));
    }

    private static double minMs(long[] v) {
        return v == null ? Double.NaN : NodeSamples.min(v) / 1e6;
    }

    private static double medianMs(long[] v) {
        return v == null ? Double.NaN : NodeSamples.median(v) / 1e6;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
