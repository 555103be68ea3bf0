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

class LayerNormFusionTest {
    private static final Map<String, Tensor> X = Map.of("X", PassCheck.random(61, 2, 5, 12));

    private static OnnxModel decomposed(boolean pow, boolean scale, boolean bias, long axis, Object lastDim) {
        OnnxModelBuilder b = new OnnxModelBuilder("ln").opset(13)
                .input("X", F, "batch", 5, lastDim)
                .initializer("two", Tensor.scalar(2f)).initializer("eps", Tensor.scalar(1e-5f))
                .initializer("gamma", PassCheck.random(62, 12)).initializer("beta", PassCheck.random(63, 1, 12))
                .node("ReduceMean").inputs("X").outputs("mean").attrInts("axes", axis).add()
                .node("Sub").inputs("X", "mean").outputs("d").add();
        if (pow) {
            b.node("Pow").inputs("d", "two").outputs("sq").add();
        } else {
            b.node("Mul").inputs("d", "d").outputs("sq").add();
        }
        b.node("ReduceMean").inputs("sq").outputs("var").attrInts("axes", axis).add()
                .node("Add").inputs("var", "eps").outputs("ve").add()
                .node("Sqrt").inputs("ve").outputs("sd").add()
                .node("Div").inputs("d", "sd").outputs(scale || bias ? "n" : "Y").add();
        if (scale) {
            b.node("Mul").inputs("n", "gamma").outputs(bias ? "s" : "Y").add();
        }
        if (bias) {
            b.node("Add").inputs(scale ? "s" : "n", "beta").outputs("Y").add();
        }
        return PassCheck.model(b.output("Y", F, "batch", 5, lastDim));
    }

    @Test
    void decomposedLayerNormBecomesLayerNormalization() {
        boolean[][] variants = {{true, true, true}, {false, true, true}, {true, false, false}, {true, true, false}, {true, false, true}};
        for (boolean[] v : variants) {
            OnnxModel m = decomposed(v[0], v[1], v[2], -1, 12);
            LayerNormFusion pass = new LayerNormFusion();
            Graph g = PassCheck.rewrite(m, pass, new DeadNodeElimination());
            String what = "pow " + v[0] + ", scale " + v[1] + ", bias " + v[2];
            assertEquals(List.of("LayerNormalization"), PassCheck.ops(g), what);
            PassCheck.sameOutputs(m, g, X, 1e-5);
            PassCheck.sameOutputsFast(m, g, X, 1e-5);
        }
    }

    @Test
    void aSymbolicLastDimStillFusesWhenTheScaleGivesItsLength() {
        OnnxModel m = decomposed(true, true, true, 2, "hidden");
        Graph g = PassCheck.rewrite(m, new LayerNormFusion(), new DeadNodeElimination());
        assertEquals(List.of("LayerNormalization"), PassCheck.ops(g));
        PassCheck.sameOutputs(m, g, X, 1e-5);
    }

    @Test
    void normalisingAnotherAxisIsLeft() {
        LayerNormFusion pass = new LayerNormFusion();
        PassCheck.rewrite(decomposed(true, true, true, 1, 12), pass);
        assertEquals(0, pass.fused());
    }
}
