package dev.lanes.graph.exec;

import dev.lanes.graph.Backend;
import dev.lanes.graph.ModelException;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What an {@link OpFactory} sees of its node at session creation: attributes (each read marks it as
 * understood), constant inputs, known input types, and a way to compile subgraphs. Errors raised
 * here name the node, op, domain and opset.
 */
public final class OpSetup {
    private final Node node;
    private final Backend backend;
    private final Map<String, Tensor> constants;
    private final Function<String, ValueInfo> infoOf;
    private final SubgraphCompiler subgraphs;
    private final Set<String> read = new HashSet<>();
    private final SessionWeights weights;
    private final Set<String> defaults;
    private final Set<Integer> packedInputs = new HashSet<>();

    /** Compiles a subgraph whose free values are supplied by the enclosing node at run time. */
    @FunctionalInterface
    public interface SubgraphCompiler {
        ExecutionPlan compile(Graph subgraph);
    }

    public OpSetup(Node node, Backend backend, Map<String, Tensor> constants, Function<String, ValueInfo> infoOf,
                   SubgraphCompiler subgraphs) {
        this(node, backend, constants, infoOf, subgraphs, new SessionWeights(), Set.of());
    }

    /**
     * With the session's packed weights, shared by all its plans, and the names of the graph inputs
     * whose constant is a default a caller may replace.
     */
    public OpSetup(Node node, Backend backend, Map<String, Tensor> constants, Function<String, ValueInfo> infoOf,
                   SubgraphCompiler subgraphs, SessionWeights weights, Set<String> defaults) {
        this.weights = weights;
        this.defaults = defaults;
        this.node = node;
        this.backend = backend;
        this.constants = constants;
        this.infoOf = infoOf;
        this.subgraphs = subgraphs;
    }

    public Node node() {
        return node;
    }

    public int opset() {
        return node.opset();
    }

    public Backend backend() {
        return backend;
    }

    /** Number of inputs as written (omitted trailing inputs not counted). */
    public int inputCount() {
        return node.inputs().size();
    }

    public int outputCount() {
        return node.outputs().size();
    }

    /** True when input {@code i} is present (not omitted). */
    public boolean hasInput(int i) {
        return i < node.inputs().size() && !node.inputs().get(i).isEmpty();
    }

    /** True when output {@code i} is requested. */
    public boolean hasOutput(int i) {
        return i < node.outputs().size() && !node.outputs().get(i).isEmpty();
    }

    /** The constant value of input {@code i} (an initializer or Constant), or null if it is computed or absent. */
    public Tensor constantInput(int i) {
        return hasInput(i) ? constants.get(node.inputs().get(i)) : null;
    }

    /**
     * True when input {@code i} is a graph input whose {@link #constantInput} is only its default: a
     * run may bring another value, so an operator that prepared the default must check that the
     * value it gets is that very tensor.
     */
    public boolean isDefaultInput(int i) {
        return hasInput(i) && defaults.contains(node.inputs().get(i));
    }

    /**
     * Constant input {@code i} in {@code form}, packed once per session (every plan of the session that
     * binds this constant gets the same object). With {@code valuesUnread}, the operator promises that
     * it never reads input {@code i}'s values at run time (only its shape), so when no other reader
     * needs them the session drops the raw values and keeps the packed form only.
     */
    public <T> T packedInput(int i, SessionWeights.Form<T> form, boolean valuesUnread) {
        Tensor c = constantInput(i);
        if (c == null) {
            throw new IllegalStateException(node.describe() + ": input " + i + " is not a constant");
        }
        T packed = weights.packed(c, form);
        if (valuesUnread) {
            packedInputs.add(i);
        }
        return packed;
    }

    /**
     * The operator can read constant input {@code i} from a packed form another operator made (it looks
     * it up in {@link #weights()} at run time when the value it gets holds no values), so input {@code i}
     * does not keep the raw values alive on its account. When no other reader packs it, the constant
     * stays raw and the operator reads it as usual.
     */
    public void readsAnyPackedForm(int i) {
        if (constantInput(i) == null) {
            throw new IllegalStateException(node.describe() + ": input " + i + " is not a constant");
        }
        packedInputs.add(i);
    }

    /** The session's packed weights. */
    public SessionWeights weights() {
        return weights;
    }

    /** Inputs whose values the operator does not read at run time (it took their packed form). */
    Set<Integer> packedInputs() {
        return packedInputs;
    }

    /** Forgets the packed inputs of a fast binding that declined the node (the reference binding runs it). */
    void forgetPackedInputs() {
        packedInputs.clear();
    }

    /** What is known of input {@code i}'s type and shape before running. */
    public ValueInfo inputInfo(int i) {
        return infoOf.apply(node.input(i));
    }

    public boolean hasAttribute(String name) {
        read.add(name);
        return node.attributes().containsKey(name);
    }

    /** Marks attributes as understood without reading them (e.g. training-only ones that have no effect at inference). */
    public void ignore(String... names) {
        read.addAll(Set.of(names));
    }

    public long getLong(String name, long dflt) {
        Attribute a = attr(name, Attribute.Kind.INT);
        return a == null ? dflt : (Long) a.value();
    }

    public float getFloat(String name, float dflt) {
        Attribute a = attr(name, Attribute.Kind.FLOAT);
        return a == null ? dflt : (Float) a.value();
    }

    public String getString(String name, String dflt) {
        Attribute a = attr(name, Attribute.Kind.STRING);
        return a == null ? dflt : (String) a.value();
    }

    public long[] getLongs(String name, long[] dflt) {
        Attribute a = attr(name, Attribute.Kind.INTS);
        return a == null ? dflt : (long[]) a.value();
    }

    public float[] getFloats(String name, float[] dflt) {
        Attribute a = attr(name, Attribute.Kind.FLOATS);
        return a == null ? dflt : (float[]) a.value();
    }

    public String[] getStrings(String name, String[] dflt) {
        Attribute a = attr(name, Attribute.Kind.STRINGS);
        return a == null ? dflt : (String[]) a.value();
    }

    public Tensor getTensor(String name) {
        Attribute a = attr(name, Attribute.Kind.TENSOR);
        return a == null ? null : (Tensor) a.value();
    }

    public Graph getGraph(String name) {
        Attribute a = attr(name, Attribute.Kind.GRAPH);
        return a == null ? null : (Graph) a.value();
    }

    /** Compiles a subgraph of this node with the session's registry and backend. */
    public ExecutionPlan compileSubgraph(Graph g) {
        return subgraphs.compile(g);
    }

    private Attribute attr(String name, Attribute.Kind kind) {
        read.add(name);
        Attribute a = node.attributes().get(name);
        if (a == null) {
            return null;
        }
        if (a.kind() != kind) {
            // ONNX writers sometimes store an INT where a FLOAT is expected; accept that one widening.
            if (kind == Attribute.Kind.FLOAT && a.kind() == Attribute.Kind.INT) {
                return new Attribute(name, kind, (float) (long) (Long) a.value());
            }
            throw invalid("attribute '" + name + "' must be " + kind + ", the model has " + a.kind());
        }
        return a;
    }

    /** Attributes present on the node that the factory never read. */
    public Set<String> unreadAttributes() {
        Set<String> s = new HashSet<>(node.attributes().keySet());
        s.removeAll(read);
        return s;
    }

    /** An error for an attribute value or input form this runtime does not support. */
    public ModelException unsupported(String what) {
        return new ModelException(node.describe() + ": unsupported " + what);
    }

    /** An error for a model that breaks the op's definition. */
    public ModelException invalid(String what) {
        return new ModelException(node.describe() + ": " + what);
    }
}
