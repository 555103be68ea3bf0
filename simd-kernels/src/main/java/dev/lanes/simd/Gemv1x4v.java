package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector micro-kernel (M = 1, transformer decode): one row of A against two B panels at once,
 * 4 vectors of C. Memory-bound: it streams the two panels (2 × K × NR floats) once at full bandwidth;
 * 4 independent FMA chains keep up with L2 and far exceed what L3 or DRAM deliver.
 *
 * <p>Each C element is one FMA chain over k in order, like the GEMM kernels.
 */
final class Gemv1x4v {
    private Gemv1x4v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    /** Columns of one panel. */
    static final int NR = 2 * L;

    /**
     * {@code C[cOff + j] = Σ_p a[aOff + p·ks]·B[p][j]} for j &lt; 2·NR, where columns
     * [0, NR) come from the panel at {@code b0} and [NR, 2·NR) from the panel at {@code b1}.
     */
    static void kernel(int k, float[] a, int aOff, int ks, float[] b, int b0, int b1, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0, ap = aOff, p0 = b0, p1 = b1; p < k; p++, ap += ks, p0 += NR, p1 += NR) {
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0 = Fma.madd(x, FloatVector.fromArray(S, b, p0), c0);
            c1 = Fma.madd(x, FloatVector.fromArray(S, b, p0 + L), c1);
            c2 = Fma.madd(x, FloatVector.fromArray(S, b, p1), c2);
            c3 = Fma.madd(x, FloatVector.fromArray(S, b, p1 + L), c3);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + NR);
        c3.intoArray(c, cOff + NR + L);
    }
}
