package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;

/**
 * Data movement by index map: output element {@code i} is input element {@code map[i]} (or, for
 * {@link #gatherOrFill}, the fill value where {@code map[i] < 0}). Transpose, Expand, Tile, Slice and
 * Pad all reduce to building the map, which keeps each of them short and type-agnostic.
 */
final class IndexCopy {
    private IndexCopy() {}

    static Tensor gather(Tensor src, int[] map, int[] outShape) {
        Tensor out = Tensor.zeros(src.dtype(), outShape);
        Object s = src.array();
        Object d = out.array();
        int n = map.length;
        switch (s) {
            case float[] a -> {
                float[] b = (float[]) d;
                for (int i = 0; i < n; i++) {
                    b[i] = a[map[i]];
                }
            }
            case long[] a -> {
                long[] b = (long[]) d;
                for (int i = 0; i < n; i++) {
                    b[i] = a[map[i]];
                }
            }
            case int[] a -> {
                int[] b = (int[]) d;
                for (int i = 0; i < n; i++) {
                    b[i] = a[map[i]];
                }
            }
            case double[] a -> {
                double[] b = (double[]) d;
                for (int i = 0; i < n; i++) {
                    b[i] = a[map[i]];
                }
            }
            case byte[] a -> {
                byte[] b = (byte[]) d;
                for (int i = 0; i < n; i++) {
                    b[i] = a[map[i]];
                }
            }
            case short[] a -> {
                short[] b = (short[]) d;
                for (int i = 0; i < n; i++) {
                    b[i] = a[map[i]];
                }
            }
            default -> throw new IllegalStateException("unexpected storage " + s.getClass());
        }
        return out;
    }

    /** As {@link #gather}, with {@code fill} (a scalar tensor of src's type, or null for zero) where map[i] < 0. */
    static Tensor gatherOrFill(Tensor src, int[] map, int[] outShape, Tensor fill) {
        Tensor out = Tensor.zeros(src.dtype(), outShape);
        int n = map.length;
        Object s = src.array();
        Object d = out.array();
        switch (s) {
            case float[] a -> {
                float[] b = (float[]) d;
                float f = fill == null ? 0f : (float) fill.getDouble(0);
                for (int i = 0; i < n; i++) {
                    b[i] = map[i] < 0 ? f : a[map[i]];
                }
            }
            case double[] a -> {
                double[] b = (double[]) d;
                double f = fill == null ? 0 : fill.getDouble(0);
                for (int i = 0; i < n; i++) {
                    b[i] = map[i] < 0 ? f : a[map[i]];
                }
            }
            case long[] a -> {
                long[] b = (long[]) d;
                long f = fill == null ? 0 : fill.getLong(0);
                for (int i = 0; i < n; i++) {
                    b[i] = map[i] < 0 ? f : a[map[i]];
                }
            }
            case int[] a -> {
                int[] b = (int[]) d;
                int f = fill == null ? 0 : (int) fill.getLong(0);
                for (int i = 0; i < n; i++) {
                    b[i] = map[i] < 0 ? f : a[map[i]];
                }
            }
            case byte[] a -> {
                byte[] b = (byte[]) d;
                byte f = fill == null ? 0 : (byte) fill.getLong(0);
                for (int i = 0; i < n; i++) {
                    b[i] = map[i] < 0 ? f : a[map[i]];
                }
            }
            case short[] a -> {
                short[] b = (short[]) d;
                short f = fill == null ? 0 : ((short[]) fill.array())[0];
                for (int i = 0; i < n; i++) {
                    b[i] = map[i] < 0 ? f : a[map[i]];
                }
            }
            default -> throw new IllegalStateException("unexpected storage " + s.getClass());
        }
        return out;
    }

    /** Copies {@code len} elements between arrays of the same kind. */
    static void copy(Tensor src, int srcPos, Tensor dst, int dstPos, int len) {
        System.arraycopy(src.array(), srcPos, dst.array(), dstPos, len);
    }

    /** Requires every tensor to have the same dtype as the first. */
    static DType sameType(String op, Tensor... ts) {
        DType t = null;
        for (Tensor x : ts) {
            if (x == null) {
                continue;
            }
            if (t == null) {
                t = x.dtype();
            } else if (x.dtype() != t) {
                throw new IllegalArgumentException(op + " inputs must share one element type, got " + t + " and " + x.dtype());
            }
        }
        return t;
    }
}
