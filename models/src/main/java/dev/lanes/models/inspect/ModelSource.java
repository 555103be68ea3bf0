package dev.lanes.models.inspect;

import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a user means by MODEL on the command line: the id of one of the real models
 * ({@code minilm_l6_v2}, fetched on first use, with its reference input) or the path of an ONNX file.
 *
 * @param path  the ONNX file
 * @param known the real model, or null for a file of the user's
 */
public record ModelSource(Path path, RealModel known) {

    public static ModelSource resolve(String arg, ModelStore store) {
        for (RealModel m : RealModel.values()) {
            if (m.id().equalsIgnoreCase(arg) || m.name().equalsIgnoreCase(arg)) return new ModelSource(m.modelPath(store), m);
        }
        Path p = Path.of(arg);
        if (Files.isRegularFile(p)) return new ModelSource(p, null);
        String known = Arrays.stream(RealModel.values()).map(RealModel::id).collect(Collectors.joining(", "));
        if (Files.isDirectory(p)) throw new IllegalArgumentException(arg + " is a folder; give an .onnx file or one of: " + known);
        throw new IllegalArgumentException("no model file '" + arg + "'" + (arg.toLowerCase(Locale.ROOT).endsWith(".onnx") ? "" : " and no known model of that name")
                + "; known models: " + known);
    }

    public String displayName() {
        return known != null ? known.id() : path.getFileName().toString();
    }
}
