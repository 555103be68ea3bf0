package dev.lanes.graph.ir;

import dev.lanes.graph.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A computation graph: nodes, graph inputs and outputs, constant values (initializers and Constant
 * nodes, both held here as tensors) and what is known about each value's type and shape.
 *
 * <p>Graph inputs that also have an initializer are optional at run time: the initializer is their
 * default. Every collection is mutable so that passes can rewrite the graph in place; a {@code Pass}
 * documents what it changes.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Map<String, ValueInfo> valueInfo = new LinkedHashMap<>();

    public Graph(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** Declared graph inputs (including those with an initializer as default), in order. */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** Constant tensors by value name. */
    public Map<String, Tensor> initializers() {
        return initializers;
    }

    /** Known types and shapes of intermediate values (and inferred ones), by name. */
    public Map<String, ValueInfo> valueInfo() {
        return valueInfo;
    }

    public List<String> inputNames() {
        return inputs.stream().map(ValueInfo::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(ValueInfo::name).toList();
    }

    /** The node that produces {@code value}, or null (graph input, initializer, or unknown). */
    public Node producer(String value) {
        for (Node n : nodes) {
            if (n.outputs().contains(value)) {
                return n;
            }
        }
        return null;
    }

    /** The nodes that read {@code value} (as an input or an implicit input). */
    public List<Node> consumers(String value) {
        List<Node> r = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(value) || n.implicitInputs().contains(value)) {
                r.add(n);
            }
        }
        return r;
    }

    /** What is known about {@code value}: declared input/output info, value_info, or an initializer's exact type. */
    public ValueInfo info(String value) {
        Tensor t = initializers.get(value);
        if (t != null) {
            return ValueInfo.of(value, t.dtype(), t.shape());
        }
        for (ValueInfo v : inputs) {
            if (v.name().equals(value)) {
                return v;
            }
        }
        ValueInfo v = valueInfo.get(value);
        if (v != null) {
            return v;
        }
        for (ValueInfo o : outputs) {
            if (o.name().equals(value)) {
                return o;
            }
        }
        return ValueInfo.unknown(value);
    }
}
