package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel for few rows: 4 rows × 2 vectors of C, A read in place through one offset per
 * row and a stride along k. It serves the GEMV path (M ≤ 4, where packing A does not pay: rows of A
 * or of Aᵀ are read directly) and the last rows of a blocked GEMM (a 4-row packed remainder panel,
 * stride 4). 8 accumulators keep both FMA ports busy across the 4-cycle latency.
 *
 * <p>Each C element is one FMA chain over k in order, like {@link Gemm12x2v}: the same bits.
 */
final class Gemm4x2v {
    private Gemm4x2v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    static final int MR = 4, NRV = 2, NR = NRV * L;

    /**
     * {@code C[cOff + r·ldc + j] = Σ_p a[ar + p·ks]·B[p][j]} for r &lt; 4, j &lt; NR, with
     * {@code ar} = a0..a3 (callers with fewer rows repeat a valid row and write to a scratch tile) and
     * the B panel {@code b[bOff + p·NR + j]}.
     */
    static void kernel(int kc, float[] a, int a0, int a1, int a2, int a3, int ks, float[] b, int bOff,
                       float[] c, int cOff, int ldc) {
        int o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0, c3_1 = c0_0;
        for (int p = 0, ap = 0, bp = bOff; p < kc; p++, ap += ks, bp += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
            c0_0 = Fma.madd(x0, b0, c0_0); c0_1 = Fma.madd(x0, b1, c0_1);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
            c1_0 = Fma.madd(x1, b0, c1_0); c1_1 = Fma.madd(x1, b1, c1_1);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
            c2_0 = Fma.madd(x2, b0, c2_0); c2_1 = Fma.madd(x2, b1, c2_1);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
            c3_0 = Fma.madd(x3, b0, c3_0); c3_1 = Fma.madd(x3, b1, c3_1);
        }
        c0_0.intoArray(c, cOff); c0_1.intoArray(c, cOff + L);
        c1_0.intoArray(c, o1); c1_1.intoArray(c, o1 + L);
        c2_0.intoArray(c, o2); c2_1.intoArray(c, o2 + L);
        c3_0.intoArray(c, o3); c3_1.intoArray(c, o3 + L);
    }
}
