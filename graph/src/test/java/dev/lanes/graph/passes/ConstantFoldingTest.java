package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {

    /** The shape chain of an exported Transformer's head split: Shape → Gather → Unsqueeze → Concat → Reshape. */
    static OnnxModel headSplit() {
        return PassCheck.model(new OnnxModelBuilder("heads").opset(11)
                .input("X", F, "batch", "seq", 8)
                .initializer("i0", Tensor.scalarLong(0))
                .initializer("i1", Tensor.scalarLong(1))
                .initializer("h", PassCheck.longs(2))
                .initializer("d", PassCheck.longs(4))
                .node("Shape").inputs("X").outputs("s").add()
                .node("Gather").inputs("s", "i0").outputs("b").attr("axis", 0).add()
                .node("Shape").inputs("X").outputs("s2").add()
                .node("Gather").inputs("s2", "i1").outputs("q").attr("axis", 0).add()
                .node("Unsqueeze").inputs("b").outputs("bu").attrInts("axes", 0).add()
                .node("Unsqueeze").inputs("q").outputs("qu").attrInts("axes", 0).add()
                .node("Concat").inputs("bu", "qu", "h", "d").outputs("shape").attr("axis", 0).add()
                .node("Reshape").inputs("X", "shape").outputs("r").add()
                .node("Transpose").inputs("r").outputs("Y").attrInts("perm", 0, 2, 1, 3).add()
                .output("Y", F, "batch", 2, "seq", 4));
    }

    @Test
    void shapeChainFoldsOnceInputShapesAreKnown() {
        OnnxModel m = headSplit();
        Graph g = StandardPasses.specialise(m.graph(), new int[][] {{3, 5, 8}}, PassCheck.REFERENCE);
        assertEquals(java.util.List.of("Reshape", "Transpose"), PassCheck.ops(g));
        Tensor target = g.initializers().get(g.nodes().get(0).input(1));
        assertNotNull(target, "the Reshape target is a constant");
        assertArrayEquals(new long[] {3, 5, 2, 4}, target.longs());
        assertArrayEquals(new int[] {3, 2, 5, 4}, g.info("Y").fixedShape(), "shape inference reaches the output");
        Map<String, Tensor> in = Map.of("X", PassCheck.random(1, 3, 5, 8));
        PassCheck.sameOutputs(m, g, in, 0);
    }

    @Test
    void withSymbolicDimsTheChainStaysAndTheGraphStillComputesTheSame() {
        OnnxModel m = headSplit();
        Graph g = PassCheck.rewrite(m, new ConstantFolding());
        assertEquals(2, PassCheck.count(g, "Shape"), "batch and seq are unknown: nothing to fold");
        assertEquals(java.util.List.of(Dim("batch"), Dim("seq"), dev.lanes.graph.ir.Dim.of(8)), g.info("X").dims());
        PassCheck.sameOutputs(m, g, Map.of("X", PassCheck.random(2, 1, 7, 8)), 0);
    }

    private static dev.lanes.graph.ir.Dim Dim(String s) {
        return dev.lanes.graph.ir.Dim.symbol(s);
    }

    @Test
    void constantSubgraphsOfWeightsFoldAtCreation() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("w").opset(13)
                .input("X", F, 2, 3)
                .initializer("W", PassCheck.random(3, 4, 3))
                .initializer("two", PassCheck.scalar(2))
                .node("Transpose").inputs("W").outputs("Wt").attrInts("perm", 1, 0).add()
                .node("Mul").inputs("Wt", "two").outputs("W2").add()
                .node("MatMul").inputs("X", "W2").outputs("Y").add()
                .output("Y", F, 2, 4));
        ConstantFolding pass = new ConstantFolding();
        Graph g = PassCheck.rewrite(m, pass, new DeadNodeElimination());
        assertEquals(2, pass.folded());
        assertEquals(java.util.List.of("MatMul"), PassCheck.ops(g));
        assertEquals(java.util.Set.of("W2"), g.initializers().keySet(), "the unfolded weights are dropped");
        PassCheck.sameOutputs(m, g, Map.of("X", PassCheck.random(4, 2, 3)), 0);
    }

    @Test
    void anInputWithADefaultIsNotAConstant() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("dflt").opset(13)
                .input("X", F, 2)
                .input("bias", F, 2)
                .initializer("bias", Tensor.of(new float[] {1, 2}, 2))
                .initializer("k", Tensor.of(new float[] {10, 10}, 2))
                .node("Mul").inputs("bias", "k").outputs("b10").add()
                .node("Add").inputs("X", "b10").outputs("Y").add()
                .output("Y", F, 2));
        Graph g = PassCheck.rewrite(m, new ConstantFolding());
        assertEquals(2, g.nodes().size(), "Mul reads a graph input: the caller may replace its default");
        Map<String, Tensor> in = Map.of("X", Tensor.of(new float[] {0, 0}, 2), "bias", Tensor.of(new float[] {5, 6}, 2));
        PassCheck.sameOutputs(m, g, in, 0);
    }

    @Test
    void sessionSpecialisesAndCachesOnePlanPerInputShape() {
        OnnxModel m = headSplit();
        SessionOptions opts = SessionOptions.defaults().withThreads(1).withBackend(Backend.REFERENCE);
        try (Session s = Session.open(m, opts)) {
            Map<String, Tensor> a = Map.of("X", PassCheck.random(5, 2, 3, 8));
            Map<String, Tensor> b = Map.of("X", PassCheck.random(6, 1, 9, 8));
            ExecutionPlan pa = s.planFor(a), pb = s.planFor(b);
            assertEquals(2, pa.steps().size(), "Reshape and Transpose only");
            assertTrue(pa != pb, "another input shape, another plan");
            assertSame(pa, s.planFor(Map.of("X", PassCheck.random(7, 2, 3, 8))), "same shape, same plan");
            assertTrue(s.plan().steps().size() > 2, "the general plan keeps the chain");
            PassCheck.assertClose(PassCheck.run(m, a), s.run(a), 0);
            PassCheck.assertClose(PassCheck.run(m, b), s.run(b), 0);
        }
    }

    @Test
    void shapeOfAConstantAndSizeFold() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("size").opset(13)
                .input("X", DType.INT64, 1)
                .initializer("C", PassCheck.random(8, 2, 5))
                .node("Shape").inputs("C").outputs("s").add()
                .node("Size").inputs("C").outputs("n").add()
                .node("Unsqueeze").inputs("n", "ax").outputs("nu").add()
                .initializer("ax", PassCheck.longs(0))
                .node("Concat").inputs("s", "nu", "X").outputs("Y").attr("axis", 0).add()
                .output("Y", DType.INT64, 4));
        Graph g = PassCheck.rewrite(m, new ConstantFolding());
        assertEquals(java.util.List.of("Concat"), PassCheck.ops(g));
        PassCheck.sameOutputs(m, g, Map.of("X", Tensor.ofLongs(new long[] {7}, 1)), 0);
    }
}
