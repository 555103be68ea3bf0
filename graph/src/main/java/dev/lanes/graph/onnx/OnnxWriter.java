package dev.lanes.graph.onnx;

import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serialises a {@code ModelProto} in the standard ONNX binary format (the file ONNX Runtime, onnx
 * and Netron read). Build the model with {@link OnnxModelBuilder}.
 */
public final class OnnxWriter {
    private OnnxWriter() {}

    /** The model as the bytes of a {@code .onnx} file. */
    public static byte[] toBytes(ModelProto model) {
        return model.toByteArray();
    }

    /** Writes the model to {@code file} (created or replaced; parent directories created). */
    public static void write(ModelProto model, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }

    /** Writes the model to {@code out} (not closed). */
    public static void write(ModelProto model, OutputStream out) throws IOException {
        model.writeTo(out);
    }
}
