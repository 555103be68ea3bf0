package dev.lanes.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ORT's trace is read into per-run node times, and both engines' nodes are grouped by name into shared units. */
class NodeProfileSideBySideTest {

    @Test
    void keysTakeTheScopePrefix() {
        assertEquals("features.2", NodeGroups.key("features.2.conv.1.0/Conv", 2));
        assertEquals("features.2.conv", NodeGroups.key("features.2.conv.1.0/Conv", 3));
        assertEquals("features", NodeGroups.key("features.2.conv.1.0/Conv", 1));
        assertEquals("features.0", NodeGroups.key("features.0.1/Clip:0_nchwc", 2), "ORT's fused, layout-changed name");
        assertEquals("layer3.4", NodeGroups.key("layer3.4.conv2/Conv", 2));
        assertEquals("classifier.1", NodeGroups.key("classifier.1/Gemm", 5), "a scope shorter than the depth is kept whole");
        assertEquals("ReorderOutput", NodeGroups.key("ReorderOutput", 2), "a node ORT inserted");
        assertEquals("reorder_token_3", NodeGroups.key("reorder_token_3:0_nchwc", 2));
        assertEquals("features.0", NodeGroups.key("/features/features.0/Conv", 2), "an exporter's path scope: its last component");
        assertThrows(IllegalArgumentException.class, () -> NodeGroups.key("x/Conv", 0));
    }

    @Test
    void fusedNodesMergeGroupsOnBothSides() {
        List<String> lanes = List.of("features.0.0/Conv+features.1.conv.0.0/Conv+features.1.conv.1/Conv",
                "features.2.conv.0.0/Conv+features.2.conv.2/Conv", "features.18.0/Conv+avgpool/GlobalAveragePool", "classifier.1/Gemm");
        List<String> ort = List.of("features.0.1/Clip:0_nchwc", "features.1.conv.0.1/Clip:0_nchwc", "features.2.conv.0.1/Clip:0_nchwc",
                "features.2.conv.3/BatchNormalization:0_nchwc", "features.18.1/Clip:0_nchwc", "avgpool/GlobalAveragePool:0_nchwc",
                "ReorderOutput", "classifier.1/Gemm");
        NodeGroups g = NodeGroups.of(lanes, ort, 2);
        assertEquals(List.of("features.0+features.1", "features.2", "features.18+avgpool", "classifier.1", "ReorderOutput"), g.groups());
        assertEquals("features.0+features.1", g.groupOf("features.1.conv.0.1/Clip:0_nchwc"));
        assertEquals("features.18+avgpool", g.groupOf("avgpool/GlobalAveragePool:0_nchwc"));
        assertThrows(IllegalArgumentException.class, () -> g.groupOf("layer1.0.conv1/Conv"));

        Map<String, long[]> ortNodes = new LinkedHashMap<>();
        ortNodes.put("features.0.1/Clip:0_nchwc", new long[] {10, 20});
        ortNodes.put("features.1.conv.0.1/Clip:0_nchwc", new long[] {1, 2});
        ortNodes.put("ReorderOutput", new long[] {5, 5});
        Map<String, long[]> sums = g.perGroup(new NodeSamples(ortNodes, new long[] {100, 100}));
        assertEquals(List.of("features.0+features.1", "ReorderOutput"), List.copyOf(sums.keySet()), "groups without nodes here are left out");
        assertArrayEquals(new long[] {11, 22}, sums.get("features.0+features.1"), "a group's time in a run is the sum of its nodes'");
    }

    private static String event(String cat, String name, long ts, long dur, String op) {
        String args = op == null ? "{}" : "{\"thread_scheduling_stats\" : \"\", \"op_name\" : \"" + op + "\", \"input_type_shape\" : [{\"float\" : [1, 3]}]}";
        return "{\"cat\" : \"" + cat + "\",\"pid\" :1,\"tid\" :2,\"dur\" :" + dur + ",\"ts\" :" + ts + ",\"ph\" : \"X\",\"name\" :\"" + name
                + "\",\"args\" : " + args + "}";
    }

