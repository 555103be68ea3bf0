package dev.lanes.graph.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting the IR and importing it again gives back the same model. */
class OnnxExporterTest {

    /** Two branches of an If, each reading an outer value: the exporter must write subgraphs back. */
    private static byte[] sample() {
        var thenBranch = new OnnxModelBuilder("then").node("Add").inputs("X", "B").outputs("T").add()
                .output("T", DType.FLOAT32, "n", 4).buildGraph();
        var elseBranch = new OnnxModelBuilder("else").node("Mul").inputs("X", "B").outputs("E").add()
                .output("E", DType.FLOAT32, "n", 4).buildGraph();
        return new OnnxModelBuilder("sample").opset(17)
                .input("X", DType.FLOAT32, "n", 4)
                .input("flag", DType.BOOL)
                .input("B", DType.FLOAT32, 4)
                .initializer("B", Tensor.of(new float[] {1, 2, 3, 4}, 4))
                .initializer("axes", Tensor.ofLongs(new long[] {1}, 1))
                .node("If").inputs("flag").outputs("Y").attr("then_branch", thenBranch).attr("else_branch", elseBranch).add()
                .node("LeakyRelu").inputs("Y").outputs("Z").attr("alpha", 0.25f).add()
                .node("Transpose").inputs("Z").outputs("Zt").attrInts("perm", 1, 0).add()
                .node("ReduceSum").inputs("Zt", "axes").outputs("S").attr("keepdims", 0L).add()
                .node("Cast").inputs("S").outputs("C").attr("to", (long) DType.FLOAT64.onnxCode()).add()
                .valueInfo("Z", DType.FLOAT32, "n", 4)
                .output("C", DType.FLOAT64, 4)
                .output("Z", DType.FLOAT32, "n", 4)
                .toBytes();
    }

    @Test
    void importExportImportIsTheIdentity(@TempDir Path dir) throws Exception {
        OnnxModel first = OnnxImporter.load(sample());
        Path file = dir.resolve("again.onnx");
        OnnxExporter.write(first, file);
        OnnxModel second = OnnxImporter.load(file);

        assertEquals(first.opsets(), second.opsets());
        assertSameGraph(first.graph(), second.graph());
        ModelProto proto = OnnxExporter.toProto(second);
        assertEquals(8, proto.getIrVersion(), "opset 17 pairs with IR 8");
        assertEquals("n", proto.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());

        Map<String, Tensor> in = Map.of("X", Tensor.of(new float[] {-1, 2, -3, 4, 5, -6, 7, -8}, 2, 4),
                "flag", Tensor.ofBools(new boolean[] {true}));
        SessionOptions ref = SessionOptions.defaults().withBackend(Backend.REFERENCE).withThreads(1);
        try (Session a = Session.open(first, ref); Session b = Session.open(second, ref)) {
            Map<String, Tensor> x = a.run(in), y = b.run(in);
            assertTrue(x.get("C").contentEquals(y.get("C")) && x.get("Z").contentEquals(y.get("Z")));
            // Y = X + B, LeakyRelu, then column sums: [0+6, 4-1, 0+10, 8-1].
            assertArrayEquals(new double[] {6, 3, 10, 7}, y.get("C").doubles());
        }
    }

    @Test
    void exportedBytesAreStable() {
        OnnxModel m = OnnxImporter.load(sample());
        byte[] once = OnnxExporter.toBytes(m);
        assertArrayEquals(once, OnnxExporter.toBytes(OnnxImporter.load(once)), "export of a re-import is byte-identical");
    }

    static void assertSameGraph(Graph a, Graph b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.inputs(), b.inputs());
        assertEquals(a.outputs(), b.outputs());
        assertEquals(a.valueInfo(), b.valueInfo());
        assertEquals(a.initializers().keySet(), b.initializers().keySet());
        a.initializers().forEach((k, t) -> assertTrue(t.contentEquals(b.initializers().get(k)), "initializer " + k));
        assertEquals(a.nodes().size(), b.nodes().size());
        for (int i = 0; i < a.nodes().size(); i++) {
            Node x = a.nodes().get(i), y = b.nodes().get(i);
            assertEquals(List.of(x.name(), x.opType(), x.domain(), x.opset(), x.inputs(), x.outputs(), x.implicitInputs()),
                    List.of(y.name(), y.opType(), y.domain(), y.opset(), y.inputs(), y.outputs(), y.implicitInputs()));
            assertEquals(x.attributes().keySet(), y.attributes().keySet(), x.describe());
            for (String k : x.attributes().keySet()) {
                Attribute p = x.attributes().get(k), q = y.attributes().get(k);
                assertEquals(p.kind(), q.kind(), x.describe() + " " + k);
                if (p.value() instanceof Graph g) {
                    assertSameGraph(g, (Graph) q.value());
                } else if (p.value() instanceof long[] l) {
                    assertArrayEquals(l, (long[]) q.value());
                } else if (p.value() instanceof float[] f) {
                    assertArrayEquals(f, (float[]) q.value());
                } else {
                    assertEquals(p.value(), q.value(), x.describe() + " " + k);
                }
            }
        }
    }
}
