package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.ops.FusedOps;
import java.util.List;

/**
 * {@code MatMul(A, Transpose(B, perm))} whose perm swaps only the last two axes becomes lanes
 * FusedMatMul {@code (A, B)} with {@code transB = 1}: the product reads B's rows as columns, and the
 * transposed copy is never made. Exported decoders compute attention scores this way,
 * {@code Q · Transpose(K_cache, 0 1 3 2)}, and the copy of the whole key cache cost more than the
 * product itself (at decode, M = 1 per head).
 *
 * <p>Preconditions: the Transpose's output is read only by this MatMul, as its B, and is not a graph
 * output (otherwise the copy is needed anyway, and the Transpose stays); the perm is
 * {@code [0, 1, …, r−3, r−1, r−2]} with r ≥ 2, or absent with a rank-2 input (reversing two axes
 * swaps them).
 */
public final class TransposedMatMulFusion extends FusionPass {

    @Override
    public String name() {
        return "transposed-matmul-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node mm) {
        if (!mm.domain().isEmpty() || !mm.opType().equals("MatMul") || mm.inputs().size() != 2 || Rewrite.out(mm) == null) {
            return;
        }
        Node t = Rewrite.producer(ix, mm.input(1), "Transpose");
        if (t == null || t.inputs().isEmpty() || ix.singleConsumer(mm.input(1)) != mm || !NodeAttrs.onlyHas(t, "perm")
                || !swapsLastTwo(NodeAttrs.getLongs(t, "perm"), ix.info(t.input(0))) || !rw.claim(t, mm)) {
            return;
        }
        rw.replace(mm, Rewrite.node(mm.name(), FusedOps.FUSED_MATMUL, FusedOps.DOMAIN, 1, List.of(mm.input(0), t.input(0)),
                mm.outputs(), List.of(Attribute.ofLong(FusedOps.TRANS_B, 1))));
    }

    /** True when {@code perm} (null: reverse all axes) exchanges exactly the last two axes of {@code in}. */
    static boolean swapsLastTwo(long[] perm, ValueInfo in) {
        if (perm == null) {
            return in.dims() != null && in.dims().size() == 2;
        }
        int r = perm.length;
        if (r < 2 || (in.dims() != null && in.dims().size() != r)) {
            return false;
        }
        for (int i = 0; i < r - 2; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return perm[r - 2] == r - 1 && perm[r - 1] == r - 2;
    }
}
