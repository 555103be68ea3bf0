package dev.lanes.graph.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.onnx.NodeTestRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole ONNX node-test subset of ../shared/onnx-node through {@code Session}, on each backend,
 * with pass counts per MANIFEST group printed. A test whose model loads must pass; tests refused at
 * load because an op is not implemented (the quantized ops MatMulInteger and QLinearConv) are counted
 * and listed; the groups in {@link #MUST_PASS} must pass entirely.
 */
class OnnxNodeConformanceTest {
    /** Groups in which every test must pass. */
    static final List<String> MUST_PASS = List.of("core", "attention-opset24", "pytorch-conv", "expanded", "extra-dtype", "optional");

    @ParameterizedTest
    @EnumSource(Backend.class)
    void wholeSuite(Backend backend) throws IOException {
        Path root = Path.of(System.getProperty("lanes.shared", "../../shared"), "onnx-node");
        Path manifest = root.resolve("MANIFEST.tsv");
        assumeTrue(Files.exists(manifest), "conformance data not found at " + root);
        Map<String, String> groupOf = new LinkedHashMap<>();
        for (String line : Files.readAllLines(manifest)) {
            String[] f = line.split("\t");
            if (!f[0].equals("test")) {
                groupOf.put(f[0], f[2]);
            }
        }
        SessionOptions opts = SessionOptions.defaults().withThreads(1).withBackend(backend);
        Map<String, int[]> counts = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        for (var e : groupOf.entrySet()) {
            NodeTestRunner.Result r = NodeTestRunner.run(root.resolve(e.getKey()), opts);
            int[] c = counts.computeIfAbsent(e.getValue(), k -> new int[3]);
            c[1]++;
            if (r.passed()) {
                c[0]++;
                continue;
            }
            String why = r.error() != null ? r.error()
                    : r.dataSets().stream().filter(d -> !d.passed()).map(d -> d.dataSet() + ": " + d.detail()).findFirst().orElse("?");
            if (r.error() != null && r.error().contains("unsupported op")) {
                c[2]++;
                unsupported.add(e.getKey() + " [" + e.getValue() + "]: " + why);
            } else {
                wrong.add(e.getKey() + " [" + e.getValue() + "]: " + why);
            }
        }
        StringBuilder report = new StringBuilder("ONNX node tests, backend " + backend + " (passed/total, not implemented):\n");
        counts.forEach((g, c) -> report.append(String.format("  %-18s %3d/%3d  (%d need an op not implemented yet)%n", g, c[0], c[1], c[2])));
        System.out.println(report);
        unsupported.forEach(u -> System.out.println("  not implemented: " + u));
        wrong.forEach(w -> System.out.println("  FAIL: " + w));
        assertTrue(wrong.isEmpty(), wrong.size() + " tests load but give wrong results or fail at run time, first: "
                + (wrong.isEmpty() ? "" : wrong.get(0)));
        for (String g : MUST_PASS) {
            int[] c = counts.get(g);
            assertTrue(c != null && c[0] == c[1], "group " + g + " must pass entirely: " + (c == null ? "absent" : c[0] + "/" + c[1]));
        }
    }
}
