package dev.lanes.reference;

import java.util.Arrays;

/**
 * A reduction of a dense row-major tensor of shape {@code dims} over {@code axes} (normalised:
 * sorted, distinct, in [0, rank)). Empty {@code axes} means no reduction at all (the output is the
 * input: ONNX's {@code noop_with_empty_axes=1}); {@link #fromOnnx} turns "no axes, noop 0" into all
 * axes. With {@code keepdims} the reduced dims stay as 1s, else they are removed.
 */
public record ReduceShape(ReduceOp op, int[] dims, int[] axes, boolean keepdims) {

    public ReduceShape {
        if (op == null) throw new IllegalArgumentException("reduce op is null");
        if (dims == null || axes == null) throw new IllegalArgumentException(op.onnxName() + " needs dims and axes");
        dims = dims.clone();
        axes = axes.clone();
        Dims.size(dims);
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= dims.length) {
                throw new IllegalArgumentException(op.onnxName() + " axis " + axes[i] + " is out of range for rank " + dims.length);
            }
            if (i > 0 && axes[i] <= axes[i - 1]) {
                throw new IllegalArgumentException(op.onnxName() + " axes must be sorted and distinct, got " + Dims.str(axes));
            }
        }
    }

    /**
     * From ONNX: op type, input dims, the axes (attribute or input; null or empty when not given;
     * negative counts from the end; repeats are an error), keepdims (default 1) and
     * noop_with_empty_axes (default 0).
     */
    public static ReduceShape fromOnnx(String opType, int[] dims, long[] axes, boolean keepdims, boolean noopWithEmptyAxes) {
        ReduceOp op = ReduceOp.fromOnnx(opType);
        if (axes == null || axes.length == 0) {
            if (noopWithEmptyAxes) return new ReduceShape(op, dims, new int[0], keepdims);
            int[] all = new int[dims.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return new ReduceShape(op, dims, all, keepdims);
        }
        int[] norm = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -dims.length || axes[i] >= dims.length) {
                throw new IllegalArgumentException(opType + " axis " + axes[i] + " is out of range for rank " + dims.length);
            }
            norm[i] = (int) (axes[i] < 0 ? axes[i] + dims.length : axes[i]);
        }
        Arrays.sort(norm);
        for (int i = 1; i < norm.length; i++) {
            if (norm[i] == norm[i - 1]) throw new IllegalArgumentException(opType + " axes repeat axis " + norm[i] + ": " + Arrays.toString(axes));
        }
        return new ReduceShape(op, dims, norm, keepdims);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public int[] axes() {
        return axes.clone();
    }

    /** Whether axis {@code d} is reduced. */
    public boolean reduces(int d) {
        return Arrays.binarySearch(axes, d) >= 0;
    }

    public int[] outputShape() {
        int[] out = new int[keepdims ? dims.length : dims.length - axes.length];
        int o = 0;
        for (int d = 0; d < dims.length; d++) {
            if (!reduces(d)) out[o++] = dims[d];
            else if (keepdims) out[o++] = 1;
        }
        return out;
    }

    public int size() {
        return Dims.size(outputShape());
    }

    /** How many input elements make up each output element (0 for an empty set). */
    public int reducedCount() {
        int n = 1;
        for (int a : axes) n *= dims[a];
        return n;
    }

    /** One add (or compare) per input element. */
    public long flops() {
        return Dims.size(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReduceShape s && s.op == op && s.keepdims == keepdims && Arrays.equals(s.dims, dims)
                && Arrays.equals(s.axes, axes);
    }

    @Override
    public int hashCode() {
        return ((op.hashCode() * 31 + Arrays.hashCode(dims)) * 31 + Arrays.hashCode(axes)) * 2 + (keepdims ? 1 : 0);
    }

    @Override
    public String toString() {
        return op.onnxName() + Dims.str(dims) + " axes=" + Dims.str(axes) + (keepdims ? " keepdims" : "");
    }
}
