package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ConvBatchNormFold} and {@link ConvScaleShiftFold}. */
class ConvFoldsTest {
    private static final Map<String, Tensor> X = Map.of("X", PassCheck.random(11, 2, 3, 7, 6));

    private static OnnxModelBuilder conv(boolean bias) {
        OnnxModelBuilder b = new OnnxModelBuilder("conv").opset(13)
                .input("X", F, 2, 3, 7, 6)
                .initializer("W", PassCheck.random(12, 4, 3, 3, 3));
        if (bias) {
            b.initializer("B", PassCheck.random(13, 4));
        }
        return b.node("Conv").inputs(bias ? new String[] {"X", "W", "B"} : new String[] {"X", "W"}).outputs("c")
                .attrInts("pads", 1, 1, 1, 1).attrInts("kernel_shape", 3, 3).add();
    }

    private static OnnxModelBuilder batchNorm(OnnxModelBuilder b, String in, String out) {
        return b.initializer("s", PassCheck.random(14, 4)).initializer("t", PassCheck.random(15, 4))
                .initializer("mu", PassCheck.random(16, 4)).initializer("var", PassCheck.positive(17, 4))
                .node("BatchNormalization").inputs(in, "s", "t", "mu", "var").outputs(out).attr("epsilon", 1e-3f).add();
    }

    @Test
    void batchNormFoldsIntoConvWithAndWithoutBias() {
        for (boolean bias : new boolean[] {true, false}) {
            OnnxModel m = PassCheck.model(batchNorm(conv(bias), "c", "Y").output("Y", F, 2, 4, 7, 6));
            ConvBatchNormFold pass = new ConvBatchNormFold();
            Graph g = PassCheck.rewrite(m, pass, new DeadNodeElimination());
            assertEquals(1, pass.fused());
            assertEquals(List.of("Conv"), PassCheck.ops(g));
            assertEquals(3, g.nodes().get(0).inputs().size(), "the folded conv has a bias");
            PassCheck.sameOutputs(m, g, X, 1e-5);
            PassCheck.sameOutputsFast(m, g, X, 1e-4);
        }
    }

    @Test
    void batchNormIsLeftWhenTheConvOutputHasAnotherReader() {
        OnnxModel m = PassCheck.model(batchNorm(conv(true), "c", "bn")
                .node("Add").inputs("bn", "c").outputs("Y").add()
                .output("Y", F, 2, 4, 7, 6));
        ConvBatchNormFold pass = new ConvBatchNormFold();
        Graph g = PassCheck.rewrite(m, pass);
        assertEquals(0, pass.fused());
        assertEquals(List.of("Conv", "BatchNormalization", "Add"), PassCheck.ops(g));
    }

    @Test
    void batchNormWithComputedStatisticsIsLeft() {
        OnnxModel m = PassCheck.model(conv(true)
                .input("mu", F, 4)
                .initializer("s", PassCheck.random(14, 4)).initializer("t", PassCheck.random(15, 4))
                .initializer("var", PassCheck.positive(17, 4))
                .node("BatchNormalization").inputs("c", "s", "t", "mu", "var").outputs("Y").add()
                .output("Y", F, 2, 4, 7, 6));
        ConvBatchNormFold pass = new ConvBatchNormFold();
        PassCheck.rewrite(m, pass);
        assertEquals(0, pass.fused());
    }

    @Test
    void scalarAndPerChannelScaleAndShiftFold() {
        OnnxModel m = PassCheck.model(conv(true)
                .initializer("k", Tensor.of(new float[] {0.75f}, 1))
                .initializer("shift", PassCheck.random(18, 1, 4, 1, 1))
                .node("Mul").inputs("k", "c").outputs("scaled").add()      // constant first, as Paddle writes it
                .node("Add").inputs("scaled", "shift").outputs("Y").add()
                .output("Y", F, 2, 4, 7, 6));
        ConvScaleShiftFold pass = new ConvScaleShiftFold();
        Graph g = PassCheck.rewrite(m, pass, new DeadNodeElimination());
        assertEquals(2, pass.fused());
        assertEquals(List.of("Conv"), PassCheck.ops(g));
        PassCheck.sameOutputs(m, g, X, 1e-5);
        PassCheck.sameOutputsFast(m, g, X, 1e-4);
    }

    @Test
    void aConstantThatBroadcastsAlongWidthIsNotFolded() {
        OnnxModel m = PassCheck.model(conv(true)
                .initializer("k", PassCheck.random(19, 6))
                .node("Mul").inputs("c", "k").outputs("Y").add()
                .output("Y", F, 2, 4, 7, 6));
        ConvScaleShiftFold pass = new ConvScaleShiftFold();
        Graph g = PassCheck.rewrite(m, pass);
        assertEquals(0, pass.fused());
        assertEquals(List.of("Conv", "Mul"), PassCheck.ops(g));
    }

    @Test
    void groupedConvTransposeTakesItsBiasAddAndBatchNorm() {
        OnnxModel m = PassCheck.model(batchNorm(new OnnxModelBuilder("up").opset(13)
                .input("X", F, 1, 6, 5, 5)
                .initializer("Wt", PassCheck.random(30, 6, 2, 2, 2))                 // [C, M/group, k, k], group 2 → M = 4
                .initializer("bias", PassCheck.random(31, 1, 4, 1, 1))
                .node("ConvTranspose").inputs("X", "Wt").outputs("ct").attr("group", 2).attrInts("strides", 2, 2).add()
                .node("Add").inputs("ct", "bias").outputs("c").add(), "c", "Y")
                .output("Y", F, 1, 4, 10, 10));
        Graph g = PassCheck.rewrite(m, new ConvScaleShiftFold(), new ConvBatchNormFold(), new DeadNodeElimination());
        assertEquals(List.of("ConvTranspose"), PassCheck.ops(g));
        Map<String, Tensor> in = Map.of("X", PassCheck.random(32, 1, 6, 5, 5));
        PassCheck.sameOutputs(m, g, in, 1e-5);
        PassCheck.sameOutputsFast(m, g, in, 1e-4);
    }
}
