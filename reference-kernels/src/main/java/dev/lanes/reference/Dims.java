package dev.lanes.reference;

import java.util.Arrays;

/**
 * Helpers for tensor dimensions held as {@code int[]} (row-major, outermost first).
 * Kernels take dense arrays; these turn dimensions into element counts and strides.
 */
public final class Dims {
    private Dims() {}

    /** Number of elements; 1 for a scalar ({@code new int[0]}). Throws if it overflows an int. */
    public static int size(int... dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension " + d + " in " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor " + Arrays.toString(dims) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Product of dims[from..to). */
    public static int size(int[] dims, int from, int to) {
        return size(Arrays.copyOfRange(dims, from, to));
    }

    /** Row-major strides in elements. */
    public static int[] strides(int... dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Normalises a possibly negative ONNX axis into [0, rank); names the axis when out of range. */
    public static int axis(int axis, int rank, String what) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(what + " " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /** Requires every dimension to be at least {@code min}, naming the tensor otherwise. */
    public static void requireAtLeast(int[] dims, int min, String what) {
        for (int d : dims) {
            if (d < min) throw new IllegalArgumentException(what + " " + Arrays.toString(dims) + " has a dimension below " + min);
        }
    }

    public static String str(int... dims) {
        return Arrays.toString(dims);
    }
}
