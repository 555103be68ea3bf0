package dev.lanes.reference;

import java.util.Arrays;

/**
 * An element-wise binary op with numpy (multidirectional) broadcasting: A and B are dense row-major
 * tensors of shapes {@code a} and {@code b}; the output has the broadcast shape of the two.
 * The arrays are copied in and out, so the record is immutable.
 */
public record BinaryShape(BinaryOp op, int[] a, int[] b) {

    public BinaryShape {
        if (op == null) throw new IllegalArgumentException("binary op is null");
        if (a == null || b == null) throw new IllegalArgumentException(op.onnxName() + " needs the shapes of both inputs");
        a = a.clone();
        b = b.clone();
        Dims.size(a);
        Dims.size(b);
        try {
            Dims.size(Broadcast.shape(a, b));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op.onnxName() + ": " + e.getMessage(), e);
        }
    }

    public static BinaryShape fromOnnx(String opType, int[] a, int[] b) {
        return new BinaryShape(BinaryOp.fromOnnx(opType), a, b);
    }

    @Override
    public int[] a() {
        return a.clone();
    }

    @Override
    public int[] b() {
        return b.clone();
    }

    public int[] outputShape() {
        return Broadcast.shape(a, b);
    }

    public int size() {
        return Dims.size(outputShape());
    }

    /** One flop per output element. */
    public long flops() {
        return size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryShape s && s.op == op && Arrays.equals(s.a, a) && Arrays.equals(s.b, b);
    }

    @Override
    public int hashCode() {
        return (op.hashCode() * 31 + Arrays.hashCode(a)) * 31 + Arrays.hashCode(b);
    }

    @Override
    public String toString() {
        return op.onnxName() + Dims.str(a) + "," + Dims.str(b);
    }
}
