package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Type and shape inference: walks the nodes in dependency order and records in
 * {@link Graph#valueInfo()} the element type and dims of every value it can derive (see
 * {@link ShapeRules}). Dims may be symbolic ("batch", "sequence"): an op that keeps a dim keeps its
 * symbol, and broadcasting two equal symbols keeps it. What the model declares is merged with what
 * is inferred, dim by dim, the more specific winning (a fixed dim over a symbol over unknown).
 */
public final class ShapeInference implements Pass {
    @Override
    public String name() {
        return "shape-inference";
    }

    @Override
    public Graph apply(Graph g) {
        new TopologicalSort().apply(g);
        GraphIndex index = new GraphIndex(g);
        for (Node n : g.nodes()) {
            inferNode(g, index, n);
        }
        return g;
    }

    /** Infers one node's outputs from what is known now and records them. */
    static void inferNode(Graph g, GraphIndex index, Node n) {
        List<ValueInfo> out = ShapeRules.infer(n, g::info, index::constant);
        for (ValueInfo v : out) {
            if (v.name().isEmpty()) {
                continue;
            }
            ValueInfo merged = merge(g.info(v.name()), v);
            if (merged.dtype() != null || merged.dims() != null) {
                g.valueInfo().put(v.name(), merged);
            }
        }
    }

    /** The more specific of two descriptions of the same value, dim by dim. */
    static ValueInfo merge(ValueInfo known, ValueInfo inferred) {
        DType t = inferred.dtype() != null ? inferred.dtype() : known.dtype();
        List<Dim> a = known.dims(), b = inferred.dims();
        List<Dim> dims;
        if (a == null || b == null || a.size() != b.size()) {
            dims = b != null ? b : a;
        } else {
            dims = new ArrayList<>(b.size());
            for (int i = 0; i < b.size(); i++) {
                Dim x = a.get(i), y = b.get(i);
                dims.add(y.isFixed() ? y : x.isFixed() ? x : y.isSymbolic() ? y : x);
            }
        }
        return new ValueInfo(inferred.name(), t, dims);
    }

    /** The fixed shape of a value, or null. */
    static int[] fixedShape(Graph g, String value) {
        return g.info(value).fixedShape();
    }

    /** Elements of a value whose shape is fixed, or -1. */
    static long elements(Graph g, String value) {
        int[] s = fixedShape(g, value);
        if (s == null) {
            return -1;
        }
        long n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }

    static boolean isFloat32(Graph g, String value) {
        Tensor t = g.initializers().get(value);
        return t != null ? t.dtype() == DType.FLOAT32 : g.info(value).dtype() == DType.FLOAT32;
    }
}
