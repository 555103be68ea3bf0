package dev.lanes.graph.ops;

import static dev.lanes.graph.ops.FastVersusReference.assertSame;
import static dev.lanes.graph.ops.FastVersusReference.random;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fast bindings whose special cases the ONNX node tests do not reach, each against the reference
 * binding of the same model: the integer nearest upsample of FPNs (and a scale that must fall back),
 * lanes FusedConv with a residual and an activation, Gemm with a broadcast C and beta, MatMul whose B
 * is computed at run time.
 */
class FastBindingsTest {
    private static final DType F = DType.FLOAT32;



    private static OnnxModelBuilder resize(float[] scales, String nearestMode) {
        return new OnnxModelBuilder("up").opset(13)
                .input("X", F, 2, 3, 5, 7)
                .initializer("roi", Tensor.of(new float[0], 0))
                .initializer("scales", Tensor.of(scales, 4))
                .node("Resize").inputs("X", "roi", "scales").outputs("Y").attr("mode", "nearest")
                .attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", nearestMode).add()
                .outputUnknownRank("Y", F);
    }

    @Test
    void nearestUpsampleByIntegerScalesAndTheCasesThatFallBack() {
        Map<String, Tensor> in = Map.of("X", random(1, 2, 3, 5, 7));
        assertSame(resize(new float[] {1, 1, 2, 3}, "floor"), in, 2, 0);
        assertSame(resize(new float[] {1, 1, 8, 8}, "floor"), in, 2, 0);
        assertSame(resize(new float[] {1, 1, 1.5f, 2}, "floor"), in, 2, 0);
        assertSame(resize(new float[] {1, 1, 2, 2}, "round_prefer_ceil"), in, 2, 0);
    }

    @Test
    void fusedConvWithResidualAndActivation() {
        OnnxModelBuilder b = new OnnxModelBuilder("fused").opset(13).opset(FusedOps.DOMAIN, 1)
                .input("X", F, 1, 8, 9, 9).input("Z", F, 1, 16, 9, 9)
                .initializer("W", random(2, 16, 8, 3, 3)).initializer("B", random(3, 16))
                .node(FusedOps.FUSED_CONV).domain(FusedOps.DOMAIN).inputs("X", "W", "B", "Z").outputs("Y")
                .attrInts("pads", 1, 1, 1, 1).attr(FusedActivation.ACTIVATION, "HARD_SWISH")
                .attr(FusedActivation.ALPHA, 0f).attr(FusedActivation.BETA, 0f).add()
                .output("Y", F, 1, 16, 9, 9);
        assertSame(b, Map.of("X", random(4, 1, 8, 9, 9), "Z", random(5, 1, 16, 9, 9)), 2, 1e-5);
    }

    @Test
    void gemmWithBroadcastCAndBetaAndTransposedA() {
        OnnxModelBuilder b = new OnnxModelBuilder("gemm").opset(13)
                .input("A", F, 6, 4)
                .initializer("B", random(6, 6, 7)).initializer("C", random(7, 4, 1))
                .node("Gemm").inputs("A", "B", "C").outputs("Y").attr("transA", 1).attr("alpha", 0.5f).attr("beta", 2f).add()
                .output("Y", F, 4, 7);
        assertSame(b, Map.of("A", random(8, 6, 4)), 2, 1e-5);
    }

    @Test
    void matMulWithComputedWeightsAndBatchBroadcast() {
        OnnxModelBuilder b = new OnnxModelBuilder("mm").opset(13)
                .input("A", F, 2, 3, 5, 4).input("B", F, 3, 4, 6)
                .node("MatMul").inputs("A", "B").outputs("Y").add()
                .output("Y", F, 2, 3, 5, 6);
        assertSame(b, Map.of("A", random(9, 2, 3, 5, 4), "B", random(10, 3, 4, 6)), 2, 1e-5);
    }
}
