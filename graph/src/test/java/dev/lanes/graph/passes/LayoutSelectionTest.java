package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutSelectionTest {
    private static final Map<String, Tensor> X = Map.of("X", PassCheck.random(81, 1, 8, 12, 12));

    /** conv → hard-swish → ·a + b → conv → relu → conv → global pool: a chain with one boundary at each end. */
    private static OnnxModel chain() {
        return PassCheck.model(new OnnxModelBuilder("chain").opset(14)
                .input("X", F, 1, 8, 12, 12)
                .initializer("W1", PassCheck.random(82, 16, 8, 3, 3)).initializer("B1", PassCheck.random(83, 16))
                .initializer("W2", PassCheck.random(84, 16, 16, 1, 1))
                .initializer("W3", PassCheck.random(85, 8, 16, 3, 3)).initializer("B3", PassCheck.random(86, 8))
                .initializer("a", Tensor.of(new float[] {0.75f}, 1)).initializer("b", Tensor.scalar(-0.25f))
                .node("Conv").inputs("X", "W1", "B1").outputs("c1").attrInts("pads", 1, 1, 1, 1).add()
                .node("HardSwish").inputs("c1").outputs("h").add()
                .node("Mul").inputs("a", "h").outputs("m").add()
                .node("Add").inputs("m", "b").outputs("s").add()
                .node("Conv").inputs("s", "W2").outputs("c2").add()
                .node("Relu").inputs("c2").outputs("r").add()
                .node("Conv").inputs("r", "W3", "B3").outputs("c3").attrInts("pads", 1, 1, 1, 1).add()
                .node("GlobalAveragePool").inputs("c3").outputs("Y").add()
                .output("Y", F, 1, 8, 1, 1));
    }

    @Test
    void aConvolutionChainStaysInNhwcBetweenItsBoundaries() {
        OnnxModel m = chain();
        LayoutSelection layout = new LayoutSelection();
        List<Pass> passes = new java.util.ArrayList<>(StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)));
        passes.set(passes.size() - 1, layout);
        Graph g = PassCheck.rewrite(m, passes.toArray(new Pass[0]));
        assertEquals(List.of("FusedConv", "Mul", "Add", "FusedConv", "FusedConv", "GlobalAveragePool"), PassCheck.ops(g));
        assertEquals(4, layout.nhwcValues(), "the hard-swish conv's output, the affine's two values and the relu conv's output");
        Node first = g.nodes().get(0), middle = g.nodes().get(3), last = g.nodes().get(4);
        assertFalse(first.attributes().containsKey(LayoutSelection.X_NHWC), "X is the graph input");
        assertTrue(first.attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(middle.attributes().containsKey(LayoutSelection.X_NHWC) && middle.attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(last.attributes().containsKey(LayoutSelection.X_NHWC));
        assertFalse(last.attributes().containsKey(LayoutSelection.Y_NHWC), "the pool reads NCHW");
        PassCheck.sameOutputs(m, g, X, 1e-5);      // the reference bindings honour the layouts too
        PassCheck.sameOutputsFast(m, g, X, 1e-4);
    }

    @Test
    void aValueAnotherOpReadsAlongAnAxisStaysNchw() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("gate").opset(14)
                .input("X", F, 1, 8, 6, 6)
                .initializer("W1", PassCheck.random(87, 8, 8, 1, 1)).initializer("W2", PassCheck.random(88, 8, 8, 1, 1))
                .initializer("g", PassCheck.random(89, 1, 8, 1, 1))
                .node("Conv").inputs("X", "W1").outputs("c1").add()
                .node("Mul").inputs("c1", "g").outputs("m").add()    // per-channel: looks at the channel axis
                .node("Conv").inputs("m", "W2").outputs("Y").add()
                .output("Y", F, 1, 8, 6, 6));
        LayoutSelection layout = new LayoutSelection();
        Graph g = PassCheck.rewrite(m, new ShapeInference(), layout);
        assertEquals(0, layout.nhwcValues());
        assertEquals(List.of("Conv", "Mul", "Conv"), PassCheck.ops(g));
    }

    @Test
    void sessionsOnTheFastBackendSelectLayoutsAndMatchTheReference() {
        OnnxModel m = chain();
        PassCheck.assertClose(PassCheck.run(m, X), PassCheck.run(m, X, PassCheck.REFERENCE.withBackend(Backend.FAST).withOptimize(true)), 1e-4);
    }
}
