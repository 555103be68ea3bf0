package dev.lanes.graph.passes;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.exec.RunContext;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Constant folding, shape chains included. One sweep in dependency order: each node's outputs are
 * first inferred ({@link ShapeInference}); then a node whose inputs are all constants is evaluated
 * with its reference kernel and replaced by constants, and a {@code Shape} or {@code Size} of a value
 * whose dims are all fixed becomes a constant. With the input shapes known (a session specialises
 * its plan per input-shape signature), the whole {@code Shape → Gather → Unsqueeze → Concat →
 * Reshape} bookkeeping of exported Transformers folds away and every Reshape gets a constant target.
 *
 * <p>Not folded: ops with subgraphs, random generators, outputs over {@link #MAX_ELEMENTS} elements
 * (a constant that large is cheaper to compute than to keep), and nodes whose evaluation fails (the
 * plan compiler or the run then reports the problem with the usual message).
 */
public final class ConstantFolding implements Pass {
    /** Largest output, in elements, worth keeping as a constant. */
    static final long MAX_ELEMENTS = 1 << 22;

    private static final Set<String> NEVER = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
            "Multinomial", "Bernoulli", "If", "Loop", "Scan");

    private final OpRegistry registry;
    private int folded;

    public ConstantFolding() {
        this(OpRegistry.standard());
    }

    public ConstantFolding(OpRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "constant-folding";
    }

    /** Nodes replaced by constants in the last {@link #apply}. */
    public int folded() {
        return folded;
    }

    @Override
    public Graph apply(Graph g) {
        folded = 0;
        new TopologicalSort().apply(g);
        GraphIndex index = new GraphIndex(g);
        List<Node> kept = new ArrayList<>(g.nodes().size());
        for (Node n : g.nodes()) {
            ShapeInference.inferNode(g, index, n);
            Tensor[] values = fold(g, index, n);
            if (values == null) {
                kept.add(n);
                continue;
            }
            for (int i = 0; i < values.length; i++) {
                String o = n.outputs().get(i);
                if (!o.isEmpty()) {
                    g.initializers().put(o, values[i]);
                    g.valueInfo().remove(o);
                }
            }
            folded++;
        }
        g.nodes().clear();
        g.nodes().addAll(kept);
        return g;
    }

    /** The node's outputs as constants, or null when it is not folded. */
    private Tensor[] fold(Graph g, GraphIndex index, Node n) {
        if (NEVER.contains(n.opType()) || !n.implicitInputs().isEmpty() || n.outputs().isEmpty()) {
            return null;
        }
        for (Attribute a : n.attributes().values()) {
            if (a.kind() == Attribute.Kind.GRAPH || a.kind() == Attribute.Kind.GRAPHS) {
                return null;
            }
        }
        for (String o : n.outputs()) {
            if (!o.isEmpty() && (index.isGraphInput(o) || ShapeInference.elements(g, o) > MAX_ELEMENTS)) {
                return null;
            }
        }
        if (n.domain().isEmpty() && (n.opType().equals("Shape") || n.opType().equals("Size"))) {
            return shapeOf(g, n);
        }
        List<Tensor> inputs = new ArrayList<>();
        for (String in : n.inputs()) {
            if (in.isEmpty()) {
                inputs.add(null);
                continue;
            }
            Tensor t = index.constant(in);
            if (t == null) {
                return null;
            }
            inputs.add(t);
        }
        try {
            OpSetup setup = new OpSetup(n, Backend.REFERENCE, g.initializers(), g::info, sub -> {
                throw new IllegalStateException("no subgraphs in constant folding");
            });
            Operator op = registry.create(setup);
            Tensor[] out = op.run(inputs.toArray(new Tensor[0]), RunContext.CALLER_ONLY);
            if (out.length < n.outputs().size()) {
                return null;
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                if (!n.outputs().get(i).isEmpty() && (out[i] == null || out[i].size() > MAX_ELEMENTS)) {
                    return null;
                }
            }
            return out;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Shape / Size of a value whose dims are all fixed. */
    private static Tensor[] shapeOf(Graph g, Node n) {
        if (n.input(0).isEmpty()) {
            return null;
        }
        int[] s = g.info(n.input(0)).fixedShape();
        Tensor c = g.initializers().get(n.input(0));
        if (c != null && !g.inputNames().contains(n.input(0))) {
            s = c.shape();
        }
        if (s == null) {
            return null;
        }
        if (n.opType().equals("Size")) {
            long size = 1;
            for (int d : s) {
                size *= d;
            }
            return new Tensor[] {Tensor.scalarLong(size)};
        }
        int r = s.length;
        long start = NodeAttrs.getLong(n, "start", 0), end = NodeAttrs.getLong(n, "end", r);
        int from = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int to = (int) Math.max(from, Math.min(r, end < 0 ? end + r : end));
        long[] v = new long[to - from];
        for (int i = from; i < to; i++) {
            v[i - from] = s[i];
        }
        return new Tensor[] {Tensor.ofLongs(v, v.length)};
    }
}
