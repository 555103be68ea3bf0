package dev.lanes.graph.passes;

import static dev.lanes.graph.passes.PassCheck.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.ops.FusedOps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SiblingMatMulFusionTest {

    /**
     * {@code widths.length} MatMuls on X {@code [2, 3, k]} with weights {@code [k, widths[i]]}; sibling i adds a bias
     * when {@code bias[i]} (shaped {@code [N]} for even i, {@code [1, 1, N]} for odd i, the bias first for i = 2).
     */
    private static OnnxModel siblings(long seed, int k, int[] widths, boolean[] bias) {
        OnnxModelBuilder b = new OnnxModelBuilder("siblings").opset(13).input("X", F, 2, "seq", k);
        for (int i = 0; i < widths.length; i++) {
            b.initializer("W" + i, PassCheck.random(seed + i, k, widths[i]))
                    .node("MatMul").inputs("X", "W" + i).outputs(bias[i] ? "p" + i : "Y" + i).add();
            if (bias[i]) {
                Tensor t = i % 2 == 0 ? PassCheck.random(seed + 50 + i, widths[i]) : PassCheck.random(seed + 50 + i, 1, 1, widths[i]);
                b.initializer("b" + i, t).node("Add").inputs(i == 2 ? new String[] {"b" + i, "p" + i} : new String[] {"p" + i, "b" + i})
                        .outputs("Y" + i).add();
            }
            b.outputUnknownRank("Y" + i, F);
        }
        return PassCheck.model(b);
    }

    private static Map<String, Tensor> input(long seed, int seq, int k) {
        return Map.of("X", PassCheck.random(seed, 2, seq, k));
    }

    @Test
    void projectionsWithBiasesBecomeOneProductAndASplit() {
        OnnxModel m = siblings(11, 12, new int[] {12, 12, 8}, new boolean[] {true, true, true});
        SiblingMatMulFusion pass = new SiblingMatMulFusion();
        Graph g = PassCheck.rewrite(m, pass);
        assertEquals(1, pass.fused());
        assertEquals(List.of("MatMul", "Add", "Split"), PassCheck.ops(g));
        PassCheck.sameOutputs(m, g, input(12, 3, 12), 1e-6);
        PassCheck.sameOutputsFast(m, g, input(12, 3, 12), 1e-5);
        // MatMul + Add then fuse into one GEMM with the bias in its epilogue.
        Graph fused = PassCheck.rewrite(m, new SiblingMatMulFusion(), new MatMulAddFusion());
        assertEquals(List.of(FusedOps.FUSED_MATMUL, "Split"), PassCheck.ops(fused));
        PassCheck.sameOutputsFast(m, fused, input(13, 5, 12), 1e-5);
    }

    @Test
    void generatedSiblingsComputeWhatTheyDidBefore() {
        SplittableRandom r = new SplittableRandom(2026);
        int[] ks = {1, 3, 7, 17, 33};
        for (int trial = 0; trial < 12; trial++) {
            int k = ks[r.nextInt(ks.length)], count = 2 + r.nextInt(3), seq = 1 + r.nextInt(9);
            int[] widths = new int[count];
            boolean[] bias = new boolean[count];
            for (int i = 0; i < count; i++) {
                widths[i] = 1 + r.nextInt(19);
                bias[i] = r.nextBoolean();
            }
            OnnxModel m = siblings(100L * trial, k, widths, bias);
            SiblingMatMulFusion pass = new SiblingMatMulFusion();
            Graph g = PassCheck.rewrite(m, pass, new MatMulAddFusion());
            String what = "k " + k + " widths " + java.util.Arrays.toString(widths) + " bias " + java.util.Arrays.toString(bias);
            assertEquals(1, pass.fused(), what);
            assertEquals(1, PassCheck.count(g, "Split"), what);
            Map<String, Tensor> in = input(7L * trial, seq, k);
            PassCheck.sameOutputs(m, g, in, 1e-5);
            PassCheck.sameOutputsFast(m, g, in, 1e-4);
        }
    }

    @Test
    void aProductWithASecondReaderKeepsItsAddOutsideTheMerge() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("two-readers").opset(13).input("X", F, 4, 6)
                .initializer("W0", PassCheck.random(31, 6, 5)).initializer("W1", PassCheck.random(32, 6, 3))
                .initializer("b0", PassCheck.random(33, 5))
                .node("MatMul").inputs("X", "W0").outputs("p0").add()
                .node("Add").inputs("p0", "b0").outputs("Y0").add()
                .node("Relu").inputs("p0").outputs("R").add()
                .node("MatMul").inputs("X", "W1").outputs("Y1").add()
                .output("Y0", F, 4, 5).output("R", F, 4, 5).output("Y1", F, 4, 3));
        Graph g = PassCheck.rewrite(m, new SiblingMatMulFusion());
        assertEquals(List.of("MatMul", "Split", "Add", "Relu"), PassCheck.ops(g));
        PassCheck.sameOutputs(m, g, Map.of("X", PassCheck.random(34, 4, 6)), 1e-6);
    }

    @Test
    void computedWeightsDifferentKAndOtherOperandsAreLeft() {
        // A weight that is a graph input, a product with X as B, and a MatMul of another K (never valid together,
        // so the group is the first constant sibling's K): none of them is a sibling of W0's product.
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("left").opset(13).input("X", F, 4, 6).input("Win", F, 6, 2)
                .input("L", F, 3, 4)
                .initializer("W0", PassCheck.random(41, 6, 5)).initializer("W2", PassCheck.random(42, 5, 2))
                .node("MatMul").inputs("X", "W0").outputs("Y0").add()
                .node("MatMul").inputs("X", "Win").outputs("Y1").add()
                .node("MatMul").inputs("L", "X").outputs("Y2").add()
                .node("MatMul").inputs("X", "W2").outputs("Y3").add()
                .outputUnknownRank("Y0", F).outputUnknownRank("Y1", F).outputUnknownRank("Y2", F).outputUnknownRank("Y3", F));
        SiblingMatMulFusion pass = new SiblingMatMulFusion();
        Graph g = PassCheck.rewrite(m, pass);
        assertEquals(0, pass.fused());
        assertEquals(List.of("MatMul", "MatMul", "MatMul", "MatMul"), PassCheck.ops(g));
    }

    @Test
    void constantSiblingsMergeBesideAComputedOne() {
        OnnxModel m = PassCheck.model(new OnnxModelBuilder("mixed").opset(13).input("X", F, 4, 6).input("Win", F, 6, 2)
                .initializer("W0", PassCheck.random(51, 6, 5)).initializer("W1", PassCheck.random(52, 6, 3))
                .node("MatMul").inputs("X", "W0").outputs("Y0").add()
                .node("MatMul").inputs("X", "Win").outputs("Y1").add()
                .node("MatMul").inputs("X", "W1").outputs("Y2").add()
                .output("Y0", F, 4, 5).output("Y1", F, 4, 2).output("Y2", F, 4, 3));
        Graph g = PassCheck.rewrite(m, new SiblingMatMulFusion());
        assertEquals(List.of("MatMul", "Split", "MatMul"), PassCheck.ops(g));
        Map<String, Tensor> in = new HashMap<>(Map.of("X", PassCheck.random(53, 4, 6), "Win", PassCheck.random(54, 6, 2)));
        PassCheck.sameOutputs(m, g, in, 1e-6);
        PassCheck.sameOutputsFast(m, g, in, 1e-5);
    }

    @Test
    void theStandardPassesKeepAPlainSiblingGraphCorrect() {
        OnnxModel m = siblings(61, 9, new int[] {4, 7}, new boolean[] {true, false});
        Graph g = PassCheck.rewrite(m, StandardPasses.forOptions(PassCheck.REFERENCE.withBackend(dev.lanes.graph.Backend.FAST))
                .toArray(new dev.lanes.graph.ir.Pass[0]));
        List<String> ops = new ArrayList<>(PassCheck.ops(g));
        assertTrue(ops.contains("Split") && ops.size() == 2, ops.toString());
        PassCheck.sameOutputsFast(m, g, input(62, 4, 9), 1e-5);
    }
}
