package dev.lanes.bench.models;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.NodeTiming;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.exec.NodeProfile;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of one inference goes: Lanes' per-node profile (the slowest nodes, and the time per
 * op type) next to ONNX Runtime's own profile of the same file (time per op type of its optimised
 * graph, where fused nodes carry their fused names). This names the nodes that cost the difference
 * where Lanes misses parity. Warm-up runs (10 s and at least 5 runs for Lanes) are excluded from both profiles.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.models.ModelProfile MODEL [THREADS] [RUNS] [TOP]
 * </pre>
 */
public final class ModelProfile {
    private static final long WARMUP_SECONDS = 10;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ModelProfile() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: ModelProfile MODEL [THREADS] [RUNS] [TOP]");
        }
        BenchModel model = BenchModel.byId(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        try (BenchModel.Prepared p = model.prepare()) {
            Map<String, Double> lanesByOp = lanes(p, threads, runs, top);
            Map<String, Double> ortByOp = onnxRuntime(p, threads, runs, top);
            System.out.printf(Locale.ROOT, "%n%s, %d thread(s), mean ms per run by op type%n", model.id(), threads);
            System.out.printf(Locale.ROOT, "%-28s %10s   %-28s %10s%n", "Lanes op", "ms", "ONNX Runtime op", "ms");
            List<Map.Entry<String, Double>> l = sorted(lanesByOp), o = sorted(ortByOp);
            for (int i = 0; i < Math.max(l.size(), o.size()); i++) {
                String left = i < l.size() ? String.format(Locale.ROOT, "%-28s %10.2f", l.get(i).getKey(), l.get(i).getValue()) : " ".repeat(39);
                String right = i < o.size() ? String.format(Locale.ROOT, "%-28s %10.2f", o.get(i).getKey(), o.get(i).getValue()) : "";
                System.out.println(left + "   " + right);
            }
            System.out.printf(Locale.ROOT, "%-28s %10.2f   %-28s %10.2f%n", "total (nodes)", sum(lanesByOp), "total (nodes)", sum(ortByOp));
        }
    }

    /** Runs Lanes with profiling; prints the slowest nodes; returns mean ms per run by op type. */
    static Map<String, Double> lanes(BenchModel.Prepared p, int threads, int runs, int top) throws IOException {
        try (Session s = Session.open(p.file(), SessionOptions.defaults().withThreads(threads).withProfiling(true))) {
            // C2 compiles the kernels only after many calls: warm up for WARMUP_SECONDS and at least 5 runs.
            long until = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
            for (int i = 0; i < 5 || System.nanoTime() < until; i++) {
                s.run(p.inputs());
            }
            Map<String, NodeTiming> before = new HashMap<>();
            for (NodeTiming t : s.profile()) {
                before.put(t.node(), t);
            }
            long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < runs; i++) {
                s.run(p.inputs());
            }
            double wall = (System.nanoTime() - t0) / 1e6 / runs;
            double cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e6 / runs;
            List<NodeTiming> after = new ArrayList<>();
            for (NodeTiming t : s.profile()) {
                NodeTiming b = before.get(t.node());
                long calls = t.calls() - (b == null ? 0 : b.calls());
                long nanos = t.totalNanos() - (b == null ? 0 : b.totalNanos());
                after.add(new NodeTiming(t.node(), t.opType(), calls, nanos));
            }
            after.sort((x, y) -> Long.compare(y.totalNanos(), x.totalNanos()));
            System.out.printf(Locale.ROOT, "Lanes: %.2f ms per run (wall), %.2f ms CPU of the calling thread, %d nodes in the plan;"
                    + " slowest nodes (%s clock, -Dlanes.profile.clock=cpu for CPU time):%n", wall, cpu, after.size(), NodeProfile.clock());
            for (NodeTiming t : after.subList(0, Math.min(top, after.size()))) {
                System.out.printf(Locale.ROOT, "  %-60s %-22s %8.3f ms%n", t.node(), t.opType(), t.totalNanos() / 1e6 / runs);
            }
            Map<String, Double> byOp = new LinkedHashMap<>();
            for (NodeTiming t : after) {
                byOp.merge(t.opType(), t.totalNanos() / 1e6 / runs, Double::sum);
            }
            return byOp;
        }
    }

    /** Runs ONNX Runtime with its profiler on; returns mean ms per run by op type of its optimised graph. */
    static Map<String, Double> onnxRuntime(BenchModel.Prepared p, int threads, int runs, int top) throws OrtException, IOException {
        // Warm-up through the peer (its own session), then a profiled session for the measured runs.
        try (OrtPeer peer = OrtPeer.open(p.file(), threads); OrtPeer.Inputs in = p.ortInputs(peer)) {
            for (int i = 0; i < 3; i++) {
                peer.runDiscarding(in);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path prefix = Files.createTempFile("lanes-ort-profile", "");
        String trace;
        double cpuShare = 1;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.enableProfiling(prefix.toString());
            try (OrtSession session = env.createSession(p.file().toString(), o)) {
                var feeds = new HashMap<String, ai.onnxruntime.OnnxTensor>();
                try {
                    for (var e : p.inputs().entrySet()) {
                        feeds.put(e.getKey(), tensor(env, e.getValue()));
                    }
                    session.run(feeds).close();
                    long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
                    for (int i = 0; i < runs; i++) {
                        session.run(feeds).close();
                    }
                    double wall = (System.nanoTime() - t0) / 1e6 / runs, cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e6 / runs;
                    System.out.printf(Locale.ROOT, "ONNX Runtime: %.2f ms per run (wall), %.2f ms CPU of the calling thread%n", wall, cpu);
                    cpuShare = threads == 1 && NodeProfile.clock().equals("cpu") ? cpu / wall : 1;
                } finally {
                    feeds.values().forEach(ai.onnxruntime.OnnxTensor::close);
                }
                trace = session.endProfiling();
            }
        }
        Files.deleteIfExists(prefix);
        Map<String, Double> byOp = new LinkedHashMap<>(), byNode = new LinkedHashMap<>();
        Map<String, String> nodeOp = new HashMap<>();
        Path traceFile = Path.of(trace);
        var events = JsonParser.parseString(Files.readString(traceFile)).getAsJsonArray();
        // The profiled session's first run is cold: skip every node event up to the end of it.
        double firstRunEnd = Double.POSITIVE_INFINITY;
        for (JsonElement e : events) {
            JsonObject ev = e.getAsJsonObject();
            if (ev.has("name") && ev.get("name").getAsString().equals("model_run")) {
                firstRunEnd = Math.min(firstRunEnd, ev.get("ts").getAsDouble() + ev.get("dur").getAsDouble());
            }
        }
        for (JsonElement e : events) {
            JsonObject ev = e.getAsJsonObject();
            if (ev.has("cat") && ev.get("cat").getAsString().equals("Node") && ev.get("name").getAsString().endsWith("_kernel_time")
                    && ev.get("ts").getAsDouble() > firstRunEnd) {
                String op = ev.getAsJsonObject("args").get("op_name").getAsString();
                byOp.merge(op, ev.get("dur").getAsDouble() / 1e3, Double::sum);
                String node = ev.get("name").getAsString().replaceFirst("_kernel_time$", "");
                byNode.merge(node, ev.get("dur").getAsDouble() / 1e3, Double::sum);
                nodeOp.put(node, op);
            }
        }
        Files.deleteIfExists(traceFile);
        // With the CPU clock (1 thread), ONNX Runtime's wall-clock node times are scaled by its CPU/wall ratio
        // so that both columns estimate CPU time on a shared machine.
        double scale = cpuShare / runs;
        byOp.replaceAll((k, v) -> v * scale);
        byNode.replaceAll((k, v) -> v * scale);
        System.out.printf(Locale.ROOT, "ONNX Runtime's slowest nodes (its optimised graph's names):%n");
        for (Map.Entry<String, Double> e : sorted(byNode).subList(0, Math.min(top, byNode.size()))) {
            System.out.printf(Locale.ROOT, "  %-60s %-22s %8.3f ms%n", e.getKey(), nodeOp.get(e.getKey()), e.getValue());
        }
        return byOp;
    }

    private static ai.onnxruntime.OnnxTensor tensor(OrtEnvironment env, dev.lanes.graph.Tensor t) throws OrtException {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return switch (t.dtype()) {
            case FLOAT32 -> ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(t.floats()), shape);
            case INT64 -> ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(t.longs()), shape);
            default -> throw new IllegalArgumentException("input of type " + t.dtype() + " is not supported here");
        };
    }

    private static List<Map.Entry<String, Double>> sorted(Map<String, Double> m) {
        List<Map.Entry<String, Double>> l = new ArrayList<>(m.entrySet());
        l.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        return l;
    }

    private static double sum(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
