package dev.lanes.graph.onnx;

import com.google.protobuf.CodedInputStream;
import dev.lanes.graph.DType;
import dev.lanes.graph.LoadTimings;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.onnx.proto.Onnx.AttributeProto;
import dev.lanes.graph.onnx.proto.Onnx.GraphProto;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import dev.lanes.graph.onnx.proto.Onnx.NodeProto;
import dev.lanes.graph.onnx.proto.Onnx.OperatorSetIdProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorShapeProto;
import dev.lanes.graph.onnx.proto.Onnx.TypeProto;
import dev.lanes.graph.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model into Lanes' IR.
 *
 * <ul>
 *   <li>Initializers and {@code Constant} nodes both become constant tensors of the graph (the PaddleOCR
 *       models keep all their weights in Constant nodes).</li>
 *   <li>Graph inputs that also have an initializer stay inputs; the initializer is their default.</li>
 *   <li>Each node carries the opset its domain is imported at; attribute and input forms of ops that
 *       changed across opsets are resolved by the op itself.</li>
 *   <li>External data (weights in side files) are memory-mapped from the model's directory.</li>
 *   <li>Subgraphs ({@code If} branches) become nested graphs; the outer-scope values they read are
 *       recorded as the node's implicit inputs.</li>
 * </ul>
 * Malformed files fail with an {@link OnnxFormatException} that says what is wrong; nothing is
 * allocated beyond what the file's own bytes justify.
 */
public final class OnnxImporter {
    /** The newest default-domain opset whose semantics Lanes knows. */
    public static final int MAX_OPSET = 27;

    /** Model files from this size on are memory-mapped; smaller ones are read into a byte[] (see {@link #load(Path, LoadTimings.Clock)}). */
    static final long MAP_FROM_BYTES = 16L << 20;

    private final ExternalData external;
    private final Map<String, Integer> opsets;
    private int anonymous;

    private OnnxImporter(ExternalData external, Map<String, Integer> opsets) {
        this.external = external;
        this.opsets = opsets;
    }

    /** Loads a model file; external data are resolved relative to its directory. */
    public static OnnxModel load(Path file) throws IOException {
        return load(file, new LoadTimings.Clock());
    }

