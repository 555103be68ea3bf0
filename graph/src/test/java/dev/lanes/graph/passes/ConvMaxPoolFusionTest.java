package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class ConvMaxPoolFusionTest {
    /** The fast backend's passes, the fusion taking maps of any size (these are small). */
    private static final Pass[] FAST_PASSES = StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)).stream()
            .map(p -> p instanceof ConvMaxPoolFusion ? new ConvMaxPoolFusion(0) : p).toArray(Pass[]::new);

    /**
     * A ResNet stem in small: 7x7/2 conv (pads 3) → ReLU → MaxPool 3x3/2 (pads 1, ceil_mode as given) → 1x1 conv;
     * {@code secondReader}: the conv's output is also averaged to a second graph output. {@code c} output channels: 32
     * runs the band convolution (the fused kernel), 16 im2col (the fast binding's two operators in turn).
     */
    private static OnnxModel stem(int h, int w, int c, boolean ceil, boolean secondReader) {
        int oh = (h + 6 - 7) / 2 + 1, ow = (w + 6 - 7) / 2 + 1;
        int ph = ceil ? (oh + 2 - 3 + 1) / 2 + 1 : (oh + 2 - 3) / 2 + 1, pw = ceil ? (ow + 2 - 3 + 1) / 2 + 1 : (ow + 2 - 3) / 2 + 1;
        OnnxModelBuilder b = new OnnxModelBuilder("stem").opset(14)
                .input("X", F, 1, 3, h, w)
                .initializer("W1", PassCheck.random(1, c, 3, 7, 7)).initializer("B1", PassCheck.random(2, c))
                .initializer("W2", PassCheck.random(3, 8, c, 1, 1))
                .node("Conv").inputs("X", "W1", "B1").outputs("c").attrInts("pads", 3, 3, 3, 3).attrInts("strides", 2, 2).add()
                .node("Relu").inputs("c").outputs("r").add()
                .node("MaxPool").inputs("r").outputs("p").attrInts("kernel_shape", 3, 3).attrInts("pads", 1, 1, 1, 1)
                        .attrInts("strides", 2, 2).attr("ceil_mode", ceil ? 1L : 0L).add()
                .node("Conv").inputs("p", "W2").outputs("Y").add()
                .output("Y", F, 1, 8, ph, pw);
        if (secondReader) {
            b.node("GlobalAveragePool").inputs("r").outputs("g").add().output("g", F, 1, c, 1, 1);
        }
        return PassCheck.model(b);
    }

    @Test
    void aConvolutionAndItsMaxPoolBecomeOneNode() {
        for (boolean ceil : List.of(false, true)) {
            for (int[] hw : List.of(new int[] {23, 19, 32}, new int[] {32, 30, 32}, new int[] {23, 19, 16})) {
                Map<String, Tensor> x = Map.of("X", PassCheck.random(8, 1, 3, hw[0], hw[1]));
                OnnxModel m = stem(hw[0], hw[1], hw[2], ceil, false);
                Graph g = PassCheck.rewrite(m, FAST_PASSES);
                String what = hw[0] + "x" + hw[1] + "x" + hw[2] + ", ceil_mode " + ceil;
                assertEquals(List.of(FusedOps.FUSED_CONV_MAX_POOL, "FusedConv"), PassCheck.ops(g), what);
                Node fused = g.nodes().get(0);
                assertEquals(List.of("X", "W1", "B1"), fused.inputs(), what);
                assertTrue(!fused.attributes().containsKey(LayoutSelection.X_NHWC) && fused.attributes().containsKey(LayoutSelection.Y_NHWC), what);
                assertEquals("RELU", fused.attributes().get("activation").value(), what);
                assertTrue(fused.attributes().containsKey(FusedOps.POOL_PREFIX + "kernel_shape"), what);
                assertEquals(ceil ? 1L : 0L, fused.attributes().get(FusedOps.POOL_PREFIX + "ceil_mode").value(), what);
                PassCheck.sameOutputs(m, g, x, 1e-5);      // the reference binding: the two ops in turn
                PassCheck.sameOutputsFast(m, g, x, 1e-4);
            }
        }
    }

    @Test
    void aConvolutionWithAnotherReaderIsNotFused() {
        Graph g = PassCheck.rewrite(stem(23, 19, 32, false, true), FAST_PASSES);
        assertEquals(0, PassCheck.count(g, FusedOps.FUSED_CONV_MAX_POOL));
        assertEquals(1, PassCheck.count(g, "MaxPool"));
    }

    @Test
    void mapsThatFitInL2StaySeparateByDefault() {
        Graph g = PassCheck.rewrite(stem(23, 19, 32, false, false), StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)).toArray(new Pass[0]));
        assertEquals(List.of("FusedConv", "MaxPool", "FusedConv"), PassCheck.ops(g));
    }
}
