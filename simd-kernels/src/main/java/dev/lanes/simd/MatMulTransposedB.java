package dev.lanes.simd;

import dev.lanes.reference.MatMulShape;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * ONNX MatMul {@code Y[b] = epilogue(A[b]·B[b]ᵀ)} whose right operand is stored transposed: B's
 * matrices are N×K row-major (a KV cache's keys {@code [batch, heads, L, d]} feeding {@code Q·Kᵀ}), so
 * the graph needs no Transpose node to materialise Kᵀ.
 *
 * <p>The {@link MatMulShape} is the logical product's (B as K×N); only the storage of B differs:
 * element (p, j) of B[b] is read at {@code bt[bOff + s.bMatrixOffset(b) + j·K + p]} (a matrix has K·N
 * elements either way, so the batch offsets are the same).
 *
 * <p>Small M (decode: one query row per head) takes the dot-product form: every output is a dot
 * product of an A row with a contiguous B row, 4 B rows at a time so that 4 independent FMA chains run
 * along K; each row's vector accumulator is summed by {@link LaneSum} (a fixed order) and the K tail
 * (shorter than a vector) is added in scalar order after it, so no masks sit in the loop. Larger M
 * packs op(B) from the transposed layout and runs {@link PackedGemm}.
 *
 * <p>Threads: the (item, column block) grid is cut into contiguous ranges; every output is computed
 * by the same instructions whatever the split, so the result is bit-identical for any thread count.
 */
public final class MatMulTransposedB {
    private MatMulTransposedB() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();
    /**
     * Largest M that takes the dot-product form: each B row is read from L1 once per A row, so its cost
     * grows with M where the packed GEMM's packing is paid once; decode has M = 1.
     */
    static final int DOT_MAX_M = 4;
    /** Columns of one task of the dot-product form: a few KB of B rows, so tasks stay cheap to split. */
    static final int COLUMN_BLOCK = 64;

    /**
     * The batched product with B stored transposed (see the class comment).
     *
     * @param s the logical MatMul shape (B as K×N; 1-D B is not transposable and is rejected)
     * @param epilogue applied to Y seen as one {@code (batchCount·M) × N} matrix
     */
    public static void matmul(MatMulShape s, float[] a, int aOff, float[] bt, int bOff, float[] y, int yOff,
                              Epilogue epilogue, Parallel parallel) {
        Objects.requireNonNull(s, "shape");
        Objects.requireNonNull(epilogue, "epilogue");
        Objects.requireNonNull(parallel, "parallel");
        if (s.bVector()) throw new IllegalArgumentException("MatMulTransposedB: a 1-D B has no transpose, got " + s);
        int m = s.m(), n = s.n(), k = s.k(), batch = s.batchCount();
        if (batch == 0 || m == 0 || n == 0) return;
        long outSize = (long) batch * m * n;
        if (yOff < 0 || yOff + outSize > y.length) {
            throw new IllegalArgumentException("MatMulTransposedB: Y of " + outSize + " floats from " + yOff + " overruns its array of " + y.length);
        }
        checkOperand("A", a, aOff, s.aShape());
        checkOperand("B", bt, bOff, s.bShape());
        epilogue.check(batch * m, n);
        if (k == 0 || m > DOT_MAX_M) {
            // K = 0 (all zeros, then the epilogue) and larger M: the packed GEMM reads op(B) = Bᵀ of the stored N×K.
            for (int i = 0; i < batch; i++) {
                PackedGemm.gemm(m, n, k, a, aOff + s.aMatrixOffset(i), k, false, bt, bOff + s.bMatrixOffset(i), k, true, 1f,
                        y, yOff + i * m * n, n, 0f, epilogue.shiftRows(i * m), parallel);
            }
            return;
        }
        int[] aItem = new int[batch], bItem = new int[batch];
        for (int i = 0; i < batch; i++) {
            aItem[i] = aOff + s.aMatrixOffset(i);
            bItem[i] = bOff + s.bMatrixOffset(i);
        }
        int blocks = (n + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        int shares = parallel.sharesFor(outSize * k, PackedGemm.MIN_MACS_PER_SHARE);
        parallel.forRange(batch * blocks, 1, shares, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int item = t / blocks, j0 = (t % blocks) * COLUMN_BLOCK, j1 = Math.min(n, j0 + COLUMN_BLOCK);
                int yo = yOff + item * m * n;
                for (int r = 0; r < m; r++) {
                    dotRows(k, a, aItem[item] + r * k, bt, bItem[item], j0, j1, y, yo + r * n);
                }
                epilogue.applyTile(y, yo + j0, n, m, j1 - j0, item * m, j0);
            }
        });
    }

    /** {@code y[yRow + j] = Σ_p a[aRow + p]·bt[b + j·k + p]} for j in [j0, j1). */
    static void dotRows(int k, float[] a, int aRow, float[] bt, int b, int j0, int j1, float[] y, int yRow) {
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            dot4(k, a, aRow, bt, b + j * k, y, yRow + j);
        }
        for (; j < j1; j++) {
            y[yRow + j] = dot1(k, a, aRow, bt, b + j * k);
        }
    }

    /** Four dot products with the consecutive B rows at {@code b0}, {@code b0 + k}, … (4 FMA chains). */
    private static void dot4(int k, float[] a, int aRow, float[] bt, int b0, float[] y, int yo) {
        int full = k - k % L, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < full; p += L) {
            FloatVector x = FloatVector.fromArray(F, a, aRow + p);
            c0 = Fma.madd(x, FloatVector.fromArray(F, bt, b0 + p), c0);
            c1 = Fma.madd(x, FloatVector.fromArray(F, bt, b1 + p), c1);
            c2 = Fma.madd(x, FloatVector.fromArray(F, bt, b2 + p), c2);
            c3 = Fma.madd(x, FloatVector.fromArray(F, bt, b3 + p), c3);
        }
        float s0 = LaneSum.of(c0), s1 = LaneSum.of(c1), s2 = LaneSum.of(c2), s3 = LaneSum.of(c3);
        for (int p = full; p < k; p++) {
            float x = a[aRow + p];
            s0 = Fma.madd(x, bt[b0 + p], s0);
            s1 = Fma.madd(x, bt[b1 + p], s1);
            s2 = Fma.madd(x, bt[b2 + p], s2);
            s3 = Fma.madd(x, bt[b3 + p], s3);
        }
        y[yo] = s0;
        y[yo + 1] = s1;
        y[yo + 2] = s2;
        y[yo + 3] = s3;
    }

    /** One dot product, in the order {@link #dot4} uses for each of its rows. */
    private static float dot1(int k, float[] a, int aRow, float[] bt, int b0) {
        int full = k - k % L;
        FloatVector c0 = FloatVector.zero(F);
        for (int p = 0; p < full; p += L) {
            c0 = Fma.madd(FloatVector.fromArray(F, a, aRow + p), FloatVector.fromArray(F, bt, b0 + p), c0);
        }
        float s0 = LaneSum.of(c0);
        for (int p = full; p < k; p++) {
            s0 = Fma.madd(a[aRow + p], bt[b0 + p], s0);
        }
        return s0;
    }

    private static void checkOperand(String what, float[] x, int off, int[] dims) {
        Objects.requireNonNull(x, what);
        long size = 1;
        for (int d : dims) size *= d;
        if (off < 0 || off + size > x.length) {
            throw new IllegalArgumentException("MatMulTransposedB: " + what + " of " + size + " floats from " + off
                    + " overruns its array of " + x.length);
        }
    }
}
