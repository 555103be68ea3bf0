package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedAttentionFusionTest {

    /** A decoder block's attention on a KV cache: keys and values = Concat(past, new) along the sequence. */
    private static OnnxModelBuilder decoder(int b, int h, int s, int past, int d, boolean withMask, boolean scoresAlsoOutput) {
        int total = past + s;
        OnnxModelBuilder m = new OnnxModelBuilder("dec").opset(17)
                .input("q", F, b, h, s, d).input("k", F, b, h, s, d).input("v", F, b, h, s, d)
                .input("past_k", F, b, h, past, d).input("past_v", F, b, h, past, d)
                .initializer("c", PassCheck.scalar((float) Math.sqrt(d)))
                .node("Concat").inputs("past_k", "k").outputs("keys").attr("axis", 2L).add()
                .node("Concat").inputs("past_v", "v").outputs("values").attr("axis", 2L).add()
                .node("Transpose").inputs("keys").outputs("kt").attrInts("perm", 0, 1, 3, 2).add()
                .node("MatMul").inputs("q", "kt").outputs("s0").add()
                .node("Div").inputs("s0", "c").outputs("s1").add();
        String scores = "s1";
        if (withMask) {
            // Causal, bottom-right aligned, in the float32-minimum form exporters use.
            float[] mask = new float[s * total];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < total; j++) {
                    mask[i * total + j] = j <= past + i ? 0f : -Float.MAX_VALUE;
                }
            }
            m.initializer("mask", Tensor.of(mask, s, total)).node("Add").inputs("s1", "mask").outputs("s2").add();
            scores = "s2";
        }
        m.node("Softmax").inputs(scores).outputs("p").attr("axis", -1L).add()
                .node("MatMul").inputs("p", "values").outputs("Y").add()
                .outputUnknownRank("Y", F).outputUnknownRank("keys", F).outputUnknownRank("values", F);
        if (scoresAlsoOutput) {
            m.outputUnknownRank(scores, F);
        }
        return m;
    }

    private static Map<String, Tensor> inputs(int b, int h, int s, int past, int d, long seed) {
        return Map.of("q", PassCheck.random(seed, b, h, s, d), "k", PassCheck.random(seed + 1, b, h, s, d),
                "v", PassCheck.random(seed + 2, b, h, s, d), "past_k", PassCheck.random(seed + 3, b, h, past, d),
                "past_v", PassCheck.random(seed + 4, b, h, past, d));
    }

    private static void fusesAndAgrees(int b, int h, int s, int past, int d, boolean withMask, long seed) {
        OnnxModel m = PassCheck.model(decoder(b, h, s, past, d, withMask, false));
        CachedAttentionFusion pass = new CachedAttentionFusion();
        Graph g = PassCheck.rewrite(m, new ShapeInference(), pass);
        assertEquals(1, pass.fused());
        assertEquals(List.of("Concat", "Concat", "Attention"), PassCheck.ops(g));
        Node att = g.nodes().get(2);
        assertEquals(withMask ? List.of("q", "keys", "values", "mask") : List.of("q", "keys", "values"), att.inputs());
        assertEquals((float) (1 / Math.sqrt(d)), (float) att.attributes().get("scale").value(), 1e-7f);
        Map<String, Tensor> in = inputs(b, h, s, past, d, seed);
        PassCheck.sameOutputs(m, g, in, 1e-5);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void decodeStepBecomesAttentionOnTheCache() {
        fusesAndAgrees(1, 3, 1, 20, 16, true, 1);
        fusesAndAgrees(2, 2, 1, 7, 24, false, 11);
    }

    @Test
    void promptWithCausalMaskBecomesAttention() {
        fusesAndAgrees(1, 2, 5, 3, 8, true, 21);
        fusesAndAgrees(1, 2, 4, 0, 40, true, 31);
    }

    @Test
    void theProductAlreadyFoldedWithTransBFusesToo() {
        OnnxModel m = PassCheck.model(decoder(1, 2, 1, 9, 16, true, false));
        Graph g = PassCheck.rewrite(m, new TransposedMatMulFusion(), new ShapeInference());
        CachedAttentionFusion pass = new CachedAttentionFusion();
        g = pass.apply(g);
        assertEquals(1, pass.fused());
        assertEquals(List.of("Concat", "Concat", "Attention"), PassCheck.ops(g));
        Map<String, Tensor> in = inputs(1, 2, 1, 9, 16, 41);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void scoresReadElsewhereAreLeft() {
        OnnxModel m = PassCheck.model(decoder(1, 2, 1, 5, 8, true, true));
        CachedAttentionFusion pass = new CachedAttentionFusion();
        PassCheck.rewrite(m, new ShapeInference(), pass);
        assertEquals(0, pass.fused());
    }

    @Test
    void keysTransposedAnotherWayAreLeft() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("dec").opset(17)
                .input("q", F, 1, 2, 1, 8).input("keys", F, 1, 8, 2, 5).input("values", F, 1, 2, 5, 8)
                .node("Transpose").inputs("keys").outputs("kt").attrInts("perm", 0, 2, 1, 3).add()
                .node("MatMul").inputs("q", "kt").outputs("s0").add()
                .node("Softmax").inputs("s0").outputs("p").attr("axis", -1L).add()
                .node("MatMul").inputs("p", "values").outputs("Y").add()
                .outputUnknownRank("Y", F));
        CachedAttentionFusion pass = new CachedAttentionFusion();
        PassCheck.rewrite(m, new ShapeInference(), pass);
        assertEquals(0, pass.fused());
    }
}
