package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.ops.FusedOps;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransposedMatMulFusionTest {

    /** Y = MatMul(A, Transpose(K, perm)) with K of dims {@code k}. */
    private static OnnxModelBuilder scores(int[] a, int[] k, long[] perm) {
        OnnxModelBuilder b = new OnnxModelBuilder("qk").opset(13)
                .input("A", F, box(a)).input("K", F, box(k));
        OnnxModelBuilder.NodeBuilder t = b.node("Transpose").inputs("K").outputs("kt");
        if (perm != null) {
            t.attrInts("perm", perm);
        }
        return t.add().node("MatMul").inputs("A", "kt").outputs("Y").add();
    }

    private static Object[] box(int[] d) {
        return Arrays.stream(d).boxed().toArray();
    }

    private static Graph fusedOnce(OnnxModel m) {
        TransposedMatMulFusion pass = new TransposedMatMulFusion();
        Graph g = PassCheck.rewrite(m, pass);
        assertEquals(1, pass.fused());
        assertEquals(List.of(FusedOps.FUSED_MATMUL), PassCheck.ops(g));
        Node f = g.nodes().get(0);
        assertEquals(List.of("A", "K"), f.inputs());
        assertEquals(1L, f.attributes().get(FusedOps.TRANS_B).value());
        return g;
    }

    private static void fusesAndAgrees(int[] a, int[] k, long[] perm, long seed) {
        OnnxModel m = PassCheck.model(scores(a, k, perm).outputUnknownRank("Y", F));
        Graph g = fusedOnce(m);
        Map<String, Tensor> in = Map.of("A", PassCheck.random(seed, a), "K", PassCheck.random(seed + 1, k));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void decodeScoresReadTheKeyCacheInPlace() {
        // GPT-2 decode: one query row per head against L cached keys, head size 64 and an awkward 19.
        fusesAndAgrees(new int[] {1, 3, 1, 64}, new int[] {1, 3, 37, 64}, new long[] {0, 1, 3, 2}, 1);
        fusesAndAgrees(new int[] {2, 2, 1, 19}, new int[] {2, 2, 5, 19}, new long[] {0, 1, 3, 2}, 3);
    }

    @Test
    void awkwardShapesAgree() {
        fusesAndAgrees(new int[] {2, 1, 7}, new int[] {2, 1, 7}, new long[] {0, 2, 1}, 5);      // N = 1
        fusesAndAgrees(new int[] {3, 4, 1}, new int[] {3, 9, 1}, new long[] {0, 2, 1}, 7);      // K = 1
        fusesAndAgrees(new int[] {2, 9, 33}, new int[] {2, 13, 33}, new long[] {0, 2, 1}, 9);   // M > 4: packed GEMM
        fusesAndAgrees(new int[] {4, 17}, new int[] {3, 17}, new long[] {1, 0}, 11);            // matrices
        fusesAndAgrees(new int[] {17}, new int[] {2, 6, 17}, new long[] {0, 2, 1}, 13);         // 1-D A
        fusesAndAgrees(new int[] {2, 3, 2, 5}, new int[] {3, 7, 5}, new long[] {0, 2, 1}, 15);  // broadcast B batch
    }

    @Test
    void aRankTwoTransposeWithoutPermFuses() {
        fusesAndAgrees(new int[] {3, 6}, new int[] {5, 6}, null, 17);
    }

    @Test
    void fusedProductOnThreadsEqualsTheReference() {
        // Enough work (12 heads × 513 keys × 64) for the dot-product form to split over threads.
        int[] a = {1, 12, 1, 64}, k = {1, 12, 513, 64};
        OnnxModel m = PassCheck.model(scores(a, k, new long[] {0, 1, 3, 2}).outputUnknownRank("Y", F));
        Graph g = fusedOnce(m);
        Map<String, Tensor> in = Map.of("A", PassCheck.random(19, a), "K", PassCheck.random(20, k));
        Map<String, Tensor> want = PassCheck.run(m, in);
        for (int threads : new int[] {1, 2, 3}) {
            PassCheck.assertClose(want, PassCheck.run(PassCheck.withGraph(m, g), in,
                    PassCheck.REFERENCE.withBackend(dev.lanes.graph.Backend.FAST).withThreads(threads)), 1e-5);
        }
    }

    @Test
    void otherPermsAreLeft() {
        for (long[] perm : new long[][] {{0, 2, 1, 3}, {0, 2, 3, 1}, {1, 0, 2, 3}}) {
            OnnxModel m = PassCheck.model(scores(new int[] {4, 4, 4, 4}, new int[] {4, 4, 4, 4}, perm).outputUnknownRank("Y", F));
            TransposedMatMulFusion pass = new TransposedMatMulFusion();
            Graph g = PassCheck.rewrite(m, pass);
            assertEquals(0, pass.fused(), Arrays.toString(perm));
            assertEquals(List.of("Transpose", "MatMul"), PassCheck.ops(g));
        }
    }

    @Test
    void aTransposeReadElsewhereIsKept() {
        // Also a graph output.
        OnnxModel out = PassCheck.model(scores(new int[] {2, 1, 8}, new int[] {2, 5, 8}, new long[] {0, 2, 1})
                .outputUnknownRank("Y", F).outputUnknownRank("kt", F));
        TransposedMatMulFusion pass = new TransposedMatMulFusion();
        PassCheck.rewrite(out, pass);
        assertEquals(0, pass.fused());
        // Also read by a second node.
        OnnxModel twice = PassCheck.model(scores(new int[] {2, 1, 8}, new int[] {2, 5, 8}, new long[] {0, 2, 1})
                .node("Relu").inputs("kt").outputs("R").add()
                .outputUnknownRank("Y", F).outputUnknownRank("R", F));
        pass = new TransposedMatMulFusion();
        PassCheck.rewrite(twice, pass);
        assertEquals(0, pass.fused());
        // As A rather than B.
        OnnxModel left = PassCheck.model(new OnnxModelBuilder("qk").opset(13)
                .input("A", F, 2, 8, 5).input("B", F, 2, 8, 3)
                .node("Transpose").inputs("A").outputs("at").attrInts("perm", 0, 2, 1).add()
                .node("MatMul").inputs("at", "B").outputs("Y").add()
                .outputUnknownRank("Y", F));
        pass = new TransposedMatMulFusion();
        PassCheck.rewrite(left, pass);
        assertEquals(0, pass.fused());
    }
}
