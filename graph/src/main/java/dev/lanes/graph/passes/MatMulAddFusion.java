package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.ops.FusedOps;
import java.util.List;

/**
 * MatMul(A, W) → Add(·, bias) becomes one node with the bias in the GEMM epilogue: ONNX Gemm
 * {@code (A, W, bias)} when A is a matrix, lanes FusedMatMul {@code (A, W, bias)} when A has batch
 * dims (a Transformer's {@code [batch, sequence, hidden]} activations).
 *
 * <p>Preconditions: W is a constant float32 matrix {@code [K, N]}; the bias is a constant float32 of N
 * values shaped {@code [N]}, {@code [1, N]}, {@code [1, 1, N]}… of rank at most the product's (so the
 * Add does not widen the result); the MatMul output is read only by the Add; A's rank is known.
 */
public final class MatMulAddFusion extends FusionPass {

    @Override
    public String name() {
        return "matmul-add-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node mm) {
        if (!mm.domain().isEmpty() || !mm.opType().equals("MatMul") || mm.outputs().size() != 1) {
            return;
        }
        Tensor w = ix.constant(mm.input(1));
        ValueInfo a = ix.info(mm.input(0));
        if (w == null || w.dtype() != DType.FLOAT32 || w.rank() != 2 || a.dims() == null || a.dims().size() < 1) {
            return;
        }
        String y = mm.outputs().get(0);
        Node add = Rewrite.consumer(ix, y, "Add");
        String biasName = add == null ? null : Rewrite.other(add, y);
        Tensor bias = biasName == null ? null : ix.constant(biasName);
        int n = w.dim(1);
        int outRank = Math.max(a.dims().size(), 2);
        if (a.dims().size() == 1) {
            outRank = 1;
        }
        if (bias == null || !isRowVector(bias, n, outRank) || !rw.claim(mm, add)) {
            return;
        }
        String b = bias.rank() == 1 ? biasName : ix.addConstant(biasName, bias.reshape(n));
        String out = add.outputs().get(0);
        Node fusedNode = a.dims().size() == 2
                ? Rewrite.node(mm.name(), "Gemm", Math.max(mm.opset(), 11), List.of(mm.input(0), mm.input(1), b), List.of(out), List.of())
                : Rewrite.node(mm.name(), FusedOps.FUSED_MATMUL, FusedOps.DOMAIN, 1, List.of(mm.input(0), mm.input(1), b), List.of(out),
                        List.of());
        rw.replace(add, fusedNode);
    }

    /** N float32 values along the last axis, every other dim 1, rank at most the product's. */
    static boolean isRowVector(Tensor t, int n, int outRank) {
        if (t.dtype() != DType.FLOAT32 || t.rank() < 1 || t.rank() > outRank || t.dim(t.rank() - 1) != n) {
            return false;
        }
        for (int i = 0; i < t.rank() - 1; i++) {
            if (t.dim(i) != 1) {
                return false;
            }
        }
        return true;
    }
}
