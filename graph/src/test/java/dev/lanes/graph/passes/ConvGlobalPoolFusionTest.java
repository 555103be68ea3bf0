package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.ops.FusedOps;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvGlobalPoolFusionTest {
    private static final Pass[] FAST_PASSES = StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)).toArray(new Pass[0]);

    /**
     * A network head in small: 3x3 conv → ReLU → a {@code k}×{@code k} conv to {@code c} channels → Clip(0, 6) →
     * GlobalAveragePool → Flatten. {@code k} 1 runs the pointwise kernel on NHWC X (the fused pass), 3 another kernel
     * (the fast binding's two operators in turn); {@code secondReader}: the last conv's output is also a graph output.
     */
    private static OnnxModel head(int h, int w, int c, int k, boolean secondReader) {
        int pad = k / 2;
        OnnxModelBuilder b = new OnnxModelBuilder("head").opset(14)
                .input("X", F, 1, 3, h, w)
                .initializer("W1", PassCheck.random(1, 16, 3, 3, 3)).initializer("B1", PassCheck.random(2, 16))
                .initializer("W2", PassCheck.random(3, c, 16, k, k)).initializer("B2", PassCheck.random(4, c))
                .initializer("lo", Tensor.scalar(0f)).initializer("hi", Tensor.scalar(6f))
                .node("Conv").inputs("X", "W1", "B1").outputs("a").attrInts("pads", 1, 1, 1, 1).add()
                .node("Relu").inputs("a").outputs("r").add()
                .node("Conv").inputs("r", "W2", "B2").outputs("c").attrInts("pads", pad, pad, pad, pad).add()
                .node("Clip").inputs("c", "lo", "hi").outputs("q").add()
                .node("GlobalAveragePool").inputs("q").outputs("g").add()
                .node("Flatten").inputs("g").outputs("Y").add()
                .output("Y", F, 1, c);
        if (secondReader) {
            b.output("q", F, 1, c, h, w);
        }
        return PassCheck.model(b);
    }

    @Test
    void aConvolutionAndItsGlobalAverageBecomeOneNode() {
        for (int[] hwck : List.of(new int[] {7, 7, 150, 1}, new int[] {5, 3, 16, 1}, new int[] {1, 1, 7, 1}, new int[] {6, 5, 40, 3})) {
            Map<String, Tensor> x = Map.of("X", PassCheck.random(8, 1, 3, hwck[0], hwck[1]));
            OnnxModel m = head(hwck[0], hwck[1], hwck[2], hwck[3], false);
            Graph g = PassCheck.rewrite(m, FAST_PASSES);
            String what = hwck[0] + "x" + hwck[1] + ", " + hwck[2] + " channels, kernel " + hwck[3];
            assertEquals(1, PassCheck.count(g, FusedOps.FUSED_CONV_GLOBAL_AVERAGE_POOL), what);
            assertEquals(0, PassCheck.count(g, "GlobalAveragePool"), what);
            Node fused = g.nodes().stream().filter(n -> n.opType().equals(FusedOps.FUSED_CONV_GLOBAL_AVERAGE_POOL)).findFirst().orElseThrow();
            assertEquals(List.of("r", "W2", "B2"), fused.inputs(), what);
            assertFalse(fused.attributes().containsKey(LayoutSelection.Y_NHWC), what);
            PassCheck.sameOutputs(m, g, x, 1e-5);      // the reference binding: the two ops in turn
            PassCheck.sameOutputsFast(m, g, x, 1e-4);
        }
    }

    @Test
    void aConvolutionWithAnotherReaderIsNotFused() {
        Graph g = PassCheck.rewrite(head(7, 7, 40, 1, true), FAST_PASSES);
        assertEquals(0, PassCheck.count(g, FusedOps.FUSED_CONV_GLOBAL_AVERAGE_POOL));
        assertEquals(1, PassCheck.count(g, "GlobalAveragePool"));
    }
}
