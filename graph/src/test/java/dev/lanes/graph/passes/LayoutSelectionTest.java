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

    /** conv → hard-swish → ·a + b → conv → relu → conv → global pool: a chain with one boundary, at its start (the pool reads NHWC). */
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
        passes.replaceAll(p -> p instanceof LayoutSelection ? layout : p);
        passes.removeIf(p -> p instanceof ConvGlobalPoolFusion);   // the layouts as chosen, before the last conv and the pool merge
        Graph g = PassCheck.rewrite(m, passes.toArray(new Pass[0]));
        assertEquals(List.of("FusedConv", "Mul", "Add", "FusedConv", "FusedConv", "GlobalAveragePool"), PassCheck.ops(g));
        assertEquals(5, layout.nhwcValues(), "the hard-swish conv's output, the affine's two values and both later convs' outputs");
        Node first = g.nodes().get(0), middle = g.nodes().get(3), last = g.nodes().get(4), pool = g.nodes().get(5);
        assertFalse(first.attributes().containsKey(LayoutSelection.X_NHWC), "X is the graph input");
        assertTrue(first.attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(middle.attributes().containsKey(LayoutSelection.X_NHWC) && middle.attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(last.attributes().containsKey(LayoutSelection.X_NHWC));
        assertTrue(last.attributes().containsKey(LayoutSelection.Y_NHWC), "the global pool reads NHWC");
        assertTrue(pool.attributes().containsKey(LayoutSelection.NHWC));
        PassCheck.sameOutputs(m, g, X, 1e-5);      // the reference bindings honour the layouts too
        PassCheck.sameOutputsFast(m, g, X, 1e-4);
    }

    @Test
    void aValueAnotherOpReadsAlongAnAxisStaysNchw() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("gate").opset(14)
                .input("X", F, 1, 8, 6, 6)
                .initializer("W1", PassCheck.random(87, 8, 8, 1, 1)).initializer("W2", PassCheck.random(88, 8, 8, 1, 1))
                .initializer("g", PassCheck.random(89, 1, 1, 6, 1))
                .node("Conv").inputs("X", "W1").outputs("c1").add()
                .node("Mul").inputs("c1", "g").outputs("m").add()    // one value per row: looks at the height axis
                .node("Conv").inputs("m", "W2").outputs("Y").add()
                .output("Y", F, 1, 8, 6, 6));
        LayoutSelection layout = new LayoutSelection();
        Graph g = PassCheck.rewrite(m, new ShapeInference(), layout);
        assertEquals(0, layout.nhwcValues());
        assertEquals(List.of("Conv", "Mul", "Conv"), PassCheck.ops(g));
    }

    /**
     * Squeeze-and-excitation: conv → (global pool → 1x1 → relu → 1x1 → hard-sigmoid) → scale the conv's
     * output per channel → conv. The pool reads the NHWC value and the per-channel Mul keeps it NHWC,
     * so the block needs no reorder.
     */
    @Test
    void aSqueezeAndExcitationBlockStaysInNhwc() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("se").opset(14)
                .input("X", F, 1, 8, 6, 6)
                .initializer("W1", PassCheck.random(90, 8, 1, 3, 3)).initializer("B1", PassCheck.random(91, 8))
                .initializer("Ws", PassCheck.random(92, 2, 8, 1, 1)).initializer("We", PassCheck.random(93, 8, 2, 1, 1))
                .initializer("W2", PassCheck.random(94, 4, 8, 1, 1))
                .node("Conv").inputs("X", "W1", "B1").outputs("d").attrInts("pads", 1, 1, 1, 1).attr("group", 8L).add()
                .node("GlobalAveragePool").inputs("d").outputs("p").add()
                .node("Conv").inputs("p", "Ws").outputs("q").add()
                .node("Relu").inputs("q").outputs("r").add()
                .node("Conv").inputs("r", "We").outputs("e").add()
                .node("HardSigmoid").inputs("e").outputs("s").add()
                .node("Mul").inputs("d", "s").outputs("z").add()
                .node("Conv").inputs("z", "W2").outputs("Y").add()
                .output("Y", F, 1, 4, 6, 6));
        LayoutSelection layout = new LayoutSelection();
        List<Pass> passes = new java.util.ArrayList<>(StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)));
        passes.replaceAll(p -> p instanceof LayoutSelection ? layout : p);
        Graph g = PassCheck.rewrite(m, passes.toArray(new Pass[0]));
        Node pool = g.nodes().stream().filter(n -> n.opType().equals("GlobalAveragePool")).findFirst().orElseThrow();
        Node mul = g.nodes().stream().filter(n -> n.opType().equals("Mul")).findFirst().orElseThrow();
        assertTrue(pool.attributes().containsKey(LayoutSelection.NHWC), "the pool reads the depthwise conv's NHWC output");
        assertTrue(mul.attributes().containsKey(LayoutSelection.NHWC), "the per-channel scale stays NHWC");
        Node first = g.nodes().get(0), last = g.nodes().get(g.nodes().size() - 1);
        assertTrue(first.attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(last.attributes().containsKey(LayoutSelection.X_NHWC));
        Map<String, Tensor> x = Map.of("X", PassCheck.random(95, 1, 8, 6, 6));
        PassCheck.sameOutputs(m, g, x, 1e-5);      // the reference bindings honour the layouts too
        PassCheck.sameOutputsFast(m, g, x, 1e-4);
        PassCheck.assertClose(PassCheck.run(m, x), PassCheck.run(m, x, PassCheck.REFERENCE.withBackend(Backend.FAST).withOptimize(true)), 1e-4);
    }

    /** conv → max pool → global pool (the classifier's tail): the pool runs on the conv's NHWC output and passes NHWC on. */
    @Test
    void aWindowedPoolBetweenNhwcValuesStaysNhwc() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("pool").opset(14)
                .input("X", F, 1, 8, 6, 10)
                .initializer("W1", PassCheck.random(96, 12, 8, 1, 1)).initializer("B1", PassCheck.random(97, 12))
                .node("Conv").inputs("X", "W1", "B1").outputs("c").add()
                .node("MaxPool").inputs("c").outputs("p").attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2).add()
                .node("GlobalAveragePool").inputs("p").outputs("Y").add()
                .output("Y", F, 1, 12, 1, 1));
        LayoutSelection layout = new LayoutSelection();
        Graph g = PassCheck.rewrite(m, new ShapeInference(), layout);
        assertEquals(2, layout.nhwcValues());
        assertTrue(g.nodes().get(0).attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(g.nodes().get(1).attributes().containsKey(LayoutSelection.NHWC));
        assertTrue(g.nodes().get(2).attributes().containsKey(LayoutSelection.NHWC));
        Map<String, Tensor> x = Map.of("X", PassCheck.random(98, 1, 8, 6, 10));
        PassCheck.sameOutputs(m, g, x, 1e-5);
        PassCheck.sameOutputsFast(m, g, x, 1e-4);
    }

    @Test
    void sessionsOnTheFastBackendSelectLayoutsAndMatchTheReference() {
        OnnxModel m = chain();
        PassCheck.assertClose(PassCheck.run(m, X), PassCheck.run(m, X, PassCheck.REFERENCE.withBackend(Backend.FAST).withOptimize(true)), 1e-4);
    }
}