    @Test
    void traceIsReadRunByRunAfterTheWarmUp() throws Exception {
        String trace = "[\n" + String.join(",\n",
                event("Session", "session_initialization", 0, 90, null),
                event("Node", "a/Conv:0_nchwc_kernel_time", 50, 7, "Conv"),              // outside every run
                // run 0 (warm-up, skipped)
                event("Session", "model_run", 100, 50, null),
                event("Node", "a/Conv:0_nchwc_kernel_time", 101, 30, "Conv"),
                // run 1; events need not be in time order in the file
                event("Node", "b/Gemm_kernel_time", 230, 9, "Gemm"),
                event("Session", "model_run", 200, 40, null),
                event("Node", "a/Conv:0_nchwc_fence_before", 200, 1, null),
                event("Node", "a/Conv:0_nchwc_kernel_time", 201, 20, "Conv"),
                event("Session", "SequentialExecutor::Execute", 200, 39, null),
                // run 2: b runs twice (two kernels of one node add up), a does not run
                event("Session", "model_run", 300, 40, null),
                event("Node", "b/Gemm_kernel_time", 301, 4, "Gemm"),
                event("Node", "b/Gemm_kernel_time", 310, 5, "Gemm")) + "\n]\n";
        OrtTrace.Parsed p = OrtTrace.read(new StringReader(trace), 1);
        NodeSamples s = p.samples();
        assertEquals(2, s.runs());
        assertEquals(List.of("a/Conv:0_nchwc", "b/Gemm"), s.nodes());
        assertArrayEquals(new long[] {20_000, 0}, s.perNode().get("a/Conv:0_nchwc"), "µs become ns; absent in a run is 0");
        assertArrayEquals(new long[] {9_000, 9_000}, s.perNode().get("b/Gemm"));
        assertArrayEquals(new long[] {40_000, 40_000}, s.runTotals());
        assertEquals("Gemm", p.opNames().get("b/Gemm"));
        assertThrows(IllegalArgumentException.class, () -> OrtTrace.read(new StringReader(trace), 3), "more runs to skip than there are");
    }

    @Test
    void readsOnnxRuntimesOwnTrace() throws Exception {
        try (BenchModel.Prepared p = BenchModel.byId("ppocr_mobile_v2_cls").prepare()) {
            OrtTrace.Parsed parsed = OrtNodeProfile.measure(p, 1, 3);
            NodeSamples s = parsed.samples();
            assertEquals(3, s.runs());
            assertTrue(s.nodes().size() > 10, "nodes: " + s.nodes());
            long nodeSum = 0;
            for (String node : s.nodes()) {
                assertTrue(parsed.opNames().get(node) != null, "an operator for " + node);
                assertTrue(!node.endsWith(OrtTrace.KERNEL_SUFFIX), node);
                nodeSum += s.perNode().get(node)[0];
            }
            assertTrue(nodeSum > 0 && nodeSum <= s.runTotals()[0], "the kernels of a run fit in the run: " + nodeSum + " of " + s.runTotals()[0]);
        }
    }

    @Test
    void tableComparesGroupsAndSums() {
        Map<String, long[]> lanes = new LinkedHashMap<>();
        lanes.put("s.0/Conv+s.1/Conv", new long[] {2_000_000, 3_000_000, 2_500_000});
        lanes.put("t.0/Gemm", new long[] {1_000_000, 1_000_000, 1_000_000});
        Map<String, long[]> ort = new LinkedHashMap<>();
        ort.put("s.0/Clip:0_nchwc", new long[] {1_000_000, 1_000_000, 1_000_000});
        ort.put("s.1/Conv", new long[] {1_000_000, 1_000_000, 1_000_000});
        ort.put("t.0/Gemm", new long[] {2_000_000, 2_000_000, 2_000_000});
        String table = NodeProfileSideBySide.table(new NodeSamples(lanes, new long[] {3_100_000, 4_000_000, 3_600_000}),
                new NodeSamples(ort, new long[] {4_000_000, 4_000_000, 4_000_000}), 1);
        assertTrue(table.contains("| s | 2.000 | 2.500 | 2.000 | 2.000 | 1.00 | 1.25 |"), table);
        assertTrue(table.contains("| t | 1.000 | 1.000 | 2.000 | 2.000 | 0.50 | 0.50 |"), table);
        assertTrue(table.contains("| sum of groups | 3.000 | 3.500 | 4.000 | 4.000 | 0.75 | 0.88 |"), table);
        assertTrue(table.contains("| run | 3.100 | 3.600 | 4.000 | 4.000 | 0.78 | 0.90 |"), table);
    }
}
