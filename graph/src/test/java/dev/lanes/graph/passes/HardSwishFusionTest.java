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

class HardSwishFusionTest {
    private static final Map<String, Tensor> X = Map.of("X", scaled(PassCheck.random(41, 2, 3, 4, 5), 5));

    private static Tensor scaled(Tensor t, float k) {
        float[] v = t.floats();
        for (int i = 0; i < v.length; i++) {
            v[i] *= k;
        }
        return t;
    }

    /** x·Clip(x+3, 0, 6) then ÷6 (or ·1/6), with the six applied before or after the product. */
    private static OnnxModel clipForm(float three, boolean divide, boolean sixFirst) {
        OnnxModelBuilder b = new OnnxModelBuilder("hs").opset(11)
                .input("X", F, 2, 3, 4, 5)
                .initializer("three", Tensor.scalar(three)).initializer("zero", Tensor.scalar(0f))
                .initializer("six", Tensor.scalar(6f)).initializer("sixth", Tensor.scalar(1f / 6))
                .node("Add").inputs("X", "three").outputs("a").add()
                .node("Clip").inputs("a", "zero", "six").outputs("c").add();
        if (sixFirst) {
            b.node(divide ? "Div" : "Mul").inputs("c", divide ? "six" : "sixth").outputs("d").add()
                    .node("Mul").inputs("d", "X").outputs("Y").add();
        } else {
            b.node("Mul").inputs("X", "c").outputs("m").add()
                    .node(divide ? "Div" : "Mul").inputs("m", divide ? "six" : "sixth").outputs("Y").add();
        }
        return PassCheck.model(b.output("Y", F, 2, 3, 4, 5));
    }

    @Test
    void clipSpellingsBecomeHardSwish() {
        for (boolean divide : new boolean[] {true, false}) {
            for (boolean sixFirst : new boolean[] {true, false}) {
                OnnxModel m = clipForm(3f, divide, sixFirst);
                Graph g = PassCheck.rewrite(m, new HardSwishFusion(), new DeadNodeElimination());
                assertEquals(List.of("HardSwish"), PassCheck.ops(g), "divide " + divide + ", six first " + sixFirst);
                PassCheck.sameOutputs(m, g, X, 1e-6);
                PassCheck.sameOutputsFast(m, g, X, 1e-6);
            }
        }
    }

    @Test
    void xTimesHardSigmoidBecomesHardSwish() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("hs").opset(11)
                .input("X", F, 2, 3, 4, 5)
                .node("HardSigmoid").inputs("X").outputs("h").attr("alpha", 1f / 6).attr("beta", 0.5f).add()
                .node("Mul").inputs("h", "X").outputs("Y").add()
                .output("Y", F, 2, 3, 4, 5));
        Graph g = PassCheck.rewrite(m, new HardSwishFusion());
        assertEquals(List.of("HardSwish"), PassCheck.ops(g));
        PassCheck.sameOutputs(m, g, X, 1e-6);
    }

    @Test
    void otherConstantsOrAnotherOperandAreLeft() {
        HardSwishFusion pass = new HardSwishFusion();
        PassCheck.rewrite(clipForm(2f, true, false), pass);
        assertEquals(0, pass.fused(), "x + 2 is not hard-swish");
        OnnxModel se = PassCheck.model(new OnnxModelBuilder("se").opset(11)
                .input("X", F, 2, 3, 4, 5).input("Z", F, 2, 3, 4, 5)
                .node("HardSigmoid").inputs("Z").outputs("h").attr("alpha", 1f / 6).attr("beta", 0.5f).add()
                .node("Mul").inputs("h", "X").outputs("Y").add()
                .output("Y", F, 2, 3, 4, 5));
        PassCheck.rewrite(se, pass);
        assertEquals(0, pass.fused(), "x · HardSigmoid(z) is a gate, not hard-swish");
    }
}
