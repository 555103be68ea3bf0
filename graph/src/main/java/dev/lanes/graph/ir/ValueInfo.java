package dev.lanes.graph.ir;

import dev.lanes.graph.DType;
import java.util.Arrays;
import java.util.List;

/**
 * What is known about a value before running: its element type (null when unknown) and its dims
 * (null when even the rank is unknown). Declared by the model (graph inputs, outputs, value_info) or
 * derived by shape inference.
 */
public record ValueInfo(String name, DType dtype, List<Dim> dims) {
    public ValueInfo {
        dims = dims == null ? null : List.copyOf(dims);
    }

    public static ValueInfo unknown(String name) {
        return new ValueInfo(name, null, null);
    }

    public static ValueInfo of(String name, DType dtype, int... shape) {
        return new ValueInfo(name, dtype, Arrays.stream(shape).mapToObj(Dim::of).toList());
    }

    public boolean hasRank() {
        return dims != null;
    }

    /** The shape when every dim is fixed, else null. */
    public int[] fixedShape() {
        if (dims == null) {
            return null;
        }
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
            if (!dims.get(i).isFixed()) {
                return null;
            }
            s[i] = (int) dims.get(i).value();
        }
        return s;
    }

    public ValueInfo withName(String newName) {
        return new ValueInfo(newName, dtype, dims);
    }

    @Override
    public String toString() {
        return name + ": " + (dtype == null ? "?" : dtype) + (dims == null ? "[?]" : dims.toString());
    }
}
