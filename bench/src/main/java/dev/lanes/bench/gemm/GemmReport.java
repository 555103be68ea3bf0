package dev.lanes.bench.gemm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JMH JSON of one run of {@link GemmBench} (Lanes and ONNX Runtime), {@link ReferenceGemmBench}
 * and {@link PeakFmaBench} into the GEMM table of {@code bench/RESULTS.md}: GFLOP/s per shape and
 * thread count, next to ONNX Runtime, the reference and the FMA peak measured in the same run.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.lanes.bench.gemm.GemmReport results.json
 * </pre>
 */
public final class GemmReport {
    private GemmReport() {}

    /** One JMH result: score and error in products (or FMAs) per second. */
    record Score(double score, double error) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GemmReport results.json");
            System.exit(2);
        }
        System.out.print(report(Files.readString(Path.of(args[0]))));
    }

    static String report(String json) {
        JsonArray runs = JsonParser.parseString(json).getAsJsonArray();
        Map<String, Score> lanes = new LinkedHashMap<>(), ort = new LinkedHashMap<>(), ref = new TreeMap<>();
        Map<Integer, Score> peak = new TreeMap<>();
        Map<String, Double> lanesCpu = new LinkedHashMap<>(), ortCpu = new LinkedHashMap<>();
        double peakCpu = Double.NaN;
        double lanesWidth = 16;
        for (JsonElement e : runs) {
            JsonObject run = e.getAsJsonObject();
            String bench = run.get("benchmark").getAsString();
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            Score s = new Score(metric.get("score").getAsDouble(), errorOf(metric));
            JsonObject params = run.has("params") ? run.getAsJsonObject("params") : new JsonObject();
            String shape = params.has("shape") ? params.get("shape").getAsString() : "";
            String threads = params.has("threads") ? params.get("threads").getAsString() : "1";
            if (bench.endsWith("GemmBench.packedGemmCpu")) lanesCpu.put(shape, perCpuSecond(run));
            else if (bench.endsWith("GemmBench.onnxRuntimeCpu")) ortCpu.put(shape, perCpuSecond(run));
            else if (bench.endsWith("PeakFmaBench.fmaPeakCpu")) {
                peakCpu = perCpuSecond(run) * PeakFmaBench.FMAS_PER_CALL;
                if (params.has("lanes")) lanesWidth = params.get("lanes").getAsDouble();
            } else if (bench.endsWith("GemmBench.packedGemm")) lanes.put(shape + "@" + threads, s);
            else if (bench.endsWith("GemmBench.onnxRuntime")) ort.put(shape + "@" + threads, s);
            else if (bench.endsWith("ReferenceGemmBench.referenceGemm")) ref.put(shape, s);
            else if (bench.endsWith("PeakFmaBench.fmaPeak")) {
                peak.put(run.get("threads").getAsInt(), s);
                if (params.has("lanes")) lanesWidth = params.get("lanes").getAsDouble();
            }
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Integer, Score> p : peak.entrySet()) {
            out.append(String.format(Locale.ROOT, "FMA peak measured (PeakFmaBench, -t %d): %.1f GFLOP/s%n",
                    p.getKey(), p.getValue().score() * 2 * lanesWidth / 1e9));
        }
        if (!Double.isNaN(peakCpu)) {
            out.append(String.format(Locale.ROOT, "FMA peak per CPU-second (PeakFmaBench.fmaPeakCpu, 1 thread): %.1f GFLOP%n",
                    peakCpu * 2 * lanesWidth / 1e9));
        }
        if (!lanesCpu.isEmpty()) {
            out.append("\n| shape M×N×K | Lanes GFLOP per CPU-second | ONNX Runtime GFLOP per CPU-second | Lanes / ORT | % of CPU-second peak |\n");
            out.append("|---|---|---|---|---|\n");
            for (Map.Entry<String, Double> e : lanesCpu.entrySet()) {
                double flops = GemmShapes.flops(e.getKey());
                double g = e.getValue() * flops / 1e9;
                Double o = ortCpu.get(e.getKey());
                double og = o == null ? Double.NaN : o * flops / 1e9;
                out.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s | %s |%n", e.getKey().replace('x', '×'), g,
                        o == null ? "–" : String.format(Locale.ROOT, "%.1f", og),
                        o == null ? "–" : String.format(Locale.ROOT, "%.2f", g / og),
                        Double.isNaN(peakCpu) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * g / (peakCpu * 2 * lanesWidth / 1e9))));
            }
        }
        if (lanes.isEmpty()) return out.toString();
        out.append('\n');
        out.append("| shape M×N×K | threads | Lanes GFLOP/s | ONNX Runtime GFLOP/s | Lanes / ORT | reference GFLOP/s | Lanes / reference | % of peak |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Score> e : lanes.entrySet()) {
            String[] key = e.getKey().split("@");
            String shape = key[0];
            int threads = Integer.parseInt(key[1]);
            double flops = GemmShapes.flops(shape);
            double g = gflops(e.getValue(), flops);
            Score o = ort.get(e.getKey());
            Score r = ref.get(shape);
            Score pk = peak.getOrDefault(threads, peak.get(1));
            double peakG = pk == null ? Double.NaN : pk.score() * 2 * lanesWidth / 1e9 * (peak.containsKey(threads) ? 1 : threads);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f ± %.1f | %s | %s | %s | %s | %s |%n",
                    shape.replace('x', '×'), threads, g, gflops(new Score(e.getValue().error(), 0), flops),
                    o == null ? "–" : String.format(Locale.ROOT, "%.1f", gflops(o, flops)),
                    o == null ? "–" : String.format(Locale.ROOT, "%.2f", g / gflops(o, flops)),
                    r == null ? "–" : String.format(Locale.ROOT, "%.2f", gflops(r, flops)),
                    r == null ? "–" : String.format(Locale.ROOT, "%.0f×", g / gflops(r, flops)),
                    Double.isNaN(peakG) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * g / peakG)));
        }
        return out.toString();
    }

    /** Calls per CPU-second from a *Cpu benchmark's {@link dev.lanes.bench.CpuTime} counters ({@code cpuNanos}, {@code calls}). */
    private static double perCpuSecond(JsonObject run) {
        JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
        double nanos = secondary.getAsJsonObject("cpuNanos").get("score").getAsDouble();
        double calls = secondary.getAsJsonObject("calls").get("score").getAsDouble();
        return calls / nanos * 1e9;
    }

    private static double gflops(Score s, double flopsPerOp) {
        return s.score() * flopsPerOp / 1e9;
    }

    private static double errorOf(JsonObject metric) {
        JsonElement e = metric.get("scoreError");
        if (e == null || e.isJsonNull()) return 0;
        String t = e.getAsString();
        return "NaN".equals(t) ? 0 : e.getAsDouble();
    }
}
