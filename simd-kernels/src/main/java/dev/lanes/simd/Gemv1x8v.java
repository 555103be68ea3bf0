package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector micro-kernel (M = 1) over four B panels at once, 8 vectors of C: {@link Gemv1x4v}
 * with twice the address streams. A GEMV over weights that come from memory (a classifier's 2048 → 1000,
 * 8 MB) waits on the page walks and prefetcher start-up of each 4 KB page its streams enter; four
 * streams keep twice as many of those misses in flight as two.
 *
 * <p>Each C element is one FMA chain over k in order, as in {@link Gemv1x4v} and the GEMM kernels:
 * the same bits whichever of them computes a panel.
 */
final class Gemv1x8v {
    private Gemv1x8v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    /** Columns of one panel. */
    static final int NR = 2 * L;

    /**
     * {@code C[cOff + j] = Σ_p a[aOff + p·ks]·B[p][j]} for j &lt; 4·NR, columns [i·NR, (i+1)·NR) from the
     * panel at {@code b0 + i·panelStride}.
     */
    static void kernel(int k, float[] a, int aOff, int ks, float[] b, int b0, int panelStride, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int b1 = b0 + panelStride, b2 = b1 + panelStride, b3 = b2 + panelStride;
        for (int p = 0, ap = aOff, o = 0; p < k; p++, ap += ks, o += NR) {
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0 = Fma.madd(x, FloatVector.fromArray(S, b, b0 + o), c0);
            c1 = Fma.madd(x, FloatVector.fromArray(S, b, b0 + o + L), c1);
            c2 = Fma.madd(x, FloatVector.fromArray(S, b, b1 + o), c2);
            c3 = Fma.madd(x, FloatVector.fromArray(S, b, b1 + o + L), c3);
            c4 = Fma.madd(x, FloatVector.fromArray(S, b, b2 + o), c4);
            c5 = Fma.madd(x, FloatVector.fromArray(S, b, b2 + o + L), c5);
            c6 = Fma.madd(x, FloatVector.fromArray(S, b, b3 + o), c6);
            c7 = Fma.madd(x, FloatVector.fromArray(S, b, b3 + o + L), c7);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + NR);
        c3.intoArray(c, cOff + NR + L);
        c4.intoArray(c, cOff + 2 * NR);
        c5.intoArray(c, cOff + 2 * NR + L);
        c6.intoArray(c, cOff + 3 * NR);
        c7.intoArray(c, cOff + 3 * NR + L);
    }
}
