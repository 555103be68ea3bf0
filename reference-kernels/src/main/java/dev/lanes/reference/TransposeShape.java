package dev.lanes.reference;

import java.util.Arrays;

/**
 * ONNX Transpose: a dense row-major tensor of dims {@code shape} permuted so that output axis i is
 * input axis {@code perm[i]} (output dims {@code shape[perm[i]]}).
 */
public record TransposeShape(int[] shape, int[] perm) {

    public TransposeShape {
        shape = shape.clone();
        perm = perm.clone();
        if (perm.length != shape.length) {
            throw new IllegalArgumentException("Transpose perm " + Arrays.toString(perm) + " does not match rank " + shape.length);
        }
        boolean[] seen = new boolean[perm.length];
        for (int p : perm) {
            if (p < 0 || p >= perm.length || seen[p]) {
                throw new IllegalArgumentException("Transpose perm " + Arrays.toString(perm) + " is not a permutation of 0.." + (perm.length - 1));
            }
            seen[p] = true;
        }
        Dims.size(shape); // throws on negative dims or overflow
    }

    /** ONNX's default perm (no attribute): the axes reversed. */
    public static TransposeShape reversed(int[] shape) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = perm.length - 1 - i;
        return new TransposeShape(shape, perm);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int[] perm() {
        return perm.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return Dims.size(shape);
    }

    public int[] outputShape() {
        int[] out = new int[shape.length];
        for (int i = 0; i < out.length; i++) out[i] = shape[perm[i]];
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransposeShape t && Arrays.equals(shape, t.shape) && Arrays.equals(perm, t.perm);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(perm);
    }

    @Override
    public String toString() {
        return "Transpose" + Arrays.toString(shape) + " perm " + Arrays.toString(perm);
    }
}
