package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel for few rows (M ≤ 8: transformer decode with a small batch, fully connected
 * heads): 4 rows × 4 vectors of C (two B panels side by side), A read in place through one offset per
 * row and a stride along k, over the whole of K in one go.
 *
 * <p>Why 4 vectors: with 4 rows, {@link Gemm4x2v} has 8 accumulators, exactly the FMA latency (4
 * cycles) times the 2 FMA ports, so any stall starves the units, and it issues 6 loads per 8 FMAs.
 * Here, per k: 4 loads of B, 4 broadcasts of A, 16 FMAs into 16 accumulators (21 of AVX-512's 32
 * registers, 21 of 16 on AVX2 would spill: callers use it on 512-bit vectors only). Each loaded B
 * vector still feeds 4 rows, so the bytes of B per FMA — what bounds these shapes when the weights
 * come from L3 — are those of {@link Gemm4x2v}. Each C element is one FMA chain over k in order.
 */
final class Gemm4x4v {
    private Gemm4x4v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    static final int MR = 4;
    /** Columns of one B panel; the tile spans two. */
    static final int NR = 2 * L;

    /**
     * {@code C[cOff + r·ldc + j] = Σ_p a[ar + p·ks]·B[p][j]} for r &lt; 4 (ar = a0..a3) and j &lt; 2·NR,
     * columns [0, NR) from the panel at {@code b0} and [NR, 2·NR) from the panel at {@code b1}.
     */
    static void kernel(int k, float[] a, int a0, int a1, int a2, int a3, int ks,
                       float[] b, int b0, int b1, float[] c, int cOff, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0, c0_2 = c0_0, c0_3 = c0_0;
        FloatVector c1_0 = c0_0, c1_1 = c0_0, c1_2 = c0_0, c1_3 = c0_0;
        FloatVector c2_0 = c0_0, c2_1 = c0_0, c2_2 = c0_0, c2_3 = c0_0;
        FloatVector c3_0 = c0_0, c3_1 = c0_0, c3_2 = c0_0, c3_3 = c0_0;
        for (int p = 0, ap = 0, p0 = b0, p1 = b1; p < k; p++, ap += ks, p0 += NR, p1 += NR) {
            FloatVector v0 = FloatVector.fromArray(S, b, p0);
            FloatVector v1 = FloatVector.fromArray(S, b, p0 + L);
            FloatVector v2 = FloatVector.fromArray(S, b, p1);
            FloatVector v3 = FloatVector.fromArray(S, b, p1 + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
            c0_0 = Fma.madd(x, v0, c0_0); c0_1 = Fma.madd(x, v1, c0_1); c0_2 = Fma.madd(x, v2, c0_2); c0_3 = Fma.madd(x, v3, c0_3);
            x = FloatVector.broadcast(S, a[a1 + ap]);
            c1_0 = Fma.madd(x, v0, c1_0); c1_1 = Fma.madd(x, v1, c1_1); c1_2 = Fma.madd(x, v2, c1_2); c1_3 = Fma.madd(x, v3, c1_3);
            x = FloatVector.broadcast(S, a[a2 + ap]);
            c2_0 = Fma.madd(x, v0, c2_0); c2_1 = Fma.madd(x, v1, c2_1); c2_2 = Fma.madd(x, v2, c2_2); c2_3 = Fma.madd(x, v3, c2_3);
            x = FloatVector.broadcast(S, a[a3 + ap]);
            c3_0 = Fma.madd(x, v0, c3_0); c3_1 = Fma.madd(x, v1, c3_1); c3_2 = Fma.madd(x, v2, c3_2); c3_3 = Fma.madd(x, v3, c3_3);
        }
        int o = cOff;
        c0_0.intoArray(c, o); c0_1.intoArray(c, o + L); c0_2.intoArray(c, o + NR); c0_3.intoArray(c, o + NR + L);
        o += ldc;
        c1_0.intoArray(c, o); c1_1.intoArray(c, o + L); c1_2.intoArray(c, o + NR); c1_3.intoArray(c, o + NR + L);
        o += ldc;
        c2_0.intoArray(c, o); c2_1.intoArray(c, o + L); c2_2.intoArray(c, o + NR); c2_3.intoArray(c, o + NR + L);
        o += ldc;
        c3_0.intoArray(c, o); c3_1.intoArray(c, o + L); c3_2.intoArray(c, o + NR); c3_3.intoArray(c, o + NR + L);
    }
}
