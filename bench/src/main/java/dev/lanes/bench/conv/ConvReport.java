package dev.lanes.bench.conv;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.ConvOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JMH JSON of {@link ConvBench} and {@link PoolBench} runs into the tables of
 * {@code bench/RESULTS.md}: per layer and thread count, effective GFLOP/s (direct-convolution FLOPs
 * over time, so Winograd shows as effective) of Lanes in NHWC and NCHW and of ONNX Runtime, and
 * their ratios, all from the same run; pools as microseconds per layer.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.lanes.bench.conv.ConvReport conv.json [more.json …]
 * </pre>
 */
public final class ConvReport {
    private ConvReport() {}

    record Score(double score, double error) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ConvReport results.json [more.json …]");
            System.exit(2);
        }
        Map<String, Map<String, Score>> conv = new LinkedHashMap<>(), pool = new LinkedHashMap<>();
        for (String a : args) read(Files.readString(Path.of(a)), conv, pool);
        System.out.print(convTable(conv));
        if (!pool.isEmpty()) System.out.print("\n" + poolTable(pool));
    }

    /** Collects scores by "layer@threads" and engine. */
    static void read(String json, Map<String, Map<String, Score>> conv, Map<String, Map<String, Score>> pool) {
        JsonArray runs = JsonParser.parseString(json).getAsJsonArray();
        for (JsonElement e : runs) {
            JsonObject run = e.getAsJsonObject();
            String bench = run.get("benchmark").getAsString();
            JsonObject params = run.getAsJsonObject("params");
            if (params == null || !params.has("layer")) continue;
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            double err = metric.get("scoreError").isJsonPrimitive() ? metric.get("scoreError").getAsDouble() : Double.NaN;
            Score s = new Score(metric.get("score").getAsDouble(), Double.isNaN(err) ? 0 : err);
            String key = params.get("layer").getAsString() + "@" + params.get("threads").getAsString();
            Map<String, Map<String, Score>> into = bench.endsWith("PoolBench.run") ? pool : bench.endsWith("ConvBench.run") ? conv : null;
            if (into == null) continue;
            String engine = params.get("engine").getAsString();
            into.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(engine, s);
            // CpuTime's counters: CPU nanoseconds of the calling thread and calls, per iteration
            JsonObject sec = run.getAsJsonObject("secondaryMetrics");
            if (sec != null && sec.has("cpuNanos") && sec.has("calls")) {
                double nanos = sec.getAsJsonObject("cpuNanos").get("score").getAsDouble();
                double calls = sec.getAsJsonObject("calls").get("score").getAsDouble();
                if (calls > 0) into.get(key).put(engine + "/cpu", new Score(1e9 * calls / nanos, 0));
            }
        }
    }

    static String convTable(Map<String, Map<String, Score>> conv) {
        StringBuilder out = new StringBuilder();
        out.append("| layer | algorithm | threads | Lanes NHWC GFLOP/s | Lanes NCHW GFLOP/s | ONNX Runtime GFLOP/s | NHWC / ORT | NCHW / ORT "
                + "| CPU-time GFLOP/s NHWC / NCHW / ORT |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Score>> e : conv.entrySet()) {
            String[] key = e.getKey().split("@");
            ConvShape s = ConvLayers.get(key[0]).shape();
            double flops = s.flops();
            Map<String, Score> m = e.getValue();
            double nhwc = g(m.get("lanes-nhwc"), flops), nchw = g(m.get("lanes-nchw"), flops), ort = g(m.get("ort"), flops);
            String cpu = key[1].equals("1") ? num(g(m.get("lanes-nhwc/cpu"), flops)) + " / " + num(g(m.get("lanes-nchw/cpu"), flops))
                    + " / " + num(g(m.get("ort/cpu"), flops)) : "–";
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", key[0], ConvOperator.choose(s), key[1],
                    f(nhwc, m.get("lanes-nhwc"), flops), f(nchw, m.get("lanes-nchw"), flops), f(ort, m.get("ort"), flops),
                    ratio(nhwc, ort), ratio(nchw, ort), cpu));
        }
        return out.toString();
    }

    static String poolTable(Map<String, Map<String, Score>> pool) {
        StringBuilder out = new StringBuilder();
        out.append("| pool layer | threads | Lanes NHWC µs | Lanes NCHW µs | ONNX Runtime µs | ORT / NHWC | ORT / NCHW | CPU µs NHWC / NCHW / ORT |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Score>> e : pool.entrySet()) {
            String[] key = e.getKey().split("@");
            Map<String, Score> m = e.getValue();
            double nhwc = us(m.get("lanes-nhwc")), nchw = us(m.get("lanes-nchw")), ort = us(m.get("ort"));
            String cpu = key[1].equals("1") ? num(us(m.get("lanes-nhwc/cpu"))) + " / " + num(us(m.get("lanes-nchw/cpu"))) + " / "
                    + num(us(m.get("ort/cpu"))) : "–";
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", key[0], key[1], num(nhwc), num(nchw), num(ort),
                    ratio(ort, nhwc), ratio(ort, nchw), cpu));
        }
        return out.toString();
    }

    private static double g(Score s, double flops) {
        return s == null ? Double.NaN : s.score() * flops / 1e9;
    }

    private static double us(Score s) {
        return s == null ? Double.NaN : 1e6 / s.score();
    }

    private static String f(double v, Score s, double flops) {
        if (Double.isNaN(v)) return "–";
        return String.format(Locale.ROOT, "%.1f ± %.1f", v, s.error() * flops / 1e9);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
