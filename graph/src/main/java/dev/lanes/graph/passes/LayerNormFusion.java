package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LayerNorm spelled out, as PyTorch exports it before opset 17, becomes LayerNormalization:
 *
 * <pre>
 *   m = ReduceMean(x, [-1]);  d = x − m;  v = ReduceMean(d², [-1]);  n = d / √(v + ε);  y = n · scale + bias
 * </pre>
 * where d² is Pow(d, 2) or d·d, and the scale and bias steps are each optional.
 *
 * <p>Preconditions: both ReduceMeans reduce the last axis only and keep dims; d is read only by the
 * square and the Div, every other intermediate only by the next step; ε is a constant scalar; scale
 * and bias are constant float32 vectors of the last dim's length (any leading 1 dims), and when one
 * is missing the last dim must be known so that a scale of ones (or no bias) can stand in.
 */
public final class LayerNormFusion extends FusionPass {

    @Override
    public String name() {
        return "layernorm-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node mean) {
        if (mean.domain().isEmpty() && mean.opType().equals("ReduceMean")) {
            fuse(ix, rw, mean);
        }
    }

    private static void fuse(GraphIndex ix, Rewrite rw, Node mean) {
        String x = mean.input(0);
        List<Dim> dims = ix.info(x).dims();
        if (dims == null || dims.isEmpty() || !lastAxisOnly(ix, mean, dims.size()) || Rewrite.out(mean) == null) {
            return;
        }
        Node sub = Rewrite.consumer(ix, Rewrite.out(mean), "Sub");
        if (sub == null || !sub.input(0).equals(x) || !sub.input(1).equals(Rewrite.out(mean)) || Rewrite.out(sub) == null) {
            return;
        }
        String d = Rewrite.out(sub);
        if (ix.isGraphOutput(d)) {
            return;
        }
        // d is read by the square (Pow(d, 2), or d·d which lists the Mul twice) and by the Div only.
        List<Node> readers = ix.consumers(d);
        Node square = null, div = null;
        for (Node r : readers) {
            if (!r.domain().isEmpty()) {
                return;
            }
            if (r.opType().equals("Div") && r.input(0).equals(d) && !r.input(1).equals(d) && (div == null || div == r)) {
                div = r;
            } else if (r.opType().equals("Pow") && r.input(0).equals(d) && Rewrite.isScalar(ix, r.input(1), 2, 0)) {
                square = r;
            } else if (r.opType().equals("Mul") && r.input(0).equals(d) && r.input(1).equals(d)) {
                square = r;
            } else {
                return;
            }
        }
        if (square == null || div == null || readers.size() != (square.opType().equals("Mul") ? 3 : 2)) {
            return;
        }
        if (Rewrite.out(square) == null) {
            return;
        }
        Node var = Rewrite.consumer(ix, Rewrite.out(square), "ReduceMean");
        if (var == null || !lastAxisOnly(ix, var, dims.size()) || Rewrite.out(var) == null) {
            return;
        }
        Node addEps = Rewrite.consumer(ix, Rewrite.out(var), "Add");
        String epsName = addEps == null ? null : Rewrite.other(addEps, Rewrite.out(var));
        Double eps = epsName == null ? null : Rewrite.scalar(ix, epsName);
        if (eps == null || eps < 0 || Rewrite.out(addEps) == null) {
            return;
        }
        Node sqrt = Rewrite.consumer(ix, Rewrite.out(addEps), "Sqrt");
        if (sqrt == null || Rewrite.out(sqrt) == null || !div.input(1).equals(Rewrite.out(sqrt)) || !ix.hasSingleUse(Rewrite.out(sqrt))
                || Rewrite.out(div) == null) {
            return;
        }
        List<Node> nodes = new ArrayList<>(List.of(mean, sub, square, var, addEps, sqrt, div));
        Node last = div;
        String scale = null, bias = null;
        Node mul = Rewrite.consumer(ix, Rewrite.out(div), "Mul");
        Dim lastDim = dims.get(dims.size() - 1);
        if (mul != null && Rewrite.out(mul) != null) {
            String s = Rewrite.other(mul, Rewrite.out(div));
            if (vector(ix, s, lastDim) != null) {
                scale = s;
                nodes.add(mul);
                last = mul;
            }
        }
        Node add = Rewrite.consumer(ix, Rewrite.out(last), "Add");
        if (add != null && Rewrite.out(add) != null) {
            String b = Rewrite.other(add, Rewrite.out(last));
            if (vector(ix, b, lastDim) != null) {
                bias = b;
                nodes.add(add);
                last = add;
            }
        }
        int n = scale != null ? vector(ix, scale, lastDim).size() : bias != null ? vector(ix, bias, lastDim).size()
                : lastDim.isFixed() ? (int) lastDim.value() : -1;
        if (n < 0 || !rw.claim(nodes.toArray(new Node[0]))) {
            return;
        }
        String scaleName = scale == null ? ix.addConstant(mean.name() + "_scale", ones(n)) : flat(ix, scale);
        List<String> inputs = new ArrayList<>(List.of(x, scaleName));
        if (bias != null) {
            inputs.add(flat(ix, bias));
        }
        rw.replace(last, Rewrite.node(mean.name(), "LayerNormalization", Math.max(17, mean.opset()), inputs, last.outputs(),
                List.of(Attribute.ofLong("axis", -1), Attribute.ofFloat("epsilon", (float) (double) eps))));
    }

    /** The ReduceMean reduces exactly the last axis of a rank-{@code rank} input, keeping dims. */
    private static boolean lastAxisOnly(GraphIndex ix, Node reduce, int rank) {
        if (NodeAttrs.getLong(reduce, "keepdims", 1) == 0) {
            return false;
        }
        long[] axes = reduce.opset() >= 18 ? longs(ix.constant(reduce.input(1))) : NodeAttrs.getLongs(reduce, "axes");
        return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == rank - 1);
    }

    private static long[] longs(Tensor t) {
        if (t == null || !t.dtype().isInteger()) {
            return null;
        }
        long[] v = new long[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getLong(i);
        }
        return v;
    }

    /** A constant float32 vector of the last dim's length (leading dims 1), or null. */
    private static Tensor vector(GraphIndex ix, String name, Dim lastDim) {
        Tensor t = name == null ? null : ix.constant(name);
        if (t == null || t.dtype() != DType.FLOAT32 || t.rank() < 1 || t.size() != t.dim(t.rank() - 1)) {
            return null;
        }
        int n = t.dim(t.rank() - 1);
        if (lastDim.isFixed() ? lastDim.value() != n : n == 1) {
            return null; // a length-1 vector against an unknown last dim might broadcast: not a LayerNorm scale
        }
        return t;
    }

    /** The name of a 1-D view of a vector constant. */
    private static String flat(GraphIndex ix, String name) {
        Tensor t = ix.constant(name);
        return t.rank() == 1 ? name : ix.addConstant(name, t.reshape(t.size()));
    }

    private static Tensor ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return Tensor.of(v, n);
    }
}
