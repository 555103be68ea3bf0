package dev.lanes.reference;

import java.util.Arrays;

/**
 * ONNX MatMul (numpy {@code matmul}): a batch of products {@code Y[b] = A[b] · B[b]}, A[b] being M×K
 * and B[b] K×N, dense row-major.
 *
 * <p>A is stored with dims {@code aBatch ++ [M, K]} and B with {@code bBatch ++ [K, N]}; the batch dims
 * broadcast numpy-style to {@link #batchDims()}, and Y is dense {@code batchDims ++ [M, N]}. The 1-D
 * promotion rules: a 1-D A (K) is the row 1×K, so M = 1 and that dim is dropped from the output
 * ({@code aVector}); a 1-D B (K) is the column K×1, so N = 1 and that dim is dropped ({@code bVector}).
 * Dropping a dim of size 1 does not change the memory layout, so every kernel may treat Y as
 * {@code batchCount × M × N}.
 */
public record MatMulShape(int[] aBatch, int[] bBatch, int m, int n, int k, boolean aVector, boolean bVector) {

    public MatMulShape {
        aBatch = aBatch.clone();
        bBatch = bBatch.clone();
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("MatMul dimensions must be ≥ 0, got M=" + m + " N=" + n + " K=" + k);
        }
        Dims.requireAtLeast(aBatch, 0, "MatMul A batch dims");
        Dims.requireAtLeast(bBatch, 0, "MatMul B batch dims");
        if (aVector && (aBatch.length != 0 || m != 1)) {
            throw new IllegalArgumentException("MatMul 1-D A needs no batch dims and M = 1, got " + Dims.str(aBatch) + " M=" + m);
        }
        if (bVector && (bBatch.length != 0 || n != 1)) {
            throw new IllegalArgumentException("MatMul 1-D B needs no batch dims and N = 1, got " + Dims.str(bBatch) + " N=" + n);
        }
        int[] batch = Broadcast.shape(aBatch, bBatch); // throws naming both when they do not broadcast
        Dims.size(concat(batch, new int[] {m, n}));
        Dims.size(concat(aBatch, new int[] {m, k}));
        Dims.size(concat(bBatch, new int[] {k, n}));
    }

    /** Resolves ONNX input dims (any rank ≥ 1) into the shape, applying the 1-D promotion rules. */
    public static MatMulShape fromOnnx(int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("MatMul inputs must have rank ≥ 1, got A " + Dims.str(a) + " and B " + Dims.str(b));
        }
        boolean aVector = a.length == 1, bVector = b.length == 1;
        int m = aVector ? 1 : a[a.length - 2];
        int ka = a[a.length - 1];
        int kb = bVector ? b[0] : b[b.length - 2];
        int n = bVector ? 1 : b[b.length - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("MatMul inner dimensions differ: A " + Dims.str(a) + " has K=" + ka
                    + ", B " + Dims.str(b) + " has K=" + kb);
        }
        int[] aBatch = aVector ? new int[0] : Arrays.copyOf(a, a.length - 2);
        int[] bBatch = bVector ? new int[0] : Arrays.copyOf(b, b.length - 2);
        return new MatMulShape(aBatch, bBatch, m, n, ka, aVector, bVector);
    }

    /** A plain batch of {@code batch} independent products with equal batch dims on both sides. */
    public static MatMulShape batched(int batch, int m, int n, int k) {
        return new MatMulShape(new int[] {batch}, new int[] {batch}, m, n, k, false, false);
    }

    @Override
    public int[] aBatch() {
        return aBatch.clone();
    }

    @Override
    public int[] bBatch() {
        return bBatch.clone();
    }

    /** The broadcast batch dims of Y. */
    public int[] batchDims() {
        return Broadcast.shape(aBatch, bBatch);
    }

    /** Number of products (the size of {@link #batchDims()}). */
    public int batchCount() {
        return Dims.size(batchDims());
    }

    /** The ONNX dims of A as stored. */
    public int[] aShape() {
        return aVector ? new int[] {k} : concat(aBatch, new int[] {m, k});
    }

    /** The ONNX dims of B as stored. */
    public int[] bShape() {
        return bVector ? new int[] {k} : concat(bBatch, new int[] {k, n});
    }

    /** ONNX dims of Y: batch dims, then M unless A was 1-D, then N unless B was 1-D. */
    public int[] outputShape() {
        int[] tail = aVector && bVector ? new int[0] : aVector ? new int[] {n} : bVector ? new int[] {m} : new int[] {m, n};
        return concat(batchDims(), tail);
    }

    /** Element offset of A's matrix for product {@code b} (0 ≤ b < batchCount), broadcast dims repeating. */
    public int aMatrixOffset(int b) {
        int[] batch = batchDims();
        return Broadcast.offset(b, batch, Broadcast.strides(aBatch, batch)) * m * k;
    }

    /** Element offset of B's matrix for product {@code b}. */
    public int bMatrixOffset(int b) {
        int[] batch = batchDims();
        return Broadcast.offset(b, batch, Broadcast.strides(bBatch, batch)) * k * n;
    }

    /** The 2-D product every batch element computes. */
    public GemmShape gemmShape() {
        return GemmShape.of(m, n, k);
    }

    public long flops() {
        return 2L * batchCount() * m * n * k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatMulShape s && Arrays.equals(aBatch, s.aBatch) && Arrays.equals(bBatch, s.bBatch)
                && m == s.m && n == s.n && k == s.k && aVector == s.aVector && bVector == s.bVector;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {Arrays.hashCode(aBatch), Arrays.hashCode(bBatch), m, n, k, aVector ? 1 : 0, bVector ? 1 : 0});
    }

    @Override
    public String toString() {
        return "MatMul A" + Dims.str(aShape()) + " · B" + Dims.str(bShape()) + " → Y" + Dims.str(outputShape());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
