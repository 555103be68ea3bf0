package dev.lanes.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor stored raw: little-endian float32 or int64, row-major, no header.
 *
 * @param name  the model's name for the tensor
 * @param dtype the element type
 * @param shape the dimensions
 * @param file  where the bytes are
 */
public record TensorFile(String name, DType dtype, long[] shape, Path file) {

    /** The element types such files hold. */
    public enum DType {
        FLOAT32(4), INT64(8);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        static DType parse(String s) {
            return switch (s) {
                case "float32", "float" -> FLOAT32;
                case "int64" -> INT64;
                default -> throw new IllegalArgumentException("unsupported dtype '" + s + "' (float32 or int64)");
            };
        }
    }

    public TensorFile {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements the shape holds. */
    public int elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return Math.toIntExact(n);
    }

    public float[] floats() {
        if (dtype != DType.FLOAT32) throw new IllegalStateException(name + " is " + dtype + ", not FLOAT32");
        float[] out = new float[elements()];
        buffer().asFloatBuffer().get(out);
        return out;
    }

    public long[] longs() {
        if (dtype != DType.INT64) throw new IllegalStateException(name + " is " + dtype + ", not INT64");
        long[] out = new long[elements()];
        buffer().asLongBuffer().get(out);
        return out;
    }

    private ByteBuffer buffer() {
        try {
            byte[] bytes = Files.readAllBytes(file);
            long expected = (long) elements() * dtype.bytes;
            if (bytes.length != expected) {
                throw new IllegalArgumentException(file + " has " + bytes.length + " bytes; " + name + " "
                        + dtype + Arrays.toString(shape) + " needs " + expected);
            }
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorFile t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && file.equals(t.file);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + file.hashCode();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
