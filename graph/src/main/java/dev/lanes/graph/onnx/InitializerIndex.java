package dev.lanes.graph.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.proto.Onnx.GraphProto;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where the main graph's initializers lie in a model file, so that one of them can be read again alone: a pass over
 * the protobuf's wire format that reads only field tags, lengths and the initializers' names (every
 * {@code raw_data} is skipped, nothing is decoded), then one {@code TensorProto} parsed from its own byte range,
 * decoded as {@link OnnxImporter} decodes it. A session that re-reads several weights (folded convolution weights
 * recomputed for a new input size) scans the file once instead of parsing the whole model per weight.
 */
public final class InitializerIndex {
    private static final int MODEL_GRAPH = ModelProto.GRAPH_FIELD_NUMBER;
    private static final int GRAPH_INITIALIZER = GraphProto.INITIALIZER_FIELD_NUMBER;
    private static final int TENSOR_NAME = TensorProto.NAME_FIELD_NUMBER;

    /** A field's tag: its number and wire type, as protobuf encodes them. */
    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /** Byte range of one serialized TensorProto. */
    private record Range(long offset, int length) {}

    private final Path file;
    private final Map<String, Range> ranges;

    private InitializerIndex(Path file, Map<String, Range> ranges) {
        this.file = file;
        this.ranges = ranges;
    }

    /**
     * Indexes the initializers of {@code file}'s graph named in {@code wanted} (null: all of them). As the importer,
     * the last initializer of a name counts.
     */
    public static InitializerIndex scan(Path file, Set<String> wanted) throws IOException {
        Map<String, Range> ranges = new HashMap<>();
        MappedByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new OnnxFormatException("model file " + file + " is " + size + " bytes; an ONNX protobuf cannot exceed 2 GiB");
            }
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        CodedInputStream in = CodedInputStream.newInstance(buf);
        in.setSizeLimit(Integer.MAX_VALUE);
        try {
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (tag != tag(MODEL_GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                    in.skipField(tag);
                    continue;
                }
                int graphEnd = in.pushLimit(in.readRawVarint32());
                for (int g; (g = in.readTag()) != 0; ) {
                    if (g != tag(GRAPH_INITIALIZER, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                        in.skipField(g);
                        continue;
                    }
                    int length = in.readRawVarint32();
                    long offset = in.getTotalBytesRead();
                    int tensorEnd = in.pushLimit(length);
                    String name = null;
                    for (int t; (t = in.readTag()) != 0; ) {
                        if (t == tag(TENSOR_NAME, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                            name = in.readStringRequireUtf8();
                        } else {
                            in.skipField(t);
                        }
                    }
                    in.popLimit(tensorEnd);
                    if (name != null && (wanted == null || wanted.contains(name))) {
                        ranges.put(name, new Range(offset, length));
                    }
                }
                in.popLimit(graphEnd);
            }
        } catch (IOException e) {
            throw new OnnxFormatException("not a valid ONNX model (truncated or not protobuf): " + file + ": " + e.getMessage(), e);
        }
        return new InitializerIndex(file, ranges);
    }

    /** True when the graph has an initializer {@code name} (among those indexed). */
    public boolean has(String name) {
        return ranges.containsKey(name);
    }

    /** Initializers indexed. */
    public int size() {
        return ranges.size();
    }

    /** Initializer {@code name} read from its own bytes of the file (external data resolved as the importer does). */
    public Tensor read(String name) throws IOException {
        Range r = ranges.get(name);
        if (r == null) {
            throw new IllegalArgumentException("model file " + file + " has no indexed initializer '" + name + "'");
        }
        MappedByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (r.offset() + r.length() > ch.size()) {
                throw new OnnxFormatException("model file " + file + " is shorter than initializer '" + name + "' at "
                        + r.offset() + " + " + r.length() + " bytes");
            }
            bytes = ch.map(FileChannel.MapMode.READ_ONLY, r.offset(), r.length());
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setSizeLimit(Integer.MAX_VALUE);
        in.enableAliasing(true); // raw_data is a view of the mapping, copied once into the tensor
        TensorProto p = TensorProto.parseFrom(in);
        if (!name.equals(p.getName())) {
            throw new OnnxFormatException("model file " + file + ": initializer '" + name + "' not found at its offset");
        }
        try (ExternalData ext = new ExternalData(file.toAbsolutePath().getParent())) {
            return TensorProtos.fromProto(p, ext);
        }
    }
}
