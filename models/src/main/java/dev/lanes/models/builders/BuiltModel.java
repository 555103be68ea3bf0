package dev.lanes.models.builders;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxExporter;
import dev.lanes.graph.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model built in code: its graph (Lanes' IR, ready for {@code Session.open(model, options)} or for
 * export), its trainable parameter count, and a fixed example input of the size it is benchmarked at.
 *
 * @param name          short name ({@code resnet50}), also the file stem it is written under
 * @param model         the graph and its opset import
 * @param parameters    trainable parameters (what the architecture's papers and model cards count)
 * @param exampleInputs a deterministic input, by graph input name
 */
public record BuiltModel(String name, OnnxModel model, long parameters, Map<String, Tensor> exampleInputs) {
    public BuiltModel {
        exampleInputs = Map.copyOf(exampleInputs);
    }

    /** The model as the bytes of a {@code .onnx} file (what ONNX Runtime loads). */
    public byte[] toBytes() {
        return OnnxExporter.toBytes(model);
    }

    /** Writes the model as an ONNX file. */
    public void writeTo(Path file) throws IOException {
        OnnxExporter.write(model, file);
    }
}
