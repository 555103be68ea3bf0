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

class MatMulAddFusionTest {

    private static OnnxModel model(int[] a, Tensor bias, boolean biasFirst) {
        Object[] dims = java.util.Arrays.stream(a).boxed().toArray();
        return PassCheck.model(new OnnxModelBuilder("mm").opset(13)
                .input("A", F, dims)
                .initializer("W", PassCheck.random(21, a[a.length - 1], 5))
                .initializer("bias", bias)
                .node("MatMul").inputs("A", "W").outputs("p").add()
                .node("Add").inputs(biasFirst ? new String[] {"bias", "p"} : new String[] {"p", "bias"}).outputs("Y").add()
                .outputUnknownRank("Y", F));
    }

    @Test
    void batchedActivationsBecomeFusedMatMul() {
        OnnxModel m = model(new int[] {2, 3, 7}, PassCheck.random(22, 5), true);
        MatMulAddFusion pass = new MatMulAddFusion();
        Graph g = PassCheck.rewrite(m, pass);
        assertEquals(1, pass.fused());
        assertEquals(List.of(FusedOps.FUSED_MATMUL), PassCheck.ops(g));
        Map<String, Tensor> in = Map.of("A", PassCheck.random(23, 2, 3, 7));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void aMatrixBecomesGemmWithItsBias() {
        OnnxModel m = model(new int[] {4, 7}, PassCheck.random(24, 1, 5), false);
        Graph g = PassCheck.rewrite(m, new MatMulAddFusion());
        assertEquals(List.of("Gemm"), PassCheck.ops(g));
        Map<String, Tensor> in = Map.of("A", PassCheck.random(25, 4, 7));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void anAddThatIsNotAColumnBiasIsLeft() {
        for (Tensor bias : new Tensor[] {PassCheck.random(26, 4, 5), PassCheck.random(27, 5, 1), PassCheck.random(28, 1, 1, 1, 5)}) {
            OnnxModel m = model(new int[] {4, 7}, bias, false);
            MatMulAddFusion pass = new MatMulAddFusion();
            Graph g = PassCheck.rewrite(m, pass);
            assertEquals(0, pass.fused(), "bias " + java.util.Arrays.toString(bias.shape()));
            assertEquals(List.of("MatMul", "Add"), PassCheck.ops(g));
        }
    }

    @Test
    void computedWeightsAreLeft() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("mm").opset(13)
                .input("A", F, 4, 7).input("W", F, 7, 5)
                .initializer("bias", PassCheck.random(29, 5))
                .node("MatMul").inputs("A", "W").outputs("p").add()
                .node("Add").inputs("p", "bias").outputs("Y").add()
                .output("Y", F, 4, 5));
        MatMulAddFusion pass = new MatMulAddFusion();
        PassCheck.rewrite(m, pass);
        assertEquals(0, pass.fused());
    }
}
