package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivationFusionTest {
    private static final Map<String, Tensor> X = Map.of("X", PassCheck.random(31, 1, 4, 5, 5));

    private static OnnxModelBuilder conv() {
        return new OnnxModelBuilder("act").opset(13)
                .input("X", F, 1, 4, 5, 5)
                .initializer("W", PassCheck.random(32, 6, 4, 1, 1))
                .initializer("B", PassCheck.random(33, 6))
                .node("Conv").inputs("X", "W", "B").outputs("c").add();
    }

    @Test
    void everyEpilogueActivationFusesIntoConv() {
        String[][] acts = {{"Relu"}, {"Sigmoid"}, {"Tanh"}, {"HardSwish"}, {"LeakyRelu"}, {"HardSigmoid"}, {"Gelu"}};
        for (String[] a : acts) {
            OnnxModelBuilder b = conv().opset(20);
            var node = b.node(a[0]).inputs("c").outputs("Y");
            if (a[0].equals("LeakyRelu")) {
                node.attr("alpha", 0.2f);
            }
            OnnxModel m = PassCheck.model(node.add().output("Y", F, 1, 6, 5, 5));
            ActivationFusion pass = new ActivationFusion();
            Graph g = PassCheck.rewrite(m, pass);
            assertEquals(List.of(FusedOps.FUSED_CONV), PassCheck.ops(g), a[0]);
            PassCheck.sameOutputs(m, g, X, 1e-6);
            PassCheck.sameOutputsFast(m, g, X, 1e-5);
        }
    }

    @Test
    void clipWithConstantBoundsFusesIntoGemm() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("gemm").opset(13)
                .input("A", F, 3, 4)
                .initializer("B", PassCheck.random(34, 5, 4))
                .initializer("C", PassCheck.random(35, 5))
                .initializer("lo", Tensor.scalar(0f)).initializer("hi", Tensor.scalar(6f))
                .node("Gemm").inputs("A", "B", "C").outputs("g").attr("transB", 1).attr("alpha", 4f).add()
                .node("Clip").inputs("g", "lo", "hi").outputs("Y").add()
                .output("Y", F, 3, 5));
        Graph g = PassCheck.rewrite(m, new ActivationFusion());
        assertEquals(List.of(FusedOps.FUSED_GEMM), PassCheck.ops(g));
        assertEquals("CLIP", g.nodes().get(0).attributes().get(FusedActivation.ACTIVATION).value());
        Map<String, Tensor> in = Map.of("A", PassCheck.random(36, 3, 4));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void geluFusesIntoFusedMatMulAfterTheBias() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("ffn").opset(20)
                .input("A", F, 2, 3, 8)
                .initializer("W", PassCheck.random(37, 8, 16))
                .initializer("b", PassCheck.random(38, 16))
                .node("MatMul").inputs("A", "W").outputs("p").add()
                .node("Add").inputs("b", "p").outputs("h").add()
                .node("Gelu").inputs("h").outputs("Y").add()
                .output("Y", F, 2, 3, 16));
        Graph g = PassCheck.rewrite(m, new MatMulAddFusion(), new ActivationFusion());
        assertEquals(List.of(FusedOps.FUSED_MATMUL), PassCheck.ops(g));
        Map<String, Tensor> in = Map.of("A", PassCheck.random(39, 2, 3, 8));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void notFusedWhenTheProductHasAnotherReaderOrTheActivationIsNotAnEpilogueOne() {
        OnnxModel shared = PassCheck.model(conv()
                .node("Relu").inputs("c").outputs("r").add()
                .node("Add").inputs("r", "c").outputs("Y").add()
                .output("Y", F, 1, 6, 5, 5));
        OnnxModel elu = PassCheck.model(conv().node("Elu").inputs("c").outputs("Y").add().output("Y", F, 1, 6, 5, 5));
        OnnxModel computedClip = PassCheck.model(conv().input("hi", F)
                .node("Clip").inputs("c", "", "hi").outputs("Y").add().output("Y", F, 1, 6, 5, 5));
        for (OnnxModel m : List.of(shared, elu, computedClip)) {
            ActivationFusion pass = new ActivationFusion();
            PassCheck.rewrite(m, pass);
            assertEquals(0, pass.fused());
        }
    }
}
