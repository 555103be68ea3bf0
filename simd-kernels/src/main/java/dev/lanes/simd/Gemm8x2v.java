package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel for the last rows of a blocked GEMM on 512-bit vectors: 8 rows × 2 vectors of C
 * from an 8-row packed A panel (interleave 8) and a packed B panel. Remainders of the 12-row tiling
 * (a transformer's 128 rows are 10 × 12 + 8; 16 rows are 8 + 8) otherwise went through
 * {@link Gemm4x2v}, whose 8 accumulators only just cover the FMA latency: measured ~146 against
 * ~215 GFLOP/s for the 12-row kernel. 16 accumulators + 2 B vectors + 1 broadcast = 19 registers,
 * more than AVX2's 16: 512-bit only.
 *
 * <p>Each C element is one FMA chain over k in order, like {@link Gemm12x2v}: the same bits.
 */
final class Gemm8x2v {
    private Gemm8x2v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    /** Rows of the tile (the A panel's interleave). */
    static final int MR = 8;
    static final int NR = 2 * L;

    /**
     * {@code C[cOff + r·ldc + j] = Σ_p A[p][r]·B[p][j]} for r &lt; 8, j &lt; NR, where the A panel is
     * {@code a[aOff + p·8 + r]} and the B panel {@code b[bOff + p·NR + j]}, p &lt; kc.
     */
    static void kernel(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0, c3_1 = c0_0;
        FloatVector c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0, c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0;
        for (int p = 0; p < kc; p++) {
            int ap = aOff + p * MR, bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0_0 = Fma.madd(x, b0, c0_0); c0_1 = Fma.madd(x, b1, c0_1);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = Fma.madd(x, b0, c1_0); c1_1 = Fma.madd(x, b1, c1_1);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = Fma.madd(x, b0, c2_0); c2_1 = Fma.madd(x, b1, c2_1);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = Fma.madd(x, b0, c3_0); c3_1 = Fma.madd(x, b1, c3_1);
            x = FloatVector.broadcast(S, a[ap + 4]);
            c4_0 = Fma.madd(x, b0, c4_0); c4_1 = Fma.madd(x, b1, c4_1);
            x = FloatVector.broadcast(S, a[ap + 5]);
            c5_0 = Fma.madd(x, b0, c5_0); c5_1 = Fma.madd(x, b1, c5_1);
            x = FloatVector.broadcast(S, a[ap + 6]);
            c6_0 = Fma.madd(x, b0, c6_0); c6_1 = Fma.madd(x, b1, c6_1);
            x = FloatVector.broadcast(S, a[ap + 7]);
            c7_0 = Fma.madd(x, b0, c7_0); c7_1 = Fma.madd(x, b1, c7_1);
        }
        int o = cOff;
        c0_0.intoArray(c, o); c0_1.intoArray(c, o + L);
        o += ldc;
        c1_0.intoArray(c, o); c1_1.intoArray(c, o + L);
        o += ldc;
        c2_0.intoArray(c, o); c2_1.intoArray(c, o + L);
        o += ldc;
        c3_0.intoArray(c, o); c3_1.intoArray(c, o + L);
        o += ldc;
        c4_0.intoArray(c, o); c4_1.intoArray(c, o + L);
        o += ldc;
        c5_0.intoArray(c, o); c5_1.intoArray(c, o + L);
        o += ldc;
        c6_0.intoArray(c, o); c6_1.intoArray(c, o + L);
        o += ldc;
        c7_0.intoArray(c, o); c7_1.intoArray(c, o + L);
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
        FloatVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0, c3_1 = c0_0;
        FloatVector c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0, c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0;
        for (int p = 0; p < kc; p++) {
            int ap = aOff + p * MR, bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0_0 = Fma.madd(x, b0, c0_0); c0_1 = Fma.madd(x, b1, c0_1);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = Fma.madd(x, b0, c1_0); c1_1 = Fma.madd(x, b1, c1_1);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = Fma.madd(x, b0, c2_0); c2_1 = Fma.madd(x, b1, c2_1);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = Fma.madd(x, b0, c3_0); c3_1 = Fma.madd(x, b1, c3_1);
            x = FloatVector.broadcast(S, a[ap + 4]);
            c4_0 = Fma.madd(x, b0, c4_0); c4_1 = Fma.madd(x, b1, c4_1);
            x = FloatVector.broadcast(S, a[ap + 5]);
            c5_0 = Fma.madd(x, b0, c5_0); c5_1 = Fma.madd(x, b1, c5_1);
            x = FloatVector.broadcast(S, a[ap + 6]);
            c6_0 = Fma.madd(x, b0, c6_0); c6_1 = Fma.madd(x, b1, c6_1);
            x = FloatVector.broadcast(S, a[ap + 7]);
            c7_0 = Fma.madd(x, b0, c7_0); c7_1 = Fma.madd(x, b1, c7_1);
        }
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff), bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        c0_0 = c0_0.add(bias0); c0_1 = c0_1.add(bias1);
        c1_0 = c1_0.add(bias0); c1_1 = c1_1.add(bias1);
        c2_0 = c2_0.add(bias0); c2_1 = c2_1.add(bias1);
        c3_0 = c3_0.add(bias0); c3_1 = c3_1.add(bias1);
        c4_0 = c4_0.add(bias0); c4_1 = c4_1.add(bias1);
        c5_0 = c5_0.add(bias0); c5_1 = c5_1.add(bias1);
        c6_0 = c6_0.add(bias0); c6_1 = c6_1.add(bias1);
        c7_0 = c7_0.add(bias0); c7_1 = c7_1.add(bias1);
        if (res != null) {
            c0_0 = c0_0.add(FloatVector.fromArray(S, res, resOff)); c0_1 = c0_1.add(FloatVector.fromArray(S, res, resOff + L));
            c1_0 = c1_0.add(FloatVector.fromArray(S, res, resOff + ldr)); c1_1 = c1_1.add(FloatVector.fromArray(S, res, resOff + ldr + L));
            c2_0 = c2_0.add(FloatVector.fromArray(S, res, resOff + 2 * ldr)); c2_1 = c2_1.add(FloatVector.fromArray(S, res, resOff + 2 * ldr + L));
            c3_0 = c3_0.add(FloatVector.fromArray(S, res, resOff + 3 * ldr)); c3_1 = c3_1.add(FloatVector.fromArray(S, res, resOff + 3 * ldr + L));
            c4_0 = c4_0.add(FloatVector.fromArray(S, res, resOff + 4 * ldr)); c4_1 = c4_1.add(FloatVector.fromArray(S, res, resOff + 4 * ldr + L));
            c5_0 = c5_0.add(FloatVector.fromArray(S, res, resOff + 5 * ldr)); c5_1 = c5_1.add(FloatVector.fromArray(S, res, resOff + 5 * ldr + L));
            c6_0 = c6_0.add(FloatVector.fromArray(S, res, resOff + 6 * ldr)); c6_1 = c6_1.add(FloatVector.fromArray(S, res, resOff + 6 * ldr + L));
            c7_0 = c7_0.add(FloatVector.fromArray(S, res, resOff + 7 * ldr)); c7_1 = c7_1.add(FloatVector.fromArray(S, res, resOff + 7 * ldr + L));
        }
        int o = cOff;
        c0_0.intoArray(c, o); c0_1.intoArray(c, o + L);
        o += ldc;
        c1_0.intoArray(c, o); c1_1.intoArray(c, o + L);
        o += ldc;
        c2_0.intoArray(c, o); c2_1.intoArray(c, o + L);
        o += ldc;
        c3_0.intoArray(c, o); c3_1.intoArray(c, o + L);
        o += ldc;
        c4_0.intoArray(c, o); c4_1.intoArray(c, o + L);
        o += ldc;
        c5_0.intoArray(c, o); c5_1.intoArray(c, o + L);
        o += ldc;
        c6_0.intoArray(c, o); c6_1.intoArray(c, o + L);
        o += ldc;
        c7_0.intoArray(c, o); c7_1.intoArray(c, o + L);
    }
}
