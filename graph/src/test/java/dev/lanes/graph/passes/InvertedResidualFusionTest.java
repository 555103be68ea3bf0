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

class InvertedResidualFusionTest {
    /** The fast backend's passes, the fusion taking maps of any size (these are small). */
    private static final Pass[] FAST_PASSES = StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)).stream()
            .map(p -> p instanceof InvertedResidualFusion ? new InvertedResidualFusion(0) : p).toArray(Pass[]::new);

    /**
     * stem 3x3 → ReLU → expand 1x1 (C channels) → Clip(0, 6) → depthwise 3x3 (stride s) → Clip(0, 6) → project 1x1
     * (+ the stem's output when {@code residual}, stride 1) → ReLU → 1x1: the block's X arrives in NHWC from the stem and
     * its Y leaves in NHWC, so the fast backend can run the fused strip kernel. {@code secondReader}: the expanded map is also pooled.
     */
    private static OnnxModel block(int c, int stride, boolean expand, boolean residual, boolean secondReader) {
        int stem = expand ? 8 : c;   // without an expand the depthwise reads the stem's channels
        OnnxModelBuilder b = new OnnxModelBuilder("block").opset(14)
                .input("X", F, 1, 3, 11, 9)
                .initializer("Ws", PassCheck.random(1, stem, 3, 3, 3)).initializer("Bs", PassCheck.random(2, stem))
                .initializer("Wd", PassCheck.random(5, c, 1, 3, 3))
                .initializer("Wp", PassCheck.random(6, stem, c, 1, 1)).initializer("Bp", PassCheck.random(7, stem))
                .initializer("lo", Tensor.scalar(0f)).initializer("hi", Tensor.scalar(6f))
                .node("Conv").inputs("X", "Ws", "Bs").outputs("s").attrInts("pads", 1, 1, 1, 1).add()
                .node("Relu").inputs("s").outputs("r").add();
        String dIn = "r";
        if (expand) {
            b.initializer("We", PassCheck.random(3, c, stem, 1, 1)).initializer("Be", PassCheck.random(4, c))
                    .node("Conv").inputs("r", "We", "Be").outputs("e").add().node("Clip").inputs("e", "lo", "hi").outputs("e6").add();
            dIn = "e6";
        }
        b.node("Conv").inputs(dIn, "Wd").outputs("d").attrInts("pads", 1, 1, 1, 1).attrInts("strides", stride, stride)
                        .attr("group", (long) c).add()
                .node("Clip").inputs("d", "lo", "hi").outputs("d6").add()
                .node("Conv").inputs("d6", "Wp", "Bp").outputs("p").add();
        String last = "p";
        if (residual) {
            b.node("Add").inputs("p", "r").outputs("a").add();
            last = "a";
        }
        int oh = (11 + 2 - 3) / stride + 1, ow = (9 + 2 - 3) / stride + 1;
        if (secondReader) {
            b.node("GlobalAveragePool").inputs(dIn).outputs("g").add().output("g", F, 1, c, 1, 1);
        }
        return PassCheck.model(b.node("Relu").inputs(last).outputs("q").add()
                .initializer("Wf", PassCheck.random(11, 4, stem, 1, 1)).node("Conv").inputs("q", "Wf").outputs("Y").add()
                .output("Y", F, 1, 4, oh, ow));
    }

    @Test
    void expandDepthwiseAndProjectionBecomeOneNode() {
        Map<String, Tensor> x = Map.of("X", PassCheck.random(8, 1, 3, 11, 9));
        // 32 channels: a multiple of every vector length (the strip kernel); 24: not of 512 bits' 16 (the layers in turn)
        for (int c : List.of(32, 24)) {
            for (int stride : List.of(1, 2)) {
                boolean residual = stride == 1 && c == 32;
                OnnxModel m = block(c, stride, true, residual, false);
                Graph g = PassCheck.rewrite(m, FAST_PASSES);
                String what = c + " channels, stride " + stride;
                assertEquals(List.of("FusedConv", FusedOps.FUSED_INVERTED_RESIDUAL, "FusedConv"), PassCheck.ops(g), what);
                Node fused = g.nodes().get(1);
                assertEquals(List.of("We", "Be", "Wd", "", "Wp", "Bp"), fused.inputs().subList(1, 7), what);
                assertEquals(residual ? 8 : 7, fused.inputs().size(), what + ": the residual last");
                assertTrue(fused.attributes().containsKey(LayoutSelection.X_NHWC) && fused.attributes().containsKey(LayoutSelection.Y_NHWC));
                assertEquals("CLIP", fused.attributes().get(FusedOps.EXPAND_PREFIX + "activation").value());
                assertEquals("RELU", fused.attributes().get(FusedOps.PROJECT_PREFIX + "activation").value());
                PassCheck.sameOutputs(m, g, x, 1e-5);      // the reference binding: the layers in turn
                PassCheck.sameOutputsFast(m, g, x, 1e-4);
            }
        }
    }

    @Test
    void aDepthwiseAndItsProjectionBecomeOneNode() {
        Map<String, Tensor> x = Map.of("X", PassCheck.random(9, 1, 3, 11, 9));
        OnnxModel m = block(32, 1, false, true, false);
        Graph g = PassCheck.rewrite(m, FAST_PASSES);
        assertEquals(List.of("FusedConv", FusedOps.FUSED_INVERTED_RESIDUAL, "FusedConv"), PassCheck.ops(g));
        assertEquals(List.of("", "", "Wd", "", "Wp", "Bp"), g.nodes().get(1).inputs().subList(1, 7));
        PassCheck.sameOutputs(m, g, x, 1e-5);
        PassCheck.sameOutputsFast(m, g, x, 1e-4);
    }

    /** stem 3x3 → ReLU → depthwise → projection: the stem takes the expand's place and reads the image in NCHW. */
    @Test
    void aStemDepthwiseAndProjectionBecomeOneNode() {
        Map<String, Tensor> x = Map.of("X", PassCheck.random(12, 1, 3, 11, 9));
        OnnxModel m = block(32, 2, false, false, false);
        Graph g = PassCheck.rewrite(m, FAST_PASSES);
        assertEquals(List.of(FusedOps.FUSED_INVERTED_RESIDUAL, "FusedConv"), PassCheck.ops(g));
        Node fused = g.nodes().get(0);
        assertEquals(List.of("X", "Ws", "Bs", "Wd", "", "Wp", "Bp"), fused.inputs());
        assertTrue(!fused.attributes().containsKey(LayoutSelection.X_NHWC) && fused.attributes().containsKey(LayoutSelection.Y_NHWC));
        assertTrue(fused.attributes().containsKey(FusedOps.EXPAND_PREFIX + "pads"), "the stem's window attributes");
        PassCheck.sameOutputs(m, g, x, 1e-5);
        PassCheck.sameOutputsFast(m, g, x, 1e-4);
    }

    @Test
    void mapsThatFitInL2StaySeparateLayersByDefault() {
        OnnxModel m = block(32, 1, true, false, false);
        Graph g = PassCheck.rewrite(m, StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)).toArray(new Pass[0]));
        assertEquals(List.of("FusedConv", "FusedConv", "FusedConv", "FusedConv", "FusedConv"), PassCheck.ops(g));
    }

    @Test
    void anExpandedMapWithAnotherReaderIsNotFusedWithItsExpand() {
        OnnxModel m = block(32, 1, true, false, true);
        Graph g = PassCheck.rewrite(m, FAST_PASSES);
        Node fused = g.nodes().stream().filter(n -> n.opType().equals(FusedOps.FUSED_INVERTED_RESIDUAL)).findFirst().orElseThrow();
        assertEquals("", fused.input(1), "the expand stays a node of its own: " + PassCheck.ops(g));
        PassCheck.sameOutputsFast(m, g, Map.of("X", PassCheck.random(10, 1, 3, 11, 9)), 1e-4);
    }
}
