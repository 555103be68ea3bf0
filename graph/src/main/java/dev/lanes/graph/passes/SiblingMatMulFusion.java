package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * MatMuls that read the same activations with constant weights of the same K (an encoder's Q, K and V
 * projections) become one MatMul on the weights concatenated along N, its bias Add (the siblings' biases
 * concatenated, zeros for a sibling without one) and a Split of the product's last axis into the
 * siblings' results:
 *
 * <pre>
 *   q = x·Wq + bq     k = x·Wk + bk     v = x·Wv + bv
 *   →  q, k, v = Split(x·[Wq | Wk | Wv] + [bq | bk | bv], axis -1, [Nq, Nk, Nv])
 * </pre>
 *
 * One product reads and packs x once instead of once per sibling and gives a multithreaded split N·3
 * columns to share. {@link MatMulAddFusion} then puts the bias into the GEMM's epilogue and
 * {@link QkvAttentionFusion} lets a fused Attention read its Q, K and V as column slices of the product,
 * without the Split's copies; where neither applies (a plain MatMul graph) the Split copies.
 *
 * <p>Preconditions: two or more default-domain MatMuls with one output read the same A as their first input;
 * each one's B is a constant float32 matrix {@code [K, Ni]}, all with the same K. A sibling's Add joins when
 * it is the product's only reader and adds a constant float32 row vector of {@code Ni} values (shaped
 * {@code [Ni]}, {@code [1, Ni]}…) of rank at most the product's, so that it does not widen the result.
 * The merged nodes take the first sibling's place, where A and every weight exist and before any sibling's reader.
 */
public final class SiblingMatMulFusion extends FusionPass {

    @Override
    public String name() {
        return "sibling-matmul-fusion";
    }

    /** One sibling: its product, its bias Add (or null) and the value its consumers read. */
    private record Sibling(Node matmul, Tensor weight, Node add, Tensor bias, String result) {}

    @Override
    void match(GraphIndex ix, Rewrite rw, Node n) {
        if (!isCandidate(ix, n)) {
            return;
        }
        String a = n.input(0);
        List<Node> readers = ix.consumers(a);
        if (firstCandidate(ix, a, readers) != n) {
            return; // the group is matched at its first sibling
        }
        int k = ix.constant(n.input(1)).dim(0);
        ValueInfo ai = ix.info(a);
        int outRank = ai.dims() == null ? 1 : Math.max(ai.dims().size(), 2);
        if (ai.dims() != null && ai.dims().size() == 1) {
            outRank = 1;
        }
        List<Sibling> siblings = new ArrayList<>();
        for (Node r : readers) {
            if (!isCandidate(ix, r) || !r.input(0).equals(a) || containsMatMul(siblings, r)) {
                continue;
            }
            Tensor w = ix.constant(r.input(1));
            if (w.dim(0) != k) {
                continue;
            }
            String y = r.outputs().get(0);
            Node add = Rewrite.consumer(ix, y, "Add");
            String biasName = add == null ? null : Rewrite.other(add, y);
            Tensor bias = biasName == null || Rewrite.out(add) == null ? null : ix.constant(biasName);
            if (bias == null || !MatMulAddFusion.isRowVector(bias, w.dim(1), outRank)) {
                siblings.add(new Sibling(r, w, null, null, y));
            } else {
                siblings.add(new Sibling(r, w, add, bias, Rewrite.out(add)));
            }
        }
        if (siblings.size() < 2) {
            return;
        }
        List<Node> claimed = new ArrayList<>();
        for (Sibling s : siblings) {
            claimed.add(s.matmul);
            if (s.add != null) {
                claimed.add(s.add);
            }
        }
        if (!rw.claim(claimed.toArray(new Node[0]))) {
            return;
        }
        rw.replace(n, merged(ix, n, a, k, siblings));
    }

    /** The merged product, its bias Add when a sibling had one, and the Split into the siblings' results. */
    private static List<Node> merged(GraphIndex ix, Node first, String a, int k, List<Sibling> siblings) {
        int total = 0;
        boolean anyBias = false;
        long[] widths = new long[siblings.size()];
        List<String> results = new ArrayList<>();
        for (int i = 0; i < siblings.size(); i++) {
            Sibling s = siblings.get(i);
            widths[i] = s.weight.dim(1);
            total = Math.addExact(total, s.weight.dim(1));
            anyBias |= s.bias != null;
            results.add(s.result);
        }
        // [K, N1 + N2 + …]: row r is the siblings' rows r side by side.
        float[] w = new float[Tensor.checkedSize(k, total)];
        float[] b = anyBias ? new float[total] : null;
        int col = 0;
        for (Sibling s : siblings) {
            int n = s.weight.dim(1);
            float[] src = s.weight.floats();
            for (int r = 0; r < k; r++) {
                System.arraycopy(src, r * n, w, r * total + col, n);
            }
            if (s.bias != null) {
                System.arraycopy(s.bias.floats(), 0, b, col, n);
            }
            col += n;
        }
        String base = first.name().isEmpty() ? "sibling_matmul" : first.name();
        String weights = ix.addConstant(base + "_weights", Tensor.of(w, k, total));
        String product = ix.freshName(base + "_product");
        List<Node> nodes = new ArrayList<>();
        nodes.add(Rewrite.node(base, "MatMul", first.opset(), List.of(a, weights), List.of(product), List.of()));
        if (anyBias) {
            String biased = ix.freshName(base + "_biased");
            nodes.add(Rewrite.node(base + "_bias", "Add", Math.max(7, first.opset()),
                    List.of(product, ix.addConstant(base + "_bias", Tensor.of(b, total))), List.of(biased), List.of()));
            product = biased;
        }
        nodes.add(Rewrite.node(base + "_split", "Split", Math.max(13, first.opset()),
                List.of(product, ix.addConstant(base + "_split", Tensor.ofLongs(widths, widths.length))), results,
                List.of(Attribute.ofLong("axis", -1))));
        return nodes;
    }

    /** A default-domain MatMul with one output and a constant float32 matrix as B. */
    private static boolean isCandidate(GraphIndex ix, Node n) {
        if (!n.domain().isEmpty() || !n.opType().equals("MatMul") || n.outputs().size() != 1 || n.inputs().size() != 2
                || n.outputs().get(0).isEmpty()) {
            return false;
        }
        Tensor w = ix.constant(n.input(1));
        return w != null && w.dtype() == DType.FLOAT32 && w.rank() == 2 && w.size() > 0 && !ix.isConstant(n.input(0));
    }

    /** The first node in graph order that reads {@code a} as a sibling would. */
    private static Node firstCandidate(GraphIndex ix, String a, List<Node> readers) {
        for (Node r : readers) {
            if (isCandidate(ix, r) && r.input(0).equals(a)) {
                return r;
            }
        }
        return null;
    }

    private static boolean containsMatMul(List<Sibling> siblings, Node n) {
        for (Sibling s : siblings) {
            if (s.matmul == n) {
                return true;
            }
        }
        return false;
    }
}
