package dev.lanes.reference.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} a node test needs. ModelProto: ir_version 1, graph 7,
 * opset_import 8 (OperatorSetIdProto: domain 1, version 2). GraphProto: node 1, initializer 5,
 * input 11, output 12 (ValueInfoProto: name 1).
 */
public record OnnxModel(long irVersion, Map<String, Long> opsetImports, List<OnnxNode> nodes,
                        List<String> inputs, List<String> outputs, Map<String, OnnxTensor> initializers) {

    public static OnnxModel read(Path file) {
        try {
            return decode(new WireReader(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot decode model " + file + ": " + e.getMessage(), e);
        }
    }

    public static OnnxModel decode(WireReader r) {
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.varint();
                case 7 -> {
                    WireReader g = r.message();
                    while (g.next()) {
                        switch (g.field()) {
                            case 1 -> nodes.add(OnnxNode.decode(g.message()));
                            case 5 -> {
                                OnnxTensor t = OnnxTensorFile.decode(g.message());
                                initializers.put(t.name(), t);
                            }
                            case 11 -> inputs.add(valueInfoName(g.message()));
                            case 12 -> outputs.add(valueInfoName(g.message()));
                            default -> g.skip();
                        }
                    }
                }
                case 8 -> {
                    WireReader o = r.message();
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.varint();
                            default -> o.skip();
                        }
                    }
                    opsets.put(domain, version);
                }
                default -> r.skip();
            }
        }
        return new OnnxModel(ir, Collections.unmodifiableMap(opsets), List.copyOf(nodes), List.copyOf(inputs),
                List.copyOf(outputs), Collections.unmodifiableMap(initializers));
    }

    /** The ai.onnx opset the model imports (domain "" or "ai.onnx"); 0 when it imports none. */
    public long opset() {
        Long v = opsetImports.get("");
        if (v == null) v = opsetImports.get("ai.onnx");
        return v == null ? 0 : v;
    }

    private static String valueInfoName(WireReader r) {
        String name = "";
        while (r.next()) {
            if (r.field() == 1) name = r.string();
            else r.skip();
        }
        return name;
    }
}
