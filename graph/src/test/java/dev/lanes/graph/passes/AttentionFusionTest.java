package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttentionFusionTest {
    static final int B = 2, S = 5, H = 3, D = 4, HID = H * D;

    /**
     * BERT self-attention as exported: q/k/v projections, head split, scores ÷ √d + additive mask,
     * softmax, ·V, heads merged. {@code shapeChain} computes the Reshape targets from Shape() as
     * PyTorch does (so that only a plan specialised for the input shape has constant targets).
     */
    static OnnxModelBuilder bert(boolean mask, String softmaxAxis, boolean shapeChain) {
        OnnxModelBuilder b = new OnnxModelBuilder("attn").opset(13)
                .input("X", F, shapeChain ? "batch" : B, shapeChain ? "seq" : S, HID)
                .initializer("Wq", PassCheck.random(71, HID, HID)).initializer("Wk", PassCheck.random(72, HID, HID))
                .initializer("Wv", PassCheck.random(73, HID, HID))
                .initializer("split", PassCheck.longs(B, S, H, D)).initializer("merge", PassCheck.longs(B, S, HID))
                .initializer("c", Tensor.scalar((float) Math.sqrt(D)))
                .node("MatMul").inputs("X", "Wq").outputs("q").add()
                .node("MatMul").inputs("X", "Wk").outputs("k").add()
                .node("MatMul").inputs("X", "Wv").outputs("v").add();
        String split = "split", merge = "merge";
        if (shapeChain) {
            b.initializer("i0", Tensor.scalarLong(0)).initializer("i1", Tensor.scalarLong(1))
                    .initializer("hd", PassCheck.longs(H, D)).initializer("hid", PassCheck.longs(HID))
                    .node("Shape").inputs("X").outputs("sx").add()
                    .node("Gather").inputs("sx", "i0").outputs("b").attr("axis", 0).add()
                    .node("Gather").inputs("sx", "i1").outputs("s").attr("axis", 0).add()
                    .node("Unsqueeze").inputs("b").outputs("bu").attrInts("axes", 0).add()
                    .node("Unsqueeze").inputs("s").outputs("su").attrInts("axes", 0).add()
                    .node("Concat").inputs("bu", "su", "hd").outputs("split_c").attr("axis", 0).add()
                    .node("Concat").inputs("bu", "su", "hid").outputs("merge_c").attr("axis", 0).add()
                    .opset(11);
            split = "split_c";
            merge = "merge_c";
        }
        b.node("Reshape").inputs("q", split).outputs("q4").add()
                .node("Transpose").inputs("q4").outputs("qh").attrInts("perm", 0, 2, 1, 3).add()
                .node("Reshape").inputs("k", split).outputs("k4").add()
                .node("Transpose").inputs("k4").outputs("kt").attrInts("perm", 0, 2, 3, 1).add()
                .node("Reshape").inputs("v", split).outputs("v4").add()
                .node("Transpose").inputs("v4").outputs("vh").attrInts("perm", 0, 2, 1, 3).add()
                .node("MatMul").inputs("qh", "kt").outputs("qk").add()
                .node("Div").inputs("qk", "c").outputs("scaled").add();
        String scores = "scaled";
        if (mask) {
            b.input("M", F, shapeChain ? "batch" : B, 1, 1, shapeChain ? "seq" : S)
                    .node("Add").inputs("scaled", "M").outputs("masked").add();
            scores = "masked";
        }
        var sm = b.node("Softmax").inputs(scores).outputs("p");
        if (softmaxAxis != null) {
            sm.attr("axis", Long.parseLong(softmaxAxis));
        }
        return sm.add()
                .node("MatMul").inputs("p", "vh").outputs("ctx").add()
                .node("Transpose").inputs("ctx").outputs("ctx_t").attrInts("perm", 0, 2, 1, 3).add()
                .node("Reshape").inputs("ctx_t", merge).outputs("Y").add()
                .output("Y", F, shapeChain ? "batch" : B, shapeChain ? "seq" : S, HID);
    }

    static Map<String, Tensor> inputs(boolean mask) {
        if (!mask) {
            return Map.of("X", PassCheck.random(74, B, S, HID));
        }
        float[] m = new float[B * S];
        m[S - 1] = -3.4028235e38f; // batch 0: last key masked with the float32 minimum, as BERT exports do
        m[2 * S - 2] = m[2 * S - 1] = -10000f;
        return Map.of("X", PassCheck.random(74, B, S, HID), "M", Tensor.of(m, B, 1, 1, S));
    }

    @Test
    void bertAttentionBecomesOneAttentionNode() {
        for (boolean mask : new boolean[] {true, false}) {
            OnnxModel m = PassCheck.model(bert(mask, "3", false));
            AttentionFusion pass = new AttentionFusion();
            Graph g = PassCheck.rewrite(m, new ShapeInference(), pass, new DeadNodeElimination());
            assertEquals(1, pass.fused(), "mask " + mask);
            assertEquals(List.of("MatMul", "MatMul", "MatMul", "Attention"), PassCheck.ops(g));
            PassCheck.sameOutputs(m, g, inputs(mask), 1e-5);
            PassCheck.sameOutputsFast(m, g, inputs(mask), 1e-4);
        }
    }

    @Test
    void aSoftmaxOverAnotherAxisIsLeft() {
        OnnxModel m = PassCheck.model(bert(true, "2", false));
        AttentionFusion pass = new AttentionFusion();
        PassCheck.rewrite(m, new ShapeInference(), pass);
        assertEquals(0, pass.fused());
    }

    @Test
    void withShapeChainsTheFusionHappensInTheSpecialisedPlan() {
        OnnxModel m = PassCheck.model(bert(true, "3", true));
        Graph general = PassCheck.rewrite(m, StandardPasses.forOptions(PassCheck.REFERENCE).toArray(new dev.lanes.graph.ir.Pass[0]));
        assertEquals(0, PassCheck.count(general, "Attention"), "with symbolic dims the Reshape targets are not constants");
        for (Backend backend : Backend.values()) {
            try (Session s = Session.open(m, SessionOptions.defaults().withThreads(2).withBackend(backend))) {
                ExecutionPlan p = s.planFor(inputs(true));
                List<String> ops = p.steps().stream().map(st -> st.node().opType()).toList();
                // The Q/K/V projections are merged (SiblingMatMulFusion), so the attention reads them in place.
                assertTrue(ops.contains(dev.lanes.graph.ops.FusedOps.QKV_ATTENTION) && !ops.contains("Softmax") && !ops.contains("Shape"),
                        ops.toString());
                PassCheck.assertClose(PassCheck.run(m, inputs(true)), s.run(inputs(true)), 1e-4);
            }
        }
    }
}
