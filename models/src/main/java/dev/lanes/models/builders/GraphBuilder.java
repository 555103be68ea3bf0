package dev.lanes.models.builders;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a model directly on Lanes' graph IR ({@link Graph}, {@link Node}, constant tensors), the way
 * an exporter would write it: every node of the default ONNX domain at one opset, parameters as
 * initializers named like the framework's state dict ({@code layer1.0.conv1.weight}), nodes named by
 * their module path ({@code layer1.0.conv1/Conv}) so a per-node profile reads like the model.
 *
 * <p>Parameters are random but deterministic: each is filled from a generator seeded with the model
 * seed and the parameter's name, so one parameter does not change when another is added. Trainable
 * parameters and buffers (batch-norm running statistics) are counted apart so that
 * {@link #parameterCount()} matches the published size of the architecture.
 */
public final class GraphBuilder {
    private final Graph graph;
    private final long seed;
    private final Map<String, Integer> used = new HashMap<>();
    private final java.util.Set<String> nodeNames = new java.util.HashSet<>();
    private final Map<String, String> sharedConstants = new HashMap<>();
    private long parameters;
    private long buffers;

    public GraphBuilder(String name, long seed) {
        this.graph = new Graph(name);
        this.seed = seed;
    }

    /** Declares a graph input; a dim is an Integer (fixed) or a String (symbolic). Returns its name. */
    public String input(String name, DType dtype, Object... dims) {
        claim(name);
        graph.inputs().add(new ValueInfo(name, dtype, dims(dims)));
        return name;
    }

    /**
     * Declares {@code value} as the graph output {@code name} (an Identity is added when the value
     * has another name, as exporters do).
     */
    public void output(String value, String name, DType dtype, Object... dims) {
        String v = value;
        if (!value.equals(name)) {
            claim(name);
            graph.nodes().add(new Node(uniqueNode(name + "/Identity"), "Identity", "", 0, List.of(value), List.of(name), Map.of()));
            v = name;
        }
        graph.outputs().add(new ValueInfo(v, dtype, dims(dims)));
    }

    /** A trainable parameter of the given shape, filled by {@code init}. */
    public String param(String name, WeightInit init, int... shape) {
        Tensor t = random(name, init, shape);
        parameters += t.size();
        return constant(name, t);
    }

    /** A non-trainable buffer (running statistics), filled by {@code init}; not counted as a parameter. */
    public String buffer(String name, WeightInit init, int... shape) {
        Tensor t = random(name, init, shape);
        buffers += t.size();
        return constant(name, t);
    }

    /** A named constant. */
    public String constant(String name, Tensor value) {
        claim(name);
        graph.initializers().put(name, value);
        return name;
    }

    /** A shared int64 vector constant (shapes, axes, split sizes), one initializer per distinct value. */
    public String longs(long... values) {
        String key = "i64" + Arrays.toString(values);
        return sharedConstants.computeIfAbsent(key,
                k -> constant(uniqueName("const_i64_" + values.length), Tensor.ofLongs(values.clone(), values.length)));
    }

    /** A shared int64 scalar constant. */
    public String longScalar(long value) {
        return sharedConstants.computeIfAbsent("i64 " + value,
                k -> constant(uniqueName("const_i64"), Tensor.scalarLong(value)));
    }

    /** A shared float32 scalar constant. */
    public String scalar(float value) {
        return sharedConstants.computeIfAbsent("f32 " + Float.floatToRawIntBits(value),
                k -> constant(uniqueName("const_f32"), Tensor.scalar(value)));
    }

    /** Adds a node with one output, named after {@code scope} and the op; returns the output's name. */
    public String op(String scope, String opType, List<String> inputs, Attribute... attributes) {
        return ops(scope, opType, inputs, 1, attributes)[0];
    }

    /** Adds a node with one output named {@code output} (a graph output, say); returns that name. */
    public String opTo(String output, String scope, String opType, List<String> inputs, Attribute... attributes) {
        String node = uniqueNode(scope.isEmpty() ? opType : scope + "/" + opType);
        claim(output);
        graph.nodes().add(new Node(node, opType, "", 0, inputs, List.of(output), attributes(attributes)));
        return output;
    }

    /** Adds a node with {@code outputs} outputs; returns their names. */
    public String[] ops(String scope, String opType, List<String> inputs, int outputs, Attribute... attributes) {
        String node = uniqueNode(scope.isEmpty() ? opType : scope + "/" + opType);
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            outs[i] = outputs == 1 ? node + ":0" : node + ":" + i;
            claim(outs[i]);
        }
        graph.nodes().add(new Node(node, opType, "", 0, inputs, List.of(outs), attributes(attributes)));
        return outs;
    }

    private static Map<String, Attribute> attributes(Attribute... attributes) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            attrs.put(a.name(), a);
        }
        return attrs;
    }

    /** Trainable parameters added so far (elements). */
    public long parameterCount() {
        return parameters;
    }

    /** Buffers (non-trainable constants such as running statistics) added so far (elements). */
    public long bufferCount() {
        return buffers;
    }

    /**
     * The model. Every node of the default domain gets {@code opset}; the builder must not be used
     * afterwards.
     */
    public OnnxModel build(int opset) {
        Graph g = new Graph(graph.name());
        g.inputs().addAll(graph.inputs());
        g.outputs().addAll(graph.outputs());
        g.initializers().putAll(graph.initializers());
        for (Node n : graph.nodes()) {
            g.nodes().add(new Node(n.name(), n.opType(), n.domain(), opset, n.inputs(), n.outputs(), n.attributes()));
        }
        return new OnnxModel(g, 0, Map.of("", opset), "lanes-builders");
    }

    private Tensor random(String name, WeightInit init, int... shape) {
        float[] v = new float[Tensor.checkedSize(shape)];
        init.fill(v, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode()));
        return Tensor.of(v, shape);
    }

    private void claim(String name) {
        if (used.putIfAbsent(name, 0) != null) {
            throw new IllegalArgumentException("value name '" + name + "' is used twice in model '" + graph.name() + "'");
        }
    }

    /** {@code base}, or {@code base_k} with the first k that names no value yet. */
    private String uniqueName(String base) {
        String name = base;
        for (int k = 1; used.containsKey(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /** A fresh node name: {@code base}, or {@code base_k}; outputs are named {@code node:i}. */
    private String uniqueNode(String base) {
        String name = base;
        for (int k = 1; nodeNames.contains(name) || used.containsKey(name + ":0"); k++) {
            name = base + "_" + k;
        }
        nodeNames.add(name);
        return name;
    }

    private static List<Dim> dims(Object... dims) {
        List<Dim> r = new ArrayList<>();
        for (Object d : dims) {
            if (d instanceof Number n) {
                r.add(Dim.of(n.longValue()));
            } else if (d instanceof String s) {
                r.add(Dim.symbol(s));
            } else {
                throw new IllegalArgumentException("a dimension is a number or a symbol name, got " + d);
            }
        }
        return r;
    }

    // Attribute shorthands, so that layer code reads like the ONNX spec.

    public static Attribute attr(String name, long value) {
        return Attribute.ofLong(name, value);
    }

    public static Attribute attr(String name, float value) {
        return Attribute.ofFloat(name, value);
    }

    public static Attribute attr(String name, String value) {
        return Attribute.ofString(name, value);
    }

    public static Attribute ints(String name, long... values) {
        return Attribute.ofLongs(name, values);
    }
}
