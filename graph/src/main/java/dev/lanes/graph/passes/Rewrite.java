package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edits one sweep of a fusion pass collects: pattern nodes to remove and, for each pattern, the
 * fused node that takes the place of its last node (every value the pattern reads exists before its
 * first node, and its result is read only after its last one, so that place keeps the order valid).
 * Patterns of one sweep never share a node: {@link #claim} refuses a node already taken.
 */
final class Rewrite {
    private final Set<Node> taken = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Node, List<Node>> replacement = new IdentityHashMap<>();
    private int fused;

    /** True (and the nodes are reserved) when none of {@code nodes} belongs to a pattern of this sweep yet. */
    boolean claim(Node... nodes) {
        for (Node n : nodes) {
            if (n == null || taken.contains(n)) {
                return false;
            }
        }
        Collections.addAll(taken, nodes);
        return true;
    }

    /** Replaces the claimed pattern whose last node is {@code last} by {@code fused}. */
    void replace(Node last, Node fused) {
        replace(last, List.of(fused));
    }

    /**
     * Replaces the claimed pattern at {@code at} by {@code fused}, in that order: for patterns whose
     * replacement is several nodes (a merged product and the split of its result). {@code at} must be a
     * place where every value the pattern reads exists and before every reader of its results.
     */
    void replace(Node at, List<Node> fused) {
        replacement.put(at, List.copyOf(fused));
        this.fused++;
    }

    /** Patterns rewritten. */
    int count() {
        return fused;
    }

    /** Applies the edits to the node list; returns true when anything changed. */
    boolean applyTo(Graph g) {
        if (replacement.isEmpty()) {
            return false;
        }
        List<Node> out = new ArrayList<>(g.nodes().size());
        for (Node n : g.nodes()) {
            List<Node> r = replacement.get(n);
            if (r != null) {
                out.addAll(r);
            } else if (!taken.contains(n)) {
                out.add(n);
            }
        }
        g.nodes().clear();
        g.nodes().addAll(out);
        return true;
    }

    // --- helpers shared by the fusion passes ---------------------------------------------------------

    /** A new node in the default domain. */
    static Node node(String name, String op, int opset, List<String> inputs, List<String> outputs, List<Attribute> attrs) {
        return node(name, op, "", opset, inputs, outputs, attrs);
    }

    static Node node(String name, String op, String domain, int opset, List<String> inputs, List<String> outputs,
                     List<Attribute> attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        return new Node(name, op, domain, opset, inputs, outputs, m);
    }

    /** The value of a constant holding exactly one float element (any rank), or null. */
    static Double scalar(GraphIndex ix, String value) {
        Tensor t = ix.constant(value);
        if (t == null || t.size() != 1 || !t.dtype().isFloatingPoint()) {
            return null;
        }
        return t.getDouble(0);
    }

    /** True when {@code value} is a one-element float constant within {@code tol} (relative) of {@code want}. */
    static boolean isScalar(GraphIndex ix, String value, double want, double tol) {
        Double v = scalar(ix, value);
        return v != null && Math.abs(v - want) <= tol * Math.max(1, Math.abs(want));
    }

    /** The producer of {@code value} when it is a default-domain {@code op} node, else null. */
    static Node producer(GraphIndex ix, String value, String op) {
        Node p = ix.producer(value);
        return p != null && p.domain().isEmpty() && p.opType().equals(op) ? p : null;
    }

    /** The single reader of {@code value} when it is a default-domain {@code op} node, else null. */
    static Node consumer(GraphIndex ix, String value, String op) {
        Node c = ix.singleConsumer(value);
        return c != null && c.domain().isEmpty() && c.opType().equals(op) ? c : null;
    }

    /** For a two-input node that reads {@code value}, its other input; null when it does not read it. */
    static String other(Node binary, String value) {
        if (binary.inputs().size() != 2) {
            return null;
        }
        if (binary.input(0).equals(value)) {
            return binary.input(1);
        }
        return binary.input(1).equals(value) ? binary.input(0) : null;
    }

    /** The node's only output (null when it has several). */
    static String out(Node n) {
        return n.outputs().size() == 1 ? n.outputs().get(0) : null;
    }

    /** For Mul(y, 0.5) in either order, y; else null. */
    static String otherThanHalf(GraphIndex ix, Node mul) {
        if (isScalar(ix, mul.input(1), 0.5, 0)) {
            return mul.input(0);
        }
        return isScalar(ix, mul.input(0), 0.5, 0) ? mul.input(1) : null;
    }
}
