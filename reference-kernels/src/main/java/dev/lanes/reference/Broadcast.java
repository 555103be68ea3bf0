package dev.lanes.reference;

import java.util.Arrays;

/**
 * Numpy (multidirectional) broadcasting, as ONNX defines it for element-wise ops and MatMul batches:
 * shapes are right-aligned, and each dimension pair must be equal or contain a 1.
 */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of {@code a} and {@code b}; throws naming both shapes when they do not broadcast. */
    public static int[] shape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The broadcast shape of several shapes (e.g. Where's three inputs). */
    public static int[] shape(int[]... shapes) {
        int[] out = new int[0];
        for (int[] s : shapes) out = shape(out, s);
        return out;
    }

    /** True when {@code from} broadcasts to {@code to} in one direction only (ONNX "unidirectional"). */
    public static boolean unidirectional(int[] from, int[] to) {
        if (from.length > to.length) return false;
        int shift = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != 1 && from[i] != to[i + shift]) return false;
        }
        return true;
    }

    /**
     * Strides, in elements, for reading a dense tensor of shape {@code from} while walking the
     * broadcast shape {@code to}: 0 on broadcast (and missing leading) dimensions.
     */
    public static int[] strides(int[] from, int[] to) {
        if (!unidirectional(from, to)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(from) + " does not broadcast to " + Arrays.toString(to));
        }
        int[] dense = Dims.strides(from);
        int[] s = new int[to.length];
        int shift = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            s[i + shift] = from[i] == 1 && to[i + shift] != 1 ? 0 : dense[i];
        }
        return s;
    }

    /**
     * Offset into a tensor read with {@code strides} for the element at flat index {@code flat}
     * of the dense shape {@code dims}. Slow but obviously right: the reference kernels use it.
     */
    public static int offset(int flat, int[] dims, int[] strides) {
        int off = 0;
        for (int i = dims.length - 1; i >= 0; i--) {
            int d = dims[i];
            if (d == 0) return 0;
            off += (flat % d) * strides[i];
            flat /= d;
        }
        return off;
    }
}
