package dev.lanes.graph.onnx;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.proto.Onnx.AttributeProto;
import dev.lanes.graph.onnx.proto.Onnx.GraphProto;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import dev.lanes.graph.onnx.proto.Onnx.NodeProto;
import dev.lanes.graph.onnx.proto.Onnx.OperatorSetIdProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorShapeProto;
import dev.lanes.graph.onnx.proto.Onnx.TypeProto;
import dev.lanes.graph.onnx.proto.Onnx.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds ONNX models in code: graph inputs and outputs with dtype and (possibly symbolic) shape,
 * initializers, nodes with attributes, opset imports. Benchmarks use it to write single-node models
 * for ONNX Runtime; model builders use it for whole networks; tests use it for bad models.
 *
 * <pre>{@code
 * byte[] onnx = new OnnxModelBuilder("conv").opset(17)
 *     .input("X", DType.FLOAT32, 1, 3, 224, 224)
 *     .initializer("W", Tensor.of(weights, 64, 3, 7, 7))
 *     .node("Conv").inputs("X", "W").outputs("Y")
 *         .attrInts("kernel_shape", 7, 7).attrInts("strides", 2, 2).attrInts("pads", 3, 3, 3, 3).add()
 *     .output("Y", DType.FLOAT32, 1, 64, 112, 112)
 *     .toBytes();
 * }</pre>
 *
 * <p>A dimension given to {@link #input} / {@link #output} is an {@code Integer} or {@code Long}
 * (fixed), a {@code String} (symbolic, e.g. "batch") or {@code null} (unknown). No dims at all means a
 * scalar; use {@link #inputUnknownRank} for a tensor of unknown rank.
 */
public final class OnnxModelBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private long irVersion = -1;
    private String producer = "lanes";
    private int nodeCounter;

    /** A builder for a graph named {@code graphName}, importing the default ONNX domain at opset 17 unless changed. */
    public OnnxModelBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Imports the default ONNX domain ("") at {@code version}. */
    public OnnxModelBuilder opset(long version) {
        return opset("", version);
    }

    /** Imports {@code domain} at {@code version} (e.g. "com.microsoft"). */
    public OnnxModelBuilder opset(String domain, long version) {
        opsets.put(domain, version);
        return this;
    }

    /** Overrides the IR version (by default derived from the default-domain opset as onnx does). */
    public OnnxModelBuilder irVersion(long version) {
        this.irVersion = version;
        return this;
    }

    public OnnxModelBuilder producer(String name) {
        this.producer = name;
        return this;
    }

    public OnnxModelBuilder input(String name, DType dtype, Object... dims) {
        graph.addInput(tensorInfo(name, dtype, dims));
        return this;
    }

    public OnnxModelBuilder inputUnknownRank(String name, DType dtype) {
        graph.addInput(tensorInfo(name, dtype, (Object[]) null));
        return this;
    }

    public OnnxModelBuilder output(String name, DType dtype, Object... dims) {
        graph.addOutput(tensorInfo(name, dtype, dims));
        return this;
    }

    public OnnxModelBuilder outputUnknownRank(String name, DType dtype) {
        graph.addOutput(tensorInfo(name, dtype, (Object[]) null));
        return this;
    }

    /** Declares the type of an intermediate value ({@code value_info}). */
    public OnnxModelBuilder valueInfo(String name, DType dtype, Object... dims) {
        graph.addValueInfo(tensorInfo(name, dtype, dims));
        return this;
    }

    /** A constant tensor stored in the model (encoded as raw_data). */
    public OnnxModelBuilder initializer(String name, Tensor value) {
        graph.addInitializer(TensorProtos.toProto(name, value));
        return this;
    }

    /** Starts a node; finish it with {@link NodeBuilder#add()}. */
    public NodeBuilder node(String opType) {
        return new NodeBuilder(this, opType);
    }

    /** The graph alone, for use as a subgraph attribute ({@code If} branches). */
    public GraphProto buildGraph() {
        return graph.build();
    }

    public ModelProto build() {
        Map<String, Long> imports = new LinkedHashMap<>(opsets);
        imports.putIfAbsent("", 17L);
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(irVersion > 0 ? irVersion : irVersionFor(imports.get("")))
                .setProducerName(producer)
                .setGraph(graph);
        imports.forEach((d, v) -> m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
        return m.build();
    }

    public byte[] toBytes() {
        return OnnxWriter.toBytes(build());
    }

    public void writeTo(Path file) throws IOException {
        OnnxWriter.write(build(), file);
    }

    /** The IR version onnx pairs with a default-domain opset (its helper's version table). */
    static long irVersionFor(long opset) {
        if (opset <= 8) {
            return 3;
        }
        if (opset <= 9) {
            return 4;
        }
        if (opset <= 10) {
            return 5;
        }
        if (opset <= 11) {
            return 6;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        if (opset <= 22) {
            return 10;
        }
        return 11;
    }

    /** A ValueInfoProto for a tensor; {@code dims == null} leaves the shape (and rank) unknown. */
    public static ValueInfoProto tensorInfo(String name, DType dtype, Object... dims) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(dtype.onnxCode());
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Object d : dims) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d instanceof Number n) {
                    dim.setDimValue(n.longValue());
                } else if (d instanceof String s) {
                    dim.setDimParam(s);
                } else if (d != null) {
                    throw new IllegalArgumentException("dimension of '" + name + "' must be a number, a name or null, got " + d);
                }
                shape.addDim(dim);
            }
            tt.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }

    /** One node under construction. */
    public static final class NodeBuilder {
        private final OnnxModelBuilder owner;
        private final NodeProto.Builder node = NodeProto.newBuilder();

        NodeBuilder(OnnxModelBuilder owner, String opType) {
            this.owner = owner;
            node.setOpType(opType);
        }

        /** Input value names in order; "" stands for an omitted optional input. */
        public NodeBuilder inputs(String... names) {
            for (String n : names) {
                node.addInput(n);
            }
            return this;
        }

        public NodeBuilder outputs(String... names) {
            for (String n : names) {
                node.addOutput(n);
            }
            return this;
        }

        public NodeBuilder name(String name) {
            node.setName(name);
            return this;
        }

        public NodeBuilder domain(String domain) {
            node.setDomain(domain);
            return this;
        }

        public NodeBuilder attr(String name, long value) {
            return put(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
        }

        public NodeBuilder attr(String name, float value) {
            return put(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
        }

        public NodeBuilder attr(String name, double value) {
            return attr(name, (float) value);
        }

        public NodeBuilder attr(String name, String value) {
            return put(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
        }

        public NodeBuilder attr(String name, Tensor value) {
            return put(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                    .setT(TensorProtos.toProto("", value)));
        }

        public NodeBuilder attr(String name, GraphProto value) {
            return put(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(value));
        }

        public NodeBuilder attrInts(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            return put(a);
        }

        public NodeBuilder attrInts(String name, int[] values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (int v : values) {
                a.addInts(v);
            }
            return put(a);
        }

        public NodeBuilder attrFloats(String name, float... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
            for (float v : values) {
                a.addFloats(v);
            }
            return put(a);
        }

        public NodeBuilder attrStrings(String name, String... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
            for (String v : values) {
                a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
            }
            return put(a);
        }

        private NodeBuilder put(AttributeProto.Builder a) {
            node.addAttribute(a);
            return this;
        }

        /** Adds the node to the graph (named op_N when no name was given) and returns the model builder. */
        public OnnxModelBuilder add() {
            if (node.getName().isEmpty()) {
                node.setName(node.getOpType() + "_" + owner.nodeCounter);
            }
            owner.nodeCounter++;
            owner.graph.addNode(node);
            return owner;
        }
    }
}
