package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel: a 6-row × 2-vector tile of C from a packed A panel and a packed B panel:
 * the main tile for 128- and 256-bit vectors (12 accumulators + 2 B vectors + 1 broadcast = 15 of\n * AVX2's 16 registers; NEON's 32 leave it safe).
 *
 * <p>Inner loop per k: 2 loads of B, 6 broadcasts of A, 12 FMAs into 12 accumulators held in
 * registers. Each C element is one FMA chain over k in order, so
 * every tile shape rounds the same way. The body stays small (zero start, plain stores, no alpha, beta
 * or accumulation, which {@link Tiles#merge} does) so that C2 inlines every Vector API call in it:
 * a larger body hits NodeCountInliningCutoff, and the calls left out box their vectors.
 */
final class Gemm6x2v {
    private Gemm6x2v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    /** Rows of the tile (the A panel's interleave). */
    static final int MR = 6;
    /** Vectors across the tile. */
    static final int NRV = 2;
    /** Columns of the tile: the B panel width. */
    static final int NR = NRV * L;

    /**
     * {@code C[cOff + r·ldc + j] = Σ_p A[p][r]·B[p][j]} for r &lt; MR, j &lt; NR, where
     * the A panel is {@code a[aOff + p·MR + r]} and the B panel {@code b[bOff + p·NR + j]}, p &lt; kc.
     */
    static void kernel(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0;
        FloatVector c1_0 = c0_0, c1_1 = c0_0;
        FloatVector c2_0 = c0_0, c2_1 = c0_0;
        FloatVector c3_0 = c0_0, c3_1 = c0_0;
        FloatVector c4_0 = c0_0, c4_1 = c0_0;
        FloatVector c5_0 = c0_0, c5_1 = c0_0;
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
        }
        int o0 = cOff;
        c0_0.intoArray(c, o0); c0_1.intoArray(c, o0 + L);
        int o1 = cOff + ldc;
        c1_0.intoArray(c, o1); c1_1.intoArray(c, o1 + L);
        int o2 = cOff + 2 * ldc;
        c2_0.intoArray(c, o2); c2_1.intoArray(c, o2 + L);
        int o3 = cOff + 3 * ldc;
        c3_0.intoArray(c, o3); c3_1.intoArray(c, o3 + L);
        int o4 = cOff + 4 * ldc;
        c4_0.intoArray(c, o4); c4_1.intoArray(c, o4 + L);
        int o5 = cOff + 5 * ldc;
        c5_0.intoArray(c, o5); c5_1.intoArray(c, o5 + L);
    }

    /**
     * {@link #kernel} plus {@code bias[biasOff + j]} on every element of tile column j, then, when {@code res} is not
     * null, {@code res[resOff + r·ldr + j]} on element (r, j): the same FMA chains, then the adds in registers before the
     * store, in {@link Epilogue}'s order (sum, + bias, + residual), without its pass's reload and second store of the tile.
     * One method for both (not a flag on {@link #kernel}, whose body stays small): a residual is a branch after the loop.
     */
    static void kernelPlusEpilogueAdds(int kc, float[] a, int aOff, float[] b, int bOff, float[] bias, int biasOff,
                                       float[] res, int resOff, int ldr, float[] c, int cOff, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0;
        FloatVector c1_0 = c0_0, c1_1 = c0_0;
        FloatVector c2_0 = c0_0, c2_1 = c0_0;
        FloatVector c3_0 = c0_0, c3_1 = c0_0;
        FloatVector c4_0 = c0_0, c4_1 = c0_0;
        FloatVector c5_0 = c0_0, c5_1 = c0_0;
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
        }
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff), bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        c0_0 = c0_0.add(bias0); c0_1 = c0_1.add(bias1);
        c1_0 = c1_0.add(bias0); c1_1 = c1_1.add(bias1);
        c2_0 = c2_0.add(bias0); c2_1 = c2_1.add(bias1);
        c3_0 = c3_0.add(bias0); c3_1 = c3_1.add(bias1);
        c4_0 = c4_0.add(bias0); c4_1 = c4_1.add(bias1);
        c5_0 = c5_0.add(bias0); c5_1 = c5_1.add(bias1);
        if (res != null) {
            c0_0 = c0_0.add(FloatVector.fromArray(S, res, resOff)); c0_1 = c0_1.add(FloatVector.fromArray(S, res, resOff + L));
            c1_0 = c1_0.add(FloatVector.fromArray(S, res, resOff + ldr)); c1_1 = c1_1.add(FloatVector.fromArray(S, res, resOff + ldr + L));
            c2_0 = c2_0.add(FloatVector.fromArray(S, res, resOff + 2 * ldr)); c2_1 = c2_1.add(FloatVector.fromArray(S, res, resOff + 2 * ldr + L));
            c3_0 = c3_0.add(FloatVector.fromArray(S, res, resOff + 3 * ldr)); c3_1 = c3_1.add(FloatVector.fromArray(S, res, resOff + 3 * ldr + L));
            c4_0 = c4_0.add(FloatVector.fromArray(S, res, resOff + 4 * ldr)); c4_1 = c4_1.add(FloatVector.fromArray(S, res, resOff + 4 * ldr + L));
            c5_0 = c5_0.add(FloatVector.fromArray(S, res, resOff + 5 * ldr)); c5_1 = c5_1.add(FloatVector.fromArray(S, res, resOff + 5 * ldr + L));
        }
        int o0 = cOff;
        c0_0.intoArray(c, o0); c0_1.intoArray(c, o0 + L);
        int o1 = cOff + ldc;
        c1_0.intoArray(c, o1); c1_1.intoArray(c, o1 + L);
        int o2 = cOff + 2 * ldc;
        c2_0.intoArray(c, o2); c2_1.intoArray(c, o2 + L);
        int o3 = cOff + 3 * ldc;
        c3_0.intoArray(c, o3); c3_1.intoArray(c, o3 + L);
        int o4 = cOff + 4 * ldc;
        c4_0.intoArray(c, o4); c4_1.intoArray(c, o4 + L);
        int o5 = cOff + 5 * ldc;
        c5_0.intoArray(c, o5); c5_1.intoArray(c, o5 + L);
    }
}
