package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who produces and who reads each value of a graph, built once so that a pass does not rescan the
 * node list for every question ({@link Graph#producer} is linear). A pass that rewrites the graph
 * builds a new index afterwards (or keeps this one up to date with {@link #replaceUses}).
 *
 * <p>A value is <em>constant</em> when it is an initializer that is not also a graph input: a graph
 * input with an initializer is only a default, the caller may replace it at run time.
 */
final class GraphIndex {
    private final Graph graph;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private int fresh;

    GraphIndex(Graph graph) {
        this.graph = graph;
        graphOutputs.addAll(graph.outputNames());
        graphInputs.addAll(graph.inputNames());
        names.addAll(graph.initializers().keySet());
        names.addAll(graphInputs);
        for (Node n : graph.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    producer.put(o, n);
                    names.add(o);
                }
            }
            for (String r : n.allReads()) {
                consumers.computeIfAbsent(r, k -> new ArrayList<>()).add(n);
            }
        }
    }

    Graph graph() {
        return graph;
    }

    /** The node computing {@code value}, or null for inputs, constants and unknown names. */
    Node producer(String value) {
        return producer.get(value);
    }

    /** The nodes reading {@code value}; a node reading it twice appears twice. */
    List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    boolean isGraphInput(String value) {
        return graphInputs.contains(value);
    }

    /** The value's tensor when it is a true constant (an initializer that is not a graph input), else null. */
    Tensor constant(String value) {
        if (value.isEmpty() || graphInputs.contains(value)) {
            return null;
        }
        return graph.initializers().get(value);
    }

    boolean isConstant(String value) {
        return constant(value) != null;
    }

    /**
     * True when {@code value} is read by exactly one node input (counted per occurrence) and is not a
     * graph output: the condition for fusing its producer into that reader.
     */
    boolean hasSingleUse(String value) {
        return !graphOutputs.contains(value) && consumers(value).size() == 1;
    }

    /** The only reader of {@code value}, or null when it has none, several, or is a graph output. */
    Node singleConsumer(String value) {
        return hasSingleUse(value) ? consumers(value).get(0) : null;
    }

    /** What is known of the value's type and shape (inferred or declared). */
    ValueInfo info(String value) {
        return graph.info(value);
    }

    /** A value name not yet used in the graph, built from {@code base}. */
    String freshName(String base) {
        String n;
        do {
            n = base + "_lanes" + (fresh++);
        } while (names.contains(n));
        names.add(n);
        return n;
    }

    /** Adds a constant under a fresh name derived from {@code base} and returns the name. */
    String addConstant(String base, Tensor value) {
        String name = freshName(base);
        graph.initializers().put(name, value);
        return name;
    }
}
