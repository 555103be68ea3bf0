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
