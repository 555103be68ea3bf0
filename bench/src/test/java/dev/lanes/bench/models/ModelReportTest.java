package dev.lanes.bench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report reads JMH's JSON, pairs the two engines per model and thread count, and draws the ratios. */
class ModelReportTest {
    private static String result(String method, String model, int threads, double score) {
        return """
            {"benchmark": "dev.lanes.bench.models.ModelBench.%s", "mode": "avgt",
             "params": {"model": "%s", "threads": "%d"},
             "primaryMetric": {"score": %s, "scoreError": 0.5, "scoreUnit": "ms/op"}}
            """.formatted(method, model, threads, score);
    }

    @Test
    void pairsEnginesAndComputesRatios() {
        String json = "[" + String.join(",",
                result("lanes", "resnet50", 2, 30), result("onnxRuntime", "resnet50", 2, 20),
                result("lanes", "resnet50", 1, 50), result("onnxRuntime", "resnet50", 1, 40),
                result("onnxRuntime", "gpt2_small", 1, 10)) + "]";
        List<ModelReport.Row> rows = ModelReport.steadyRows(json);
        assertEquals(3, rows.size());
        assertEquals(1, rows.get(0).threads(), "1 thread listed first");
        assertEquals(1.25, rows.get(0).ratio(), 1e-12);
        assertEquals(1.5, rows.get(1).ratio(), 1e-12);
        assertTrue(Double.isNaN(rows.get(2).ratio()), "a model measured on one engine only has no ratio");

        String table = ModelReport.table(rows);
        assertTrue(table.contains("| resnet50 | 2 | 30.0 ± 0.50 | 20.0 ± 0.50 | 1.50× |"), table);
        assertTrue(table.contains("| gpt2_small | 1 | — | 10.0 ± 0.50 | — |"), table);

        String svg = ModelReport.chart(rows);
        assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains(">resnet50</text>") && svg.contains("1.25×") && svg.contains("1.50×"), svg);
        assertTrue(!svg.contains(">gpt2_small</text>"), "no bar without a ratio");
    }

    /** Engine-alternated fork pairs come as one JSON per fork: each engine's cell is its median over them. */
    @Test
    void severalResultsGiveEachEngineItsMedian() {
        List<String> forks = List.of(
                "[" + result("lanes", "resnet50", 2, 24) + "]", "[" + result("onnxRuntime", "resnet50", 2, 23) + "]",
                "[" + result("lanes", "resnet50", 2, 22) + "]", "[" + result("onnxRuntime", "resnet50", 2, 25) + "]",
                "[" + result("lanes", "resnet50", 2, 30) + "]", "[" + result("onnxRuntime", "resnet50", 2, 24) + "]",
                "[" + result("lanes", "bert_base", 1, 150) + "," + result("onnxRuntime", "bert_base", 1, 160) + "]");
        List<ModelReport.Row> rows = ModelReport.steadyRows(forks);
        assertEquals(2, rows.size());
        ModelReport.Row r50 = rows.get(0);
        assertEquals(24.0, r50.lanesMs(), 1e-12);
        assertEquals(24.0, r50.ortMs(), 1e-12);
        assertEquals(4.0, r50.lanesErr(), 1e-12, "half the range of 22..30");
        assertEquals(1.0, r50.ortErr(), 1e-12, "half the range of 23..25");
        assertEquals(0.5, rows.get(1).lanesErr(), 1e-12, "a lone score keeps JMH's error");
        assertEquals(22.5, ModelReport.median(List.of(25.0, 20.0, 22.0, 23.0)), 1e-12);
    }

    @Test
    void startupTablePairsLoadAndFirstRun() {
        String json = "[" + String.join(",",
                result("lanesLoad", "bert_base", 2, 700).replace("ModelBench", "ModelStartupBench"),
                result("onnxRuntimeLoad", "bert_base", 2, 900).replace("ModelBench", "ModelStartupBench"),
                result("lanesFirstRun", "bert_base", 2, 4000).replace("ModelBench", "ModelStartupBench")) + "]";
        String t = ModelReport.startupTable(ModelReport.startupRows(json));
        assertTrue(t.contains("| bert_base | 700 | 900 | 4000 | — |"), t);
    }
}
