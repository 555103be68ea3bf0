package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel: a 12-row × 2-vector tile of C (12×2·L floats) from a packed A panel and a
 * packed B panel: the main tile for 512-bit vectors
 * (24 accumulators + 2 B vectors + 1 broadcast = 27 of AVX-512's 32 registers, leaving C2 room).
 *
 * <p>Inner loop per k: 2 loads of B, 12 broadcasts of A, 24 FMAs into 24 accumulators held in
 * registers. Each C element is one FMA chain over k in order, so every tile shape (and the edge
 * kernels) rounds the same way.
 */
final class Gemm12x2v {
    private Gemm12x2v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    /** Rows of the tile (the A panel's interleave). */
    static final int MR = 12;
    /** Vectors across the tile. */
    static final int NRV = 2;
    /** Columns of the tile: the B panel width. */
    static final int NR = NRV * L;

    /**
     * {@code C[cOff + r·ldc + j] = alpha·Σ_p A[p][r]·B[p][j] + beta·C} for r &lt; MR, j &lt; NR, where the A panel is
     * {@code a[aOff + p·MR + r]} and the B panel {@code b[bOff + p·NR + j]}, p &lt; kc. With beta = 0, C is not read.
     */
    static void kernel(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, float alpha, float beta) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = c0_0, c1_1 = c0_1;
        FloatVector c2_0 = c0_0, c2_1 = c0_1;
        FloatVector c3_0 = c0_0, c3_1 = c0_1;
        FloatVector c4_0 = c0_0, c4_1 = c0_1;
        FloatVector c5_0 = c0_0, c5_1 = c0_1;
        FloatVector c6_0 = c0_0, c6_1 = c0_1;
        FloatVector c7_0 = c0_0, c7_1 = c0_1;
        FloatVector c8_0 = c0_0, c8_1 = c0_1;
        FloatVector c9_0 = c0_0, c9_1 = c0_1;
        FloatVector c10_0 = c0_0, c10_1 = c0_1;
        FloatVector c11_0 = c0_0, c11_1 = c0_1;
        for (int p = 0; p < kc; p++) {
            int ap = aOff + p * MR, bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c0_0 = Fma.madd(a0, b0, c0_0); c0_1 = Fma.madd(a0, b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = Fma.madd(a1, b0, c1_0); c1_1 = Fma.madd(a1, b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = Fma.madd(a2, b0, c2_0); c2_1 = Fma.madd(a2, b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = Fma.madd(a3, b0, c3_0); c3_1 = Fma.madd(a3, b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
            c4_0 = Fma.madd(a4, b0, c4_0); c4_1 = Fma.madd(a4, b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
            c5_0 = Fma.madd(a5, b0, c5_0); c5_1 = Fma.madd(a5, b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
            c6_0 = Fma.madd(a6, b0, c6_0); c6_1 = Fma.madd(a6, b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
            c7_0 = Fma.madd(a7, b0, c7_0); c7_1 = Fma.madd(a7, b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(S, a[ap + 8]);
            c8_0 = Fma.madd(a8, b0, c8_0); c8_1 = Fma.madd(a8, b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(S, a[ap + 9]);
            c9_0 = Fma.madd(a9, b0, c9_0); c9_1 = Fma.madd(a9, b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(S, a[ap + 10]);
            c10_0 = Fma.madd(a10, b0, c10_0); c10_1 = Fma.madd(a10, b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(S, a[ap + 11]);
            c11_0 = Fma.madd(a11, b0, c11_0); c11_1 = Fma.madd(a11, b1, c11_1);
        }
        int o0 = cOff;
        Tiles.put(c0_0, c, o0, alpha, beta); Tiles.put(c0_1, c, o0 + L, alpha, beta);
        int o1 = cOff + ldc;
        Tiles.put(c1_0, c, o1, alpha, beta); Tiles.put(c1_1, c, o1 + L, alpha, beta);
        int o2 = cOff + 2 * ldc;
        Tiles.put(c2_0, c, o2, alpha, beta); Tiles.put(c2_1, c, o2 + L, alpha, beta);
        int o3 = cOff + 3 * ldc;
        Tiles.put(c3_0, c, o3, alpha, beta); Tiles.put(c3_1, c, o3 + L, alpha, beta);
        int o4 = cOff + 4 * ldc;
        Tiles.put(c4_0, c, o4, alpha, beta); Tiles.put(c4_1, c, o4 + L, alpha, beta);
        int o5 = cOff + 5 * ldc;
        Tiles.put(c5_0, c, o5, alpha, beta); Tiles.put(c5_1, c, o5 + L, alpha, beta);
        int o6 = cOff + 6 * ldc;
        Tiles.put(c6_0, c, o6, alpha, beta); Tiles.put(c6_1, c, o6 + L, alpha, beta);
        int o7 = cOff + 7 * ldc;
        Tiles.put(c7_0, c, o7, alpha, beta); Tiles.put(c7_1, c, o7 + L, alpha, beta);
        int o8 = cOff + 8 * ldc;
        Tiles.put(c8_0, c, o8, alpha, beta); Tiles.put(c8_1, c, o8 + L, alpha, beta);
        int o9 = cOff + 9 * ldc;
        Tiles.put(c9_0, c, o9, alpha, beta); Tiles.put(c9_1, c, o9 + L, alpha, beta);
        int o10 = cOff + 10 * ldc;
        Tiles.put(c10_0, c, o10, alpha, beta); Tiles.put(c10_1, c, o10 + L, alpha, beta);
        int o11 = cOff + 11 * ldc;
        Tiles.put(c11_0, c, o11, alpha, beta); Tiles.put(c11_1, c, o11 + L, alpha, beta);
    }
}
