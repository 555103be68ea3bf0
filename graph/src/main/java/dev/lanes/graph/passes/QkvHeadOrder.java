package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Reorders the columns of a Q/K/V projection from {@code [Q | K | V]} (each {@code H} heads of {@code D}) to heads
 * outermost, {@code [q0 k0 v0 | q1 k1 v1 | …]}, by permuting the product's constant weight and bias: the same
 * numbers, each computed by the same dot product, in other columns.
 *
 * <p>Why: a multithreaded GEMM splits the product's columns into contiguous shares, and attention splits its heads
 * into contiguous shares in the same order. With heads outermost, the thread that computes heads {@code [h0, h1)}
 * of Q, K and V is the one that attends over them, so attention reads nothing another core wrote; in
 * {@code [Q | K | V]} order half of Q and half of V (at 2 threads) come from the other core, which costs several
 * times more while the VM places the two vCPUs far apart (RESULTS.md, "What the 2-thread slow state is").
 *
 * <p>Preconditions, all checked: the product is {@code MatMul(x, W)} with a constant float32 {@code W [K, 3·H·D]},
 * optionally followed by {@code Add} of a constant float32 row vector of {@code 3·H·D} values; the MatMul's result,
 * the Add's result, W and the bias are each read only by the next node of this chain.
 */
final class QkvHeadOrder {
    private QkvHeadOrder() {}

    /** The rewritten product (its nodes in order) and the nodes it replaces. */
    record Reordered(List<Node> nodes, List<Node> replaced) {}

    /**
     * The product that computes {@code qkv}, with its columns reordered heads outermost, or null when it is not a
     * constant-weight MatMul (+ bias) this class may rewrite.
     */
    static Reordered of(GraphIndex ix, String qkv, int heads, int headSize) {
        int width = heads * headSize;
        Node add = Rewrite.producer(ix, qkv, "Add");
        String product = qkv;
        String biasName = null;
        Tensor bias = null;
        if (add != null) {
            for (String in : add.inputs()) {
                Tensor t = ix.constant(in);
                if (t != null) {
                    biasName = in;
                    bias = t;
                } else {
                    product = in;
                }
            }
            if (bias == null || product.equals(qkv) || !ix.hasSingleUse(biasName) || !ix.hasSingleUse(product)
                    || !MatMulAddFusion.isRowVector(bias, 3 * width, 3)) {
                return null;
            }
        }
        Node matmul = Rewrite.producer(ix, product, "MatMul");
        if (matmul == null || matmul.inputs().size() != 2) {
            return null;
        }
        Tensor w = ix.constant(matmul.input(1));
        if (w == null || w.dtype() != DType.FLOAT32 || w.rank() != 2 || w.dim(1) != 3 * width || !ix.hasSingleUse(matmul.input(1))
                || ix.isConstant(matmul.input(0))) {
            return null;
        }
        List<Node> nodes = new ArrayList<>();
        String weights = ix.addConstant(matmul.input(1) + "_heads", reorder(w, heads, headSize));
        nodes.add(Rewrite.node(matmul.name(), "MatMul", matmul.opset(), List.of(matmul.input(0), weights), matmul.outputs(),
                List.copyOf(matmul.attributes().values())));
        List<Node> replaced = new ArrayList<>(List.of(matmul));
        if (add != null) {
            String oldBias = biasName, reordered = ix.addConstant(biasName + "_heads", reorder(bias, heads, headSize));
            List<String> inputs = add.inputs().stream().map(in -> in.equals(oldBias) ? reordered : in).toList();
            nodes.add(Rewrite.node(add.name(), "Add", add.opset(), inputs, add.outputs(), List.copyOf(add.attributes().values())));
            replaced.add(add);
        }
        return new Reordered(nodes, replaced);
    }

    /** Column {@code part·H·D + h·D + d} of {@code t}'s last axis moves to {@code h·3·D + part·D + d}. */
    static Tensor reorder(Tensor t, int heads, int headSize) {
        int cols = t.dim(t.rank() - 1), rows = t.size() / cols, width = heads * headSize;
        float[] src = t.floats(), dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int part = 0; part < 3; part++) {
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(src, r * cols + part * width + h * headSize, dst, r * cols + h * 3 * headSize + part * headSize,
                            headSize);
                }
            }
        }
        return Tensor.of(dst, t.shape());
    }
}
