package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.ops.FusedOps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResidualAddFusionTest {

    @Test
    void transformerSublayerResidualJoinsTheMatMulEpilogue() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("sublayer").opset(13)
                .input("X", F, 2, 5, 8)
                .initializer("W", PassCheck.random(91, 8, 8)).initializer("b", PassCheck.random(92, 8))
                .node("MatMul").inputs("X", "W").outputs("p").add()
                .node("Add").inputs("b", "p").outputs("h").add()
                .node("Add").inputs("X", "h").outputs("Y").add()            // residual: the block's input, first operand
                .output("Y", F, 2, 5, 8));
        ResidualAddFusion pass = new ResidualAddFusion();
        Graph g = PassCheck.rewrite(m, new ShapeInference(), new MatMulAddFusion(), pass);
        assertEquals(1, pass.fused());
        assertEquals(List.of(FusedOps.FUSED_MATMUL), PassCheck.ops(g));
        assertEquals(4, g.nodes().get(0).inputs().size(), "A, W, bias, Z");
        Map<String, Tensor> in = Map.of("X", PassCheck.random(93, 2, 5, 8));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void resNetStyleConvResidualThenReluBecomesOneFusedConv() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("block").opset(13)
                .input("X", F, 1, 8, 6, 6)
                .initializer("W", PassCheck.random(94, 8, 8, 3, 3)).initializer("B", PassCheck.random(95, 8))
                .node("Conv").inputs("X", "W", "B").outputs("c").attrInts("pads", 1, 1, 1, 1).add()
                .node("Add").inputs("c", "X").outputs("s").add()
                .node("Relu").inputs("s").outputs("Y").add()
                .output("Y", F, 1, 8, 6, 6));
        Graph g = PassCheck.rewrite(m, new ShapeInference(), new ResidualAddFusion(), new ActivationFusion());
        assertEquals(List.of(FusedOps.FUSED_CONV), PassCheck.ops(g));
        Map<String, Tensor> in = Map.of("X", PassCheck.random(96, 1, 8, 6, 6));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void anAddThatBroadcastsOrFollowsAnActivationIsLeft() {
        OnnxModel broadcast = PassCheck.model(new OnnxModelBuilder("bc").opset(13)
                .input("X", F, 2, 5, 8).input("Z", F, 5, 8)
                .initializer("W", PassCheck.random(97, 8, 8))
                .node("MatMul").inputs("X", "W").outputs("p").add()
                .node("Add").inputs("p", "Z").outputs("Y").add()
                .output("Y", F, 2, 5, 8));
        OnnxModel afterAct = PassCheck.model(new OnnxModelBuilder("act").opset(13)
                .input("X", F, 1, 8, 6, 6)
                .initializer("W", PassCheck.random(98, 8, 8, 1, 1))
                .node("Conv").inputs("X", "W").outputs("c").add()
                .node("Relu").inputs("c").outputs("r").add()
                .node("Add").inputs("r", "X").outputs("Y").add()
                .output("Y", F, 1, 8, 6, 6));
        for (OnnxModel m : List.of(broadcast, afterAct)) {
            ResidualAddFusion pass = new ResidualAddFusion();
            PassCheck.rewrite(m, new ShapeInference(), new ActivationFusion(), pass);
            assertEquals(0, pass.fused());
        }
    }
}
