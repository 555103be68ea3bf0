package dev.lanes.reference.conformance;

import java.util.Arrays;

/**
 * A decoded ONNX tensor: its name (may be empty), element type, dims, and values held densely in
 * row-major order in exactly one of three arrays — {@code float[]} for FLOAT, FLOAT16 and BFLOAT16,
 * {@code double[]} for DOUBLE, {@code long[]} for the integer types and BOOL (0 or 1).
 */
public final class OnnxTensor {
    private final String name;
    private final OnnxDataType type;
    private final int[] dims;
    private final float[] floats;
    private final double[] doubles;
    private final long[] longs;

    private OnnxTensor(String name, OnnxDataType type, int[] dims, float[] floats, double[] doubles, long[] longs) {
        this.name = name;
        this.type = type;
        this.dims = dims.clone();
        this.floats = floats;
        this.doubles = doubles;
        this.longs = longs;
        int n = size(dims);
        int held = floats != null ? floats.length : doubles != null ? doubles.length : longs.length;
        if (held != n) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + type + Arrays.toString(dims) + " needs "
                    + n + " values, has " + held);
        }
    }

    public static OnnxTensor ofFloats(String name, OnnxDataType type, int[] dims, float[] values) {
        if (type != OnnxDataType.FLOAT && type != OnnxDataType.FLOAT16 && type != OnnxDataType.BFLOAT16) {
            throw new IllegalArgumentException("tensor '" + name + "': " + type + " is not held as float[]");
        }
        return new OnnxTensor(name, type, dims, values, null, null);
    }

    public static OnnxTensor ofFloats(int[] dims, float[] values) {
        return ofFloats("", OnnxDataType.FLOAT, dims, values);
    }

    public static OnnxTensor ofDoubles(String name, int[] dims, double[] values) {
        return new OnnxTensor(name, OnnxDataType.DOUBLE, dims, null, values, null);
    }

    public static OnnxTensor ofLongs(String name, OnnxDataType type, int[] dims, long[] values) {
        if (!type.isIntegral()) throw new IllegalArgumentException("tensor '" + name + "': " + type + " is not held as long[]");
        return new OnnxTensor(name, type, dims, null, null, values);
    }

    public static OnnxTensor ofLongs(int[] dims, long[] values) {
        return ofLongs("", OnnxDataType.INT64, dims, values);
    }

    public String name() {
        return name;
    }

    public OnnxDataType type() {
        return type;
    }

    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int size() {
        return size(dims);
    }

    /** The values of a FLOAT (or FLOAT16 / BFLOAT16) tensor, as stored (no copy). */
    public float[] floats() {
        if (floats == null) throw new IllegalStateException("tensor '" + name + "' is " + type + ", not float");
        return floats;
    }

    /** The values of a DOUBLE tensor (no copy). */
    public double[] doubles() {
        if (doubles == null) throw new IllegalStateException("tensor '" + name + "' is " + type + ", not double");
        return doubles;
    }

    /** The values of an integer or BOOL tensor (no copy). */
    public long[] longs() {
        if (longs == null) throw new IllegalStateException("tensor '" + name + "' is " + type + ", not integral");
        return longs;
    }

    /** The values of an integer tensor as ints (shapes, axes), checking each fits. */
    public int[] ints() {
        long[] l = longs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i]) throw new IllegalArgumentException("tensor '" + name + "' value " + l[i] + " does not fit an int");
            out[i] = (int) l[i];
        }
        return out;
    }

    /** The values of a BOOL tensor. */
    public boolean[] booleans() {
        long[] l = longs();
        boolean[] out = new boolean[l.length];
        for (int i = 0; i < l.length; i++) out[i] = l[i] != 0;
        return out;
    }

    /** Any numeric tensor's values widened to double (for comparing). */
    public double[] asDoubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) out[i] = floats != null ? floats[i] : doubles != null ? doubles[i] : longs[i];
        return out;
    }

    /** A one-line description: name, type, dims. */
    @Override
    public String toString() {
        return "'" + name + "' " + type + Arrays.toString(dims);
    }

    private static int size(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor " + Arrays.toString(dims) + " is too large");
        }
        return (int) n;
    }
}
