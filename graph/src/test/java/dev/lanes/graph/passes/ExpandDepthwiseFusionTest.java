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

class ExpandDepthwiseFusionTest {
    private static final Pass[] FAST_PASSES = StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(Backend.FAST)).toArray(new Pass[0]);

    /**
     * stem 3x3 → ReLU → expand 1x1 (C channels) → Clip(0, 6) → depthwise 3x3 (stride s) → Clip(0, 6) → project 1x1:
     * the expand's X arrives in NHWC from the stem, so the fast backend can run the fused strip kernel.
     */
    private static OnnxModel block(int c, int stride, boolean secondReader) {
        OnnxModelBuilder b = new OnnxModelBuilder("block").opset(14)
                .input("X", F, 1, 3, 11, 9)
                .initializer("Ws", PassCheck.random(1, 8, 3, 3, 3)).initializer("Bs", PassCheck.random(2, 8))
                .initializer("We", PassCheck.random(3, c, 8, 1, 1)).initializer("Be", PassCheck.random(4, c))
                .initializer("Wd", PassCheck.random(5, c, 1, 3, 3))
                .initializer("Wp", PassCheck.random(6, 8, c, 1, 1)).initializer("Bp", PassCheck.random(7, 8))
                .initializer("lo", Tensor.scalar(0f)).initializer("hi", Tensor.scalar(6f))
                .node("Conv").inputs("X", "Ws", "Bs").outputs("s").attrInts("pads", 1, 1, 1, 1).add()
                .node("Relu").inputs("s").outputs("r").add()
                .node("Conv").inputs("r", "We", "Be").outputs("e").add()
                .node("Clip").inputs("e", "lo", "hi").outputs("e6").add()
                .node("Conv").inputs("e6", "Wd").outputs("d").attrInts("pads", 1, 1, 1, 1).attrInts("strides", stride, stride)
                        .attr("group", (long) c).add()
                .node("Clip").inputs("d", "lo", "hi").outputs("d6").add()
                .node("Conv").inputs("d6", "Wp", "Bp").outputs("p").add();
        int oh = (11 + 2 - 3) / stride + 1, ow = (9 + 2 - 3) / stride + 1;
        if (secondReader) {
            // the expanded map is also pooled: it must stay a value of its own
            b.node("GlobalAveragePool").inputs("e6").outputs("g").add().output("g", F, 1, c, 1, 1);
        }
        return PassCheck.model(b.node("Relu").inputs("p").outputs("Y").add().output("Y", F, 1, 8, oh, ow));
    }

    @Test
    void expandAndDepthwiseBecomeOneNode() {
        Map<String, Tensor> x = Map.of("X", PassCheck.random(8, 1, 3, 11, 9));
        // 32 channels: a multiple of every vector length (the strip kernel); 24: not of 512 bits' 16 (the two layers in turn)
        for (int c : List.of(32, 24)) {
            for (int stride : List.of(1, 2)) {
                OnnxModel m = block(c, stride, false);
                Graph g = PassCheck.rewrite(m, FAST_PASSES);
                assertEquals(List.of("FusedConv", FusedOps.FUSED_EXPAND_DEPTHWISE, "FusedConv"), PassCheck.ops(g), c + " channels, stride " + stride);
                Node fused = g.nodes().get(1);
                assertEquals(List.of("We", "Be", "Wd", ""), fused.inputs().subList(1, 5), "the expand's W and B, then the depthwise's");
                assertTrue(fused.attributes().containsKey(LayoutSelection.X_NHWC) && fused.attributes().containsKey(LayoutSelection.Y_NHWC));
                assertEquals("CLIP", fused.attributes().get(FusedOps.EXPAND_PREFIX + "activation").value());
                PassCheck.sameOutputs(m, g, x, 1e-5);      // the reference binding: the two convolutions in turn
                PassCheck.sameOutputsFast(m, g, x, 1e-4);
            }
        }
    }

    @Test
    void anExpandedMapWithAnotherReaderIsNotFused() {
        OnnxModel m = block(32, 1, true);
        Graph g = PassCheck.rewrite(m, FAST_PASSES);
        assertTrue(g.nodes().stream().noneMatch(n -> n.opType().equals(FusedOps.FUSED_EXPAND_DEPTHWISE)), PassCheck.ops(g).toString());
    }
}
