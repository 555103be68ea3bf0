package dev.lanes.bench.models;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JMH JSON results of {@link ModelBench} (and optionally {@link ModelStartupBench}) into the
 * Markdown tables of {@code bench/RESULTS.md} and an SVG chart of the Lanes / ONNX Runtime latency
 * ratio per model and thread count (log scale, the 1.0 target marked).
 *
 * <p>{@code --steady} may be given several times, e.g. once per fork of engine-alternated fork pairs (one JMH run per
 * engine and fork, so that each pair compares neighbouring minutes): where a model and thread count has several scores
 * for an engine, its cell is their median ± half their range (one score keeps JMH's error), and the ratio is that of the
 * two medians.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.lanes.bench.models.ModelReport \
 *     --steady models.json [--steady more.json ...] [--startup startup.json] --svg bench/models-ratio.svg [--markdown table.md]
 * </pre>
 */
public final class ModelReport {

    /** One model at one thread count: mean ms per inference of both engines and their errors. */
    record Row(String model, int threads, double lanesMs, double lanesErr, double ortMs, double ortErr) {
        double ratio() {
            return lanesMs / ortMs;
        }
    }

    /** One model's startup figures in ms (NaN where not measured). */
    record Startup(String model, double lanesLoad, double ortLoad, double lanesFirst, double ortFirst) {}

    private ModelReport() {}

    public static void main(String[] args) throws IOException {
        List<String> steady = new ArrayList<>();
        Path startup = null, svg = null, markdown = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            Path p = Path.of(args[++i]);
            switch (a) {
                case "--steady" -> steady.add(Files.readString(p));
                case "--startup" -> startup = p;
                case "--svg" -> svg = p;
                case "--markdown" -> markdown = p;
                default -> throw new IllegalArgumentException("unknown option " + a
                        + "; use --steady FILE [--startup FILE] [--svg FILE] [--markdown FILE]");
            }
        }
        if (steady.isEmpty()) {
            throw new IllegalArgumentException("--steady FILE (JMH JSON of ModelBench) is required");
        }
        List<Row> rows = steadyRows(steady);
        StringBuilder md = new StringBuilder(table(rows));
        if (startup != null) {
            md.append('\n').append(startupTable(startupRows(Files.readString(startup))));
        }
        if (svg != null) {
            Files.writeString(svg, chart(rows), StandardCharsets.UTF_8);
        }
        if (markdown != null) {
            Files.writeString(markdown, md, StandardCharsets.UTF_8);
        } else {
            System.out.print(md);
        }
    }

    /** The rows of a ModelBench JSON result, in the order models first appear, 1 thread before 2. */
    static List<Row> steadyRows(String json) {
        return steadyRows(List.of(json));
    }

    /**
     * The rows of several ModelBench JSON results, in the order models first appear, 1 thread before 2: each engine's
     * median score over the results that measured it, with JMH's error for one score and half the range for several.
     */
    static List<Row> steadyRows(List<String> jsons) {
        // per model and thread count: the Lanes scores, Lanes errors, ORT scores, ORT errors
        Map<String, List<List<Double>>> cells = new LinkedHashMap<>();
        for (String json : jsons) {
            for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
                JsonObject r = e.getAsJsonObject();
                String method = method(r);
                if (!method.equals("lanes") && !method.equals("onnxRuntime")) {
                    continue;
                }
                JsonObject params = r.getAsJsonObject("params");
                String key = params.get("model").getAsString() + "\u0000" + params.get("threads").getAsString();
                List<List<Double>> c = cells.computeIfAbsent(key, k -> List.of(new ArrayList<>(), new ArrayList<>(),
                        new ArrayList<>(), new ArrayList<>()));
                int at = method.equals("lanes") ? 0 : 2;
                c.get(at).add(score(r));
                c.get(at + 1).add(error(r));
            }
        }
        Map<String, List<Row>> byModel = new LinkedHashMap<>();
        cells.forEach((k, c) -> {
            String[] p = k.split("\u0000");
            byModel.computeIfAbsent(p[0], m -> new ArrayList<>()).add(new Row(p[0], Integer.parseInt(p[1]),
                    median(c.get(0)), spread(c.get(0), c.get(1)), median(c.get(2)), spread(c.get(2), c.get(3))));
        });
        List<Row> rows = new ArrayList<>();
        byModel.values().forEach(list -> {
            list.sort((a, b) -> Integer.compare(a.threads(), b.threads()));
            rows.addAll(list);
        });
        return rows;
    }

    /** The median of the scores (the mean of the middle two for an even count), NaN for none. */
    static double median(List<Double> scores) {
        if (scores.isEmpty()) {
            return Double.NaN;
        }
        double[] v = scores.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** JMH's error of a lone score; half the range of several scores. */
    private static double spread(List<Double> scores, List<Double> errors) {
        if (scores.size() <= 1) {
            return errors.isEmpty() ? Double.NaN : errors.get(0);
        }
        double lo = scores.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double hi = scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return (hi - lo) / 2;
    }

    static List<Startup> startupRows(String json) {
        Map<String, double[]> cells = new LinkedHashMap<>();
        List<String> methods = List.of("lanesLoad", "onnxRuntimeLoad", "lanesFirstRun", "onnxRuntimeFirstRun");
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject r = e.getAsJsonObject();
            int at = methods.indexOf(method(r));
            if (at < 0) {
                continue;
            }
            String model = r.getAsJsonObject("params").get("model").getAsString();
            double[] c = cells.computeIfAbsent(model, k -> new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
            c[at] = score(r);
        }
        List<Startup> rows = new ArrayList<>();
        cells.forEach((m, c) -> rows.add(new Startup(m, c[0], c[1], c[2], c[3])));
        return rows;
    }

    private static String method(JsonObject r) {
        String b = r.get("benchmark").getAsString();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static double score(JsonObject r) {
        return r.getAsJsonObject("primaryMetric").get("score").getAsDouble();
    }

    private static double error(JsonObject r) {
        JsonElement e = r.getAsJsonObject("primaryMetric").get("scoreError");
        return e == null || e.isJsonNull() || e.getAsString().equals("NaN") ? Double.NaN : e.getAsDouble();
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | threads | Lanes ms | ONNX Runtime ms | Lanes / ORT |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", r.model(), r.threads(),
                    ms(r.lanesMs(), r.lanesErr()), ms(r.ortMs(), r.ortErr()), ratio(r.ratio())));
        }
        return sb.toString();
    }

    static String startupTable(List<Startup> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | Lanes load ms | ORT load ms | Lanes first run ms | ORT first run ms |\n|---|---|---|---|---|\n");
        for (Startup s : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", s.model(), ms(s.lanesLoad(), Double.NaN),
                    ms(s.ortLoad(), Double.NaN), ms(s.lanesFirst(), Double.NaN), ms(s.ortFirst(), Double.NaN)));
        }
        return sb.toString();
    }

    private static String ms(double v, double err) {
        if (Double.isNaN(v)) {
            return "—";
        }
        String s = v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
        return Double.isNaN(err) ? s : s + " ± " + (err >= 10 ? String.format(Locale.ROOT, "%.0f", err)
                : err >= 1 ? String.format(Locale.ROOT, "%.1f", err) : String.format(Locale.ROOT, "%.2f", err));
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    /** A horizontal bar chart of the ratios, one group per model, one bar per thread count, log2 axis. */
    static String chart(List<Row> rows) {
        Map<String, Map<Integer, Double>> byModel = new LinkedHashMap<>();
        TreeMap<Integer, String> colours = new TreeMap<>();
        String[] palette = {"#4c78a8", "#f58518", "#54a24b", "#b279a2"};
        for (Row r : rows) {
            if (!Double.isNaN(r.ratio())) {
                byModel.computeIfAbsent(r.model(), k -> new TreeMap<>()).put(r.threads(), r.ratio());
                colours.putIfAbsent(r.threads(), "");
            }
        }
        int k = 0;
        for (Integer t : colours.keySet()) {
            colours.put(t, palette[k++ % palette.length]);
        }
        double lo = 0.25, hi = 4;
        for (var m : byModel.values()) {
            for (double v : m.values()) {
                while (v < lo) {
                    lo /= 2;
                }
                while (v > hi) {
                    hi *= 2;
                }
            }
        }
        int left = 170, width = 520, bar = 14, gap = 10, top = 50;
        int groupH = colours.size() * bar + gap;
        int height = top + byModel.size() * groupH + 50;
        double l2lo = Math.log(lo) / Math.log(2), l2hi = Math.log(hi) / Math.log(2);
        java.util.function.DoubleUnaryOperator x = v -> left + width * (Math.log(v) / Math.log(2) - l2lo) / (l2hi - l2lo);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", left + width + 40, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">"
                + "Lanes latency / ONNX Runtime latency (lower is better, 1.0 = parity)</text>%n", left - 150));
        for (double v = lo; v <= hi * 1.0001; v *= 2) {
            double px = x.applyAsDouble(v);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", px, top - 5, px, height - 40));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s×</text>%n", px, height - 25,
                    v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v)));
        }
        double one = x.applyAsDouble(1);
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2\"/>%n",
                one, top - 10, one, height - 40));
        int y = top;
        for (var m : byModel.entrySet()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 8,
                    y + colours.size() * bar / 2 + 4, m.getKey()));
            int b = 0;
            for (var t : colours.entrySet()) {
                Double v = m.getValue().get(t.getKey());
                if (v != null) {
                    double x0 = Math.min(one, x.applyAsDouble(v)), x1 = Math.max(one, x.applyAsDouble(v));
                    int by = y + b * bar;
                    s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                            x0, by, Math.max(1, x1 - x0), bar - 2, t.getValue()));
                    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%.2f×</text>%n",
                            x1 + 3, by + bar - 4, v));
                }
                b++;
            }
            y += groupH;
        }
        int lx = left;
        for (var t : colours.entrySet()) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"12\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"39\">%d thread%s</text>%n", lx, t.getValue(), lx + 16, t.getKey(), t.getKey() == 1 ? "" : "s"));
            lx += 90;
        }
        return s.append("</svg>\n").toString();
    }
}
