package dev.lanes.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real model's fixed input and the output ONNX Runtime computed for it, as described by a
 * {@code ref.json} beside raw little-endian {@code .bin} files.
 *
 * @param dir      the folder holding {@code ref.json}
 * @param inputs   the model inputs, in the model's order
 * @param outputs  the reference outputs, in the model's order
 * @param text     the text that was tokenised (BERT models), else null
 */
public record ReferenceCase(Path dir, List<TensorFile> inputs, List<TensorFile> outputs, String text) {

    public static ReferenceCase load(Path dir) {
        Path json = dir.resolve("ref.json");
        try {
            JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            JsonElement text = root.get("text");
            return new ReferenceCase(dir, tensors(dir, root.getAsJsonArray("inputs")),
                    tensors(dir, root.getAsJsonArray("outputs")),
                    text == null || text.isJsonNull() ? null : text.getAsString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(json + " is not a reference description: " + e.getMessage(), e);
        }
    }

    private static List<TensorFile> tensors(Path dir, JsonArray array) {
        List<TensorFile> out = new ArrayList<>();
        for (JsonElement e : array) {
            JsonObject o = e.getAsJsonObject();
            JsonArray dims = o.getAsJsonArray("shape");
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i).getAsLong();
            out.add(new TensorFile(o.get("name").getAsString(), TensorFile.DType.parse(o.get("dtype").getAsString()),
                    shape, dir.resolve(o.get("file").getAsString())));
        }
        return List.copyOf(out);
    }

    public TensorFile input(String name) {
        return find(inputs, name);
    }

    public TensorFile output(String name) {
        return find(outputs, name);
    }

    private TensorFile find(List<TensorFile> list, String name) {
        for (TensorFile t : list) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException(dir + " has no tensor named '" + name + "'");
    }
}
