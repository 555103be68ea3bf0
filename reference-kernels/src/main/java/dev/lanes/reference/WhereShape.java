package dev.lanes.reference;

import java.util.Arrays;

/**
 * ONNX Where: {@code out = condition ? x : y} element-wise, with numpy broadcasting of all three
 * (dense row-major; condition as {@code boolean[]}). The arrays are copied, so the record is immutable.
 */
public record WhereShape(int[] condition, int[] x, int[] y) {

    public WhereShape {
        if (condition == null || x == null || y == null) throw new IllegalArgumentException("Where needs the shapes of its three inputs");
        condition = condition.clone();
        x = x.clone();
        y = y.clone();
        try {
            Dims.size(Broadcast.shape(condition, x, y));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Where: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] condition() {
        return condition.clone();
    }

    @Override
    public int[] x() {
        return x.clone();
    }

    @Override
    public int[] y() {
        return y.clone();
    }

    public int[] outputShape() {
        return Broadcast.shape(condition, x, y);
    }

    public int size() {
        return Dims.size(outputShape());
    }

    /** Selection only: no arithmetic. */
    public long flops() {
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WhereShape s && Arrays.equals(s.condition, condition) && Arrays.equals(s.x, x) && Arrays.equals(s.y, y);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(condition) * 31 + Arrays.hashCode(x)) * 31 + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "Where" + Dims.str(condition) + "," + Dims.str(x) + "," + Dims.str(y);
    }
}