    /**
     * Loads a model file, recording the phases {@code read}, {@code parse} and {@code import} on
     * {@code clock}. The protobuf is parsed with aliasing: a weight's {@code raw_data} is a view of the
     * file's bytes, copied once, straight into the tensor's array (letting protobuf copy each raw_data
     * out first cost one more copy of every weight). A file of {@link #MAP_FROM_BYTES} or more is
     * memory-mapped rather than read into a byte[] (one copy less again: together 1 GB of copying and
     * allocation less for GPT-2 small's 500 MB); a smaller one is read, because the first mapping in a
     * JVM costs about 40 ms of class loading and set-up, more than reading 16 MB.
     */
    public static OnnxModel load(Path file, LoadTimings.Clock clock) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException("model file " + file + " is " + size
                    + " bytes; an ONNX protobuf cannot exceed 2 GiB (keep large weights in external data)");
        }
        CodedInputStream in;
        if (size < MAP_FROM_BYTES) {
            in = CodedInputStream.newInstance(Files.readAllBytes(file));
        } else {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                // The OS unmaps the file when the buffer is collected; nothing refers to it after import.
                in = CodedInputStream.newInstance(ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
            }
        }
        clock.lap("read");
        ModelProto m = parse(in, size, file.toString());
        clock.lap("parse");
        Path dir = file.toAbsolutePath().getParent();
        try (ExternalData ext = new ExternalData(dir)) {
            OnnxModel model = fromModel(m, ext);
            clock.lap("import");
            return model;
        }
    }

    /** Loads a model from bytes (external data are not available). */
    public static OnnxModel load(byte[] bytes) {
        return load(bytes, new LoadTimings.Clock());
    }

    /** Loads a model from bytes, recording {@code parse} and {@code import} on {@code clock}. */
    public static OnnxModel load(byte[] bytes, LoadTimings.Clock clock) {
        ModelProto m = parse(bytes, "byte[" + bytes.length + "]");
        clock.lap("parse");
        OnnxModel model = fromModel(m, null);
        clock.lap("import");
        return model;
    }

    /** Loads a model from a stream (read to its end, not closed; external data are not available). */
    public static OnnxModel load(InputStream in) throws IOException {
        return load(in.readAllBytes());
    }

    /**
     * Parses the protobuf, turning protobuf's errors into a message that says this is not a valid model.
     * The weights' raw_data alias {@code bytes} (no copy): do not change the array while the result is in use.
     */
    public static ModelProto parse(byte[] bytes, String what) {
        return parse(CodedInputStream.newInstance(bytes), bytes.length, what);
    }

    private static ModelProto parse(CodedInputStream in, long size, String what) {
        if (size == 0) {
            throw new OnnxFormatException("not an ONNX model: " + what + " is empty");
        }
        ModelProto m;
        try {
            in.setSizeLimit(Integer.MAX_VALUE);
            in.enableAliasing(true);
            m = ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new OnnxFormatException("not a valid ONNX model (truncated or not protobuf): " + what + ": " + e.getMessage(), e);
        }
        if (!m.hasGraph()) {
            throw new OnnxFormatException("not an ONNX model: " + what + " has no graph (wrong file type?)");
        }
        if (m.getIrVersion() <= 0 || m.getIrVersion() > 20) {
            throw new OnnxFormatException("not an ONNX model: " + what + " declares ir_version " + m.getIrVersion());
        }
        return m;
    }

    /** Converts a parsed model. {@code external} may be null when there is no model directory. */
    public static OnnxModel fromModel(ModelProto m, ExternalData external) {
        Map<String, Integer> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            String d = normaliseDomain(o.getDomain());
            if (o.getVersion() <= 0 || o.getVersion() > 10_000) {
                throw new OnnxFormatException("opset_import of domain '" + d + "' has version " + o.getVersion());
            }
            opsets.merge(d, (int) o.getVersion(), Math::max);
        }
        if (opsets.isEmpty()) {
            // IR version 1 and 2 models have no opset_import; ONNX then means opset 1.
            opsets.put("", 1);
        }
        Integer def = opsets.get("");
        if (def != null && def > MAX_OPSET) {
            throw new OnnxFormatException("model imports the default ONNX domain at opset " + def
                    + "; Lanes knows opsets up to " + MAX_OPSET);
        }
        OnnxImporter imp = new OnnxImporter(external, opsets);
        Graph g = imp.graph(m.getGraph(), true);
        return new OnnxModel(g, m.getIrVersion(), opsets, m.getProducerName());
    }

    static String normaliseDomain(String d) {
        return d == null || d.equals("ai.onnx") ? "" : d;
    }

    private Graph graph(GraphProto gp, boolean main) {
        Graph g = new Graph(gp.getName().isEmpty() ? (main ? "main" : "subgraph") : gp.getName());
        for (TensorProto t : gp.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new OnnxFormatException("graph '" + g.name() + "' has an initializer without a name");
            }
            g.initializers().put(t.getName(), TensorProtos.fromProto(t, external));
        }
        if (gp.getSparseInitializerCount() > 0) {
            throw new OnnxFormatException("graph '" + g.name() + "' has sparse initializers, which Lanes does not support");
        }
        for (ValueInfoProto v : gp.getInputList()) {
            g.inputs().add(valueInfo(v, "input"));
        }
        for (ValueInfoProto v : gp.getOutputList()) {
            g.outputs().add(valueInfo(v, "output"));
        }
        for (ValueInfoProto v : gp.getValueInfoList()) {
            ValueInfo vi = valueInfo(v, "value_info");
            g.valueInfo().put(vi.name(), vi);
        }
        for (NodeProto np : gp.getNodeList()) {
            Node n = node(np, g);
            if (n.opType().equals("Constant") && n.domain().isEmpty()) {
                constantToInitializer(n, g);
            } else {
                g.nodes().add(n);
            }
        }
        recordImplicitInputs(g);
        return g;
    }

    private Node node(NodeProto np, Graph g) {
        String domain = normaliseDomain(np.getDomain());
        String name = np.getName().isEmpty() ? np.getOpType() + "#" + (anonymous++) : np.getName();
        Integer opset = opsets.get(domain);
        if (opset == null) {
            throw new OnnxFormatException("node '" + name + "' (op " + np.getOpType() + ") uses domain '" + domain
                    + "', which the model does not import (opset_import lists " + opsets.keySet() + ")");
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (AttributeProto a : np.getAttributeList()) {
            if (attrs.put(a.getName(), attribute(a, name, np.getOpType())) != null) {
                throw new OnnxFormatException("node '" + name + "' (op " + np.getOpType() + ") has attribute '"
                        + a.getName() + "' twice");
            }
        }
        return new Node(name, np.getOpType(), domain, opset, np.getInputList(), np.getOutputList(), attrs);
    }

    private Attribute attribute(AttributeProto a, String node, String op) {
        String where = "node '" + node + "' (op " + op + ") attribute '" + a.getName() + "'";
        if (!a.getRefAttrName().isEmpty()) {
            throw new OnnxFormatException(where + " refers to a function attribute; functions are not supported");
        }
        AttributeProto.AttributeType type = a.getType();
        if (type == AttributeProto.AttributeType.UNDEFINED) {
            type = guessType(a); // IR versions before 2 had no type field
        }
        return switch (type) {
            case FLOAT -> Attribute.ofFloat(a.getName(), a.getF());
            case INT -> Attribute.ofLong(a.getName(), a.getI());
            case STRING -> Attribute.ofString(a.getName(), a.getS().toString(StandardCharsets.UTF_8));
            case TENSOR -> Attribute.ofTensor(a.getName(), TensorProtos.fromProto(a.getT(), external));
            case GRAPH -> Attribute.ofGraph(a.getName(), graph(a.getG(), false));
            case FLOATS -> {
                float[] v = new float[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                yield Attribute.ofFloats(a.getName(), v);
            }
            case INTS -> {
                long[] v = new long[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getInts(i);
                }
                yield Attribute.ofLongs(a.getName(), v);
            }
            case STRINGS -> {
                String[] v = new String[a.getStringsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getStrings(i).toString(StandardCharsets.UTF_8);
                }
                yield Attribute.ofStrings(a.getName(), v);
            }
            case TENSORS -> {
                List<Tensor> v = new ArrayList<>();
                for (TensorProto t : a.getTensorsList()) {
                    v.add(TensorProtos.fromProto(t, external));
                }
                yield Attribute.ofTensors(a.getName(), v);
            }
            case GRAPHS -> {
                List<Graph> v = new ArrayList<>();
                for (GraphProto sub : a.getGraphsList()) {
                    v.add(graph(sub, false));
                }
                yield Attribute.ofGraphs(a.getName(), v);
            }
            default -> throw new OnnxFormatException(where + " has type " + type + ", which Lanes does not support");
        };
    }

    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.hasG()) {
            return AttributeProto.AttributeType.GRAPH;
        }
        if (a.hasT()) {
            return AttributeProto.AttributeType.TENSOR;
        }
        if (a.getIntsCount() > 0) {
            return AttributeProto.AttributeType.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return AttributeProto.AttributeType.FLOATS;
        }
        if (a.getStringsCount() > 0) {
            return AttributeProto.AttributeType.STRINGS;
        }
        if (!a.getS().isEmpty()) {
            return AttributeProto.AttributeType.STRING;
        }
        if (a.getF() != 0f) {
            return AttributeProto.AttributeType.FLOAT;
        }
        return AttributeProto.AttributeType.INT;
    }

    private static void constantToInitializer(Node n, Graph g) {
        if (n.outputs().size() != 1 || n.outputs().get(0).isEmpty()) {
            throw new OnnxFormatException(n.describe() + " must have exactly one output");
        }
        if (n.attributes().size() != 1) {
            throw new OnnxFormatException(n.describe() + " must have exactly one value attribute, has " + n.attributes().keySet());
        }
        Attribute a = n.attributes().values().iterator().next();
        Tensor t = switch (a.name()) {
            case "value" -> (Tensor) a.value();
            case "value_float" -> Tensor.scalar((Float) a.value());
            case "value_floats" -> {
                float[] v = (float[]) a.value();
                yield Tensor.of(v.clone(), v.length);
            }
            case "value_int" -> Tensor.scalarLong((Long) a.value());
            case "value_ints" -> {
                long[] v = (long[]) a.value();
                yield Tensor.ofLongs(v.clone(), v.length);
            }
            default -> throw new OnnxFormatException(n.describe() + ": attribute '" + a.name()
                    + "' is not supported (Lanes reads value, value_float(s), value_int(s))");
        };
        String out = n.outputs().get(0);
        if (g.initializers().put(out, t) != null) {
            throw new OnnxFormatException(n.describe() + " redefines the value '" + out + "'");
        }
    }

    private ValueInfo valueInfo(ValueInfoProto v, String kind) {
        if (v.getName().isEmpty()) {
            throw new OnnxFormatException("a graph " + kind + " has no name");
        }
        if (!v.hasType() || !v.getType().hasTensorType()) {
            if (v.hasType() && v.getType().getValueCase() != TypeProto.ValueCase.VALUE_NOT_SET) {
                throw new OnnxFormatException("graph " + kind + " '" + v.getName() + "' is a " + v.getType().getValueCase()
                        + "; Lanes supports tensors only");
            }
            return ValueInfo.unknown(v.getName());
        }
        TypeProto.Tensor tt = v.getType().getTensorType();
        DType dtype = null;
        if (tt.getElemType() != 0) {
            try {
                dtype = DType.fromOnnx(tt.getElemType());
            } catch (IllegalArgumentException e) {
                throw new OnnxFormatException("graph " + kind + " '" + v.getName() + "': " + e.getMessage());
            }
        }
        List<Dim> dims = null;
        if (tt.hasShape()) {
            dims = new ArrayList<>();
            for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                if (d.hasDimValue()) {
                    if (d.getDimValue() < 0) {
                        dims.add(Dim.UNKNOWN);
                    } else {
                        dims.add(Dim.of(d.getDimValue()));
                    }
                } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                    dims.add(Dim.symbol(d.getDimParam()));
                } else {
                    dims.add(Dim.UNKNOWN);
                }
            }
        }
        return new ValueInfo(v.getName(), dtype, dims);
    }

    /**
     * For each node with subgraphs, records as implicit inputs the values its subgraphs read from
     * outside themselves. Returns nothing; the free values of {@code g} itself are found by
     * {@link #freeValues}.
     */
    private static void recordImplicitInputs(Graph g) {
        for (Node n : g.nodes()) {
            Set<String> free = new LinkedHashSet<>();
            for (Attribute a : n.attributes().values()) {
                if (a.value() instanceof Graph sub) {
                    free.addAll(freeValues(sub));
                } else if (a.kind() == Attribute.Kind.GRAPHS) {
                    @SuppressWarnings("unchecked")
                    List<Graph> subs = (List<Graph>) a.value();
                    for (Graph sub : subs) {
                        free.addAll(freeValues(sub));
                    }
                }
            }
            n.implicitInputs().addAll(free);
        }
    }

    /** Values that {@code g} reads but does not define (its outer-scope reads), in first-use order. */
    public static Set<String> freeValues(Graph g) {
        Set<String> defined = new HashSet<>(g.initializers().keySet());
        defined.addAll(g.inputNames());
        for (Node n : g.nodes()) {
            defined.addAll(n.outputs());
        }
        Set<String> free = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            for (String r : n.allReads()) {
                if (!defined.contains(r)) {
                    free.add(r);
                }
            }
        }
        for (String out : g.outputNames()) {
            if (!defined.contains(out)) {
                free.add(out);
            }
        }
        return free;
    }
}
