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

class GeluFusionTest {
    private static final Map<String, Tensor> X = Map.of("X", PassCheck.random(51, 3, 17));

    private static OnnxModelBuilder base() {
        return new OnnxModelBuilder("gelu").opset(13).input("X", F, 3, 17)
                .initializer("half", Tensor.scalar(0.5f)).initializer("one", Tensor.scalar(1f));
    }

    /** The three orders of 0.5 · x · (1 + f). */
    private static OnnxModelBuilder product(OnnxModelBuilder b, String f, int order) {
        b.node("Add").inputs("one", f).outputs("a").add();
        return switch (order) {
            case 0 -> b.node("Mul").inputs("X", "a").outputs("m").add().node("Mul").inputs("m", "half").outputs("Y").add();
            case 1 -> b.node("Mul").inputs("X", "half").outputs("m").add().node("Mul").inputs("m", "a").outputs("Y").add();
            default -> b.node("Mul").inputs("a", "half").outputs("m").add().node("Mul").inputs("X", "m").outputs("Y").add();
        };
    }

    private static OnnxModel erfForm(int order, float root2) {
        OnnxModelBuilder b = base().initializer("r2", Tensor.scalar(root2))
                .node("Div").inputs("X", "r2").outputs("d").add()
                .node("Erf").inputs("d").outputs("e").add();
        return PassCheck.model(product(b, "e", order).output("Y", F, 3, 17));
    }

    @Test
    void erfFormInEveryProductOrderBecomesGelu() {
        for (int order = 0; order < 3; order++) {
            OnnxModel m = erfForm(order, 1.4142135f);
            GeluFusion pass = new GeluFusion();
            Graph g = PassCheck.rewrite(m, pass, new DeadNodeElimination());
            assertEquals(List.of("Gelu"), PassCheck.ops(g), "order " + order);
            assertEquals("none", g.nodes().get(0).attributes().get("approximate").value());
            PassCheck.sameOutputs(m, g, X, 1e-6);
            PassCheck.sameOutputsFast(m, g, X, 1e-6);
        }
    }

    @Test
    void tanhFormBecomesGeluTanh() {
        for (boolean pow : new boolean[] {true, false}) {
            OnnxModelBuilder b = base().initializer("three", Tensor.scalar(3f)).initializer("k", Tensor.scalar(0.044715f))
                    .initializer("c", Tensor.scalar((float) Math.sqrt(2 / Math.PI)));
            if (pow) {
                b.node("Pow").inputs("X", "three").outputs("x3").add();
            } else {
                b.node("Mul").inputs("X", "X").outputs("x2").add().node("Mul").inputs("x2", "X").outputs("x3").add();
            }
            b.node("Mul").inputs("x3", "k").outputs("t").add()
                    .node("Add").inputs("X", "t").outputs("inner").add()
                    .node("Mul").inputs("c", "inner").outputs("u").add()
                    .node("Tanh").inputs("u").outputs("th").add();
            OnnxModel m = PassCheck.model(product(b, "th", 0).output("Y", F, 3, 17));
            Graph g = PassCheck.rewrite(m, new GeluFusion(), new DeadNodeElimination());
            assertEquals(List.of("Gelu"), PassCheck.ops(g), pow ? "Pow" : "x·x·x");
            assertEquals("tanh", g.nodes().get(0).attributes().get("approximate").value());
            PassCheck.sameOutputs(m, g, X, 1e-6);
        }
    }

    @Test
    void aWrongConstantIsNotGelu() {
        GeluFusion pass = new GeluFusion();
        PassCheck.rewrite(erfForm(0, 1.3f), pass);
        assertEquals(0, pass.fused());
    }
}
