package dev.lanes.models.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code --dim name=value} options that fix a model's symbolic dimensions. */
final class DimOption {
    private DimOption() {}

    static Map<String, Integer> parse(Map<String, String> raw) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (raw == null) return out;
        for (Map.Entry<String, String> e : raw.entrySet()) {
            try {
                int v = Integer.parseInt(e.getValue().trim());
                if (v < 1) throw new NumberFormatException();
                out.put(e.getKey(), v);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--dim " + e.getKey() + "=" + e.getValue() + ": the size must be a positive integer");
            }
        }
        return out;
    }
}
