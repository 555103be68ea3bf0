package dev.lanes.graph.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Inputs and outputs are value names; an empty name stands for an omitted
 * optional input or output. {@code opset} is the version of the node's domain the model imports
 * (it selects the op's semantics, e.g. Softmax before and after 13). {@code implicitInputs} are the
 * outer-scope values read by the node's subgraphs ({@code If} branches), filled in at import so that
 * scheduling and liveness see them.
 */
public final class Node {
    private String name;
    private final String opType;
    private final String domain;
    private final int opset;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;
    private final List<String> implicitInputs = new ArrayList<>();

    public Node(String name, String opType, String domain, int opset, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {
        this.name = name;
        this.opType = opType;
        this.domain = domain;
        this.opset = opset;
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.attributes = new LinkedHashMap<>(attributes);
    }

    public String name() {
        return name;
    }

    public void rename(String newName) {
        this.name = newName;
    }

    public String opType() {
        return opType;
    }

    /** "" for the default ONNX domain ("ai.onnx" is normalised to ""). */
    public String domain() {
        return domain;
    }

    public int opset() {
        return opset;
    }

    /** Mutable, for passes. */
    public List<String> inputs() {
        return inputs;
    }

    /** Mutable, for passes. */
    public List<String> outputs() {
        return outputs;
    }

    /** Mutable, for passes. */
    public Map<String, Attribute> attributes() {
        return attributes;
    }

    /** Mutable: outer-scope values the node's subgraphs read. */
    public List<String> implicitInputs() {
        return implicitInputs;
    }

    /** Input {@code i}, or "" when the node has fewer inputs. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    /** Every value the node reads: its inputs (omitted ones dropped) then its implicit inputs. */
    public List<String> allReads() {
        List<String> r = new ArrayList<>();
        for (String s : inputs) {
            if (!s.isEmpty()) {
                r.add(s);
            }
        }
        r.addAll(implicitInputs);
        return r;
    }

    /** "node 'conv1' (op Conv, domain '', opset 11)" for messages. */
    public String describe() {
        return "node '" + name + "' (op " + opType + ", domain '" + domain + "', opset " + opset + ")";
    }

    @Override
    public String toString() {
        return describe() + " " + inputs + " -> " + outputs;
    }
}
