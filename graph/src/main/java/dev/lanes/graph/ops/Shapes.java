package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.reference.Broadcast;
import java.util.Arrays;

/** Shape arithmetic shared by the ops: broadcasting index maps, axis lists from tensors, strides. */
final class Shapes {
    private Shapes() {}

    /**
     * For each element of the dense shape {@code out}, the index of the element of {@code in} that
     * broadcasts to it; null when {@code in} equals {@code out} (identity).
     */
    static int[] broadcastIndex(int[] in, int[] out) {
        if (Arrays.equals(in, out)) {
            return null;
        }
        return MovementOps.stridedMap(out, Broadcast.strides(in, out), 0);
    }

    static int[] broadcast(String op, int[]... shapes) {
        try {
            return Broadcast.shape(shapes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    static int product(int[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return Math.toIntExact(p);
    }

    /** Normalises an ONNX axis (possibly negative) for {@code rank}. */
    static int axis(long axis, int rank, String what) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(what + " " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** The int64 (or int32) elements of a 1-D or scalar tensor as longs. */
    static long[] longs(Tensor t, String what) {
        if (t == null) {
            return null;
        }
        if (!t.dtype().isInteger()) {
            throw new IllegalArgumentException(what + " must be an integer tensor, got " + t.dtype());
        }
        long[] v = new long[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getLong(i);
        }
        return v;
    }

    static int[] toInts(long[] v, String what) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " value " + v[i] + " is out of range");
            }
            r[i] = (int) v[i];
        }
        return r;
    }

    /** Normalised, sorted, duplicate-free axes. */
    static int[] axes(long[] axes, int rank, String what) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axis(axes[i], rank, what);
        }
        int[] sorted = r.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException(what + " " + Arrays.toString(axes) + " repeats axis " + sorted[i]);
            }
        }
        return sorted;
    }

    static String str(int[] s) {
        return Arrays.toString(s);
    }
}
