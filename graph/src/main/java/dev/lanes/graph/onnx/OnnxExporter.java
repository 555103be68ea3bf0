package dev.lanes.graph.onnx;

import com.google.protobuf.ByteString;
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
import dev.lanes.graph.onnx.proto.Onnx.TensorShapeProto;
import dev.lanes.graph.onnx.proto.Onnx.TypeProto;
import dev.lanes.graph.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns a model held in Lanes' IR back into an ONNX {@code ModelProto}, so that a graph built in code
 * (the model builders) or rewritten by a tool is the very file ONNX Runtime, onnx and Netron read.
 * The inverse of {@link OnnxImporter}: importing an exported model gives the same nodes, inputs,
 * outputs, value infos and constants.
 *
 * <p>Constants become initializers (raw little-endian data). A constant that is not also a graph input
 * is written as an initializer only, as exporters do since IR version 4; a graph input with an
 * initializer keeps both (the initializer is the input's default). Subgraph attributes are exported
 * recursively. The IR version is the one onnx pairs with the default-domain opset unless the model
 * states a newer one.
 */
public final class OnnxExporter {
    private OnnxExporter() {}

    /** The model as a {@code ModelProto}. */
    public static ModelProto toProto(OnnxModel model) {
        Map<String, Integer> opsets = model.opsets();
        int def = opsets.getOrDefault("", 0);
        if (def <= 0) {
            throw new IllegalArgumentException("model '" + model.graph().name() + "' imports no default-domain opset");
        }
        long ir = Math.max(model.irVersion(), OnnxModelBuilder.irVersionFor(def));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(ir)
                .setProducerName(model.producer() == null ? "lanes" : model.producer())
                .setGraph(graph(model.graph()));
        // The default domain first, as onnx writes it; the others in the model's order.
        m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(def));
        opsets.forEach((domain, version) -> {
            if (!domain.isEmpty()) {
                m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
            }
        });
        return m.build();
    }

    /** The bytes of a {@code .onnx} file holding {@code model}. */
    public static byte[] toBytes(OnnxModel model) {
        return OnnxWriter.toBytes(toProto(model));
    }

    /** Writes {@code model} to {@code file} (created or replaced; parent directories created). */
    public static void write(OnnxModel model, Path file) throws IOException {
        OnnxWriter.write(toProto(model), file);
    }

    /** One graph (main or subgraph) as a {@code GraphProto}. */
    public static GraphProto graph(Graph g) {
        GraphProto.Builder gp = GraphProto.newBuilder().setName(g.name());
        for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
            gp.addInitializer(TensorProtos.toProto(e.getKey(), e.getValue()));
        }
        for (ValueInfo v : g.inputs()) {
            gp.addInput(valueInfo(v));
        }
        for (ValueInfo v : g.outputs()) {
            gp.addOutput(valueInfo(v));
        }
        for (ValueInfo v : g.valueInfo().values()) {
            gp.addValueInfo(valueInfo(v));
        }
        for (Node n : g.nodes()) {
            gp.addNode(node(n));
        }
        return gp.build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder np = NodeProto.newBuilder()
                .setName(n.name())
                .setOpType(n.opType())
                .addAllInput(n.inputs())
                .addAllOutput(n.outputs());
        if (!n.domain().isEmpty()) {
            np.setDomain(n.domain());
        }
        for (Attribute a : n.attributes().values()) {
            np.addAttribute(attribute(a, n));
        }
        return np.build();
    }

    private static AttributeProto attribute(Attribute a, Node n) {
        AttributeProto.Builder ap = AttributeProto.newBuilder().setName(a.name());
        switch (a.kind()) {
            case FLOAT -> ap.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) a.value()).floatValue());
            case INT -> ap.setType(AttributeProto.AttributeType.INT).setI(((Number) a.value()).longValue());
            case STRING -> ap.setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFrom((String) a.value(), StandardCharsets.UTF_8));
            case TENSOR -> ap.setType(AttributeProto.AttributeType.TENSOR).setT(TensorProtos.toProto("", (Tensor) a.value()));
            case GRAPH -> ap.setType(AttributeProto.AttributeType.GRAPH).setG(graph((Graph) a.value()));
            case FLOATS -> {
                ap.setType(AttributeProto.AttributeType.FLOATS);
                for (float f : (float[]) a.value()) {
                    ap.addFloats(f);
                }
            }
            case INTS -> {
                ap.setType(AttributeProto.AttributeType.INTS);
                for (long i : (long[]) a.value()) {
                    ap.addInts(i);
                }
            }
            case STRINGS -> {
                ap.setType(AttributeProto.AttributeType.STRINGS);
                for (String s : (String[]) a.value()) {
                    ap.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8));
                }
            }
            case TENSORS -> {
                ap.setType(AttributeProto.AttributeType.TENSORS);
                for (Object t : (List<?>) a.value()) {
                    ap.addTensors(TensorProtos.toProto("", (Tensor) t));
                }
            }
            case GRAPHS -> {
                ap.setType(AttributeProto.AttributeType.GRAPHS);
                for (Object sub : (List<?>) a.value()) {
                    ap.addGraphs(graph((Graph) sub));
                }
            }
            default -> throw new IllegalArgumentException(n.describe() + ": attribute '" + a.name() + "' of kind "
                    + a.kind() + " cannot be exported");
        }
        return ap.build();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        ValueInfoProto.Builder vp = ValueInfoProto.newBuilder().setName(v.name());
        if (v.dtype() == null && v.dims() == null) {
            return vp.build();
        }
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder();
        if (v.dtype() != null) {
            tt.setElemType(v.dtype().onnxCode());
        }
        if (v.dims() != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Dim d : v.dims()) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d.isFixed()) {
                    dim.setDimValue(d.value());
                } else if (d.isSymbolic()) {
                    dim.setDimParam(d.symbol());
                }
                shape.addDim(dim);
            }
            tt.setShape(shape);
        }
        return vp.setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }
}
