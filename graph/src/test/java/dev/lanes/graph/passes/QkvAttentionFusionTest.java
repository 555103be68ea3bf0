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
import dev.lanes.graph.ops.FusedOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QkvAttentionFusionTest {
    static final int B = 2;

    /**
     * Split(QKV) → Attention (opset 23, 3-D) with {@code qh} query heads of size d, {@code kvh} kv heads (values of
     * size dv); {@code order} says which Split output feeds Q, K and V.
     */
    private static OnnxModelBuilder splitAttention(int seq, int qh, int kvh, int d, int dv, boolean mask, int[] order) {
        int[] w = {qh * d, kvh * d, kvh * dv};
        String[] parts = {"s0", "s1", "s2"};
        OnnxModelBuilder b = new OnnxModelBuilder("qkv").opset(23)
                .input("QKV", F, B, seq, w[0] + w[1] + w[2])
                .initializer("widths", PassCheck.longs(w[order[0]], w[order[1]], w[order[2]]))
                .node("Split").inputs("QKV", "widths").outputs(parts).attr("axis", -1).add();
        String[] in = mask ? new String[] {parts[order[0]], parts[order[1]], parts[order[2]], "M"}
                : new String[] {parts[order[0]], parts[order[1]], parts[order[2]]};
        if (mask) {
            b.input("M", F, B, 1, seq, seq);
        }
        return b.node("Attention").inputs(in).outputs("Y").attr("q_num_heads", qh).attr("kv_num_heads", kvh)
                .attr("scale", 0.3f).add()
                .outputUnknownRank("Y", F);
    }

    private static Map<String, Tensor> inputs(int seq, int width, boolean mask) {
        Map<String, Tensor> in = new HashMap<>(Map.of("QKV", PassCheck.random(81 + seq, B, seq, width)));
        if (mask) {
            Tensor m = PassCheck.random(82 + seq, B, 1, seq, seq);
            m.floats()[seq - 1] = -3.4028235e38f;
            in.put("M", m);
        }
        return in;
    }

    @Test
    void attentionOnTheThreeSlicesOfOneSplitReadsThemInPlace() {
        // seq 3 and 7 take the decode kernel (at most 8 query rows per kv head), 19 the query-tiled one; 4 query heads
        // share 2 kv heads whose values are wider than the keys.
        for (int seq : new int[] {1, 3, 7, 19}) {
            for (boolean mask : new boolean[] {false, true}) {
                OnnxModel m = PassCheck.model(splitAttention(seq, 4, 2, 8, 12, mask, new int[] {0, 1, 2}));
                QkvAttentionFusion pass = new QkvAttentionFusion();
                Graph g = PassCheck.rewrite(m, new ShapeInference(), pass);
                assertEquals(1, pass.fused(), "seq " + seq);
                assertEquals(List.of(FusedOps.QKV_ATTENTION), PassCheck.ops(g));
                Map<String, Tensor> in = inputs(seq, 4 * 8 + 2 * 8 + 2 * 12, mask);
                PassCheck.sameOutputs(m, g, in, 1e-6);
                PassCheck.sameOutputsFast(m, g, in, 1e-4);
            }
        }
    }

    @Test
    void slicesInAnotherOrderOrReadElsewhereAreLeft() {
        OnnxModel swapped = PassCheck.model(splitAttention(5, 2, 2, 8, 8, false, new int[] {1, 0, 2}));
        QkvAttentionFusion pass = new QkvAttentionFusion();
        PassCheck.rewrite(swapped, new ShapeInference(), pass);
        assertEquals(0, pass.fused());

        OnnxModel shared = PassCheck.model(splitAttention(5, 2, 2, 8, 8, false, new int[] {0, 1, 2})
                .node("Relu").inputs("s1").outputs("R").add().outputUnknownRank("R", F));
        PassCheck.rewrite(shared, new ShapeInference(), pass);
        assertEquals(0, pass.fused());
    }

    static final int H = 3, D = 4, HID = H * D;

    /** BERT self-attention as exported (biased projections, head split, ÷ √d, additive mask, softmax, ·V, merge). */
    private static OnnxModelBuilder bertWithBiases(int seq) {
        OnnxModelBuilder b = new OnnxModelBuilder("bert").opset(13).input("X", F, B, seq, HID).input("M", F, B, 1, 1, seq)
                .initializer("split", PassCheck.longs(B, seq, H, D)).initializer("merge", PassCheck.longs(B, seq, HID))
                .initializer("c", Tensor.scalar((float) Math.sqrt(D)));
        String[] names = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            String n = names[i];
            b.initializer("W" + n, PassCheck.random(92 + i, HID, HID)).initializer("b" + n, PassCheck.random(95 + i, HID))
                    .node("MatMul").inputs("X", "W" + n).outputs(n + "p").add()
                    .node("Add").inputs(n + "p", "b" + n).outputs(n).add()
                    .node("Reshape").inputs(n, "split").outputs(n + "4").add();
        }
        return b.node("Transpose").inputs("q4").outputs("qh").attrInts("perm", 0, 2, 1, 3).add()
                .node("Transpose").inputs("k4").outputs("kt").attrInts("perm", 0, 2, 3, 1).add()
                .node("Transpose").inputs("v4").outputs("vh").attrInts("perm", 0, 2, 1, 3).add()
                .node("MatMul").inputs("qh", "kt").outputs("qk").add()
                .node("Div").inputs("qk", "c").outputs("scaled").add()
                .node("Add").inputs("scaled", "M").outputs("masked").add()
                .node("Softmax").inputs("masked").outputs("p").attr("axis", -1L).add()
                .node("MatMul").inputs("p", "vh").outputs("ctx").add()
                .node("Transpose").inputs("ctx").outputs("ctx_t").attrInts("perm", 0, 2, 1, 3).add()
                .node("Reshape").inputs("ctx_t", "merge").outputs("Y").add()
                .output("Y", F, B, seq, HID);
    }

    /** BERT's attention with biased Q/K/V projections, through every standard pass, on both backends. */
    @Test
    void bertWithBiasedProjectionsRunsOneProductAndTheInPlaceAttention() {
        for (int seq : new int[] {4, 13}) {
            OnnxModel m = PassCheck.model(bertWithBiases(seq));
            Map<String, Tensor> in = new HashMap<>(Map.of("X", PassCheck.random(91, B, seq, HID)));
            float[] mask = new float[B * seq];
            mask[2 * seq - 1] = -10000f;
            in.put("M", Tensor.of(mask, B, 1, 1, seq));
            Map<String, Tensor> want = PassCheck.run(m, in);
            for (Backend backend : Backend.values()) {
                try (Session s = Session.open(m, SessionOptions.defaults().withThreads(2).withBackend(backend))) {
                    ExecutionPlan p = s.planFor(in);
                    List<String> ops = p.steps().stream().map(st -> st.node().opType()).toList();
                    assertEquals(1, ops.stream().filter(o -> o.equals(FusedOps.FUSED_MATMUL) || o.equals("MatMul")).count(), ops.toString());
                    assertTrue(ops.contains(FusedOps.QKV_ATTENTION) && !ops.contains("Split") && !ops.contains("Softmax"), ops.toString());
                    PassCheck.assertClose(want, s.run(in), 1e-4);
                }
            }
        }
    }
}
