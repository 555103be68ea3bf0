package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel reading A in place: 6 rows × 4 vectors of C (two B panels side by side), A read
 * through one offset per row and a stride along k, over the whole of K in one go. It serves products
 * with few output columns and many rows (convolution as GEMM: N = output channels), where packing A
 * would cost as much as the product itself: per element of A there are only N/L vector FMAs.
 *
 * <p>Per k: 4 loads of B, 6 broadcasts of A, 24 FMAs into 24 accumulators (29 of AVX-512's 32
 * registers with the B vectors and one broadcast); 6 row offsets fit the general registers, where
 * 12 would spill. Each C element is one FMA chain over k in order.
 */
final class Gemm6x4v {
    private Gemm6x4v() {}

    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    static final int L = S.length();
    static final int MR = 6;
    /** Columns of one B panel; the tile spans two. */
    static final int NR = 2 * L;

    /**
     * {@code C[cOff + r·ldc + j] = Σ_p a[ar + p·ks]·B[p][j]} for r &lt; 6 (ar = a0..a5) and j &lt; 2·NR, columns
     * [0, NR) from the panel at {@code b0} and [NR, 2·NR) from the panel at {@code b1}.
     */
    static void kernel(int k, float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int ks,
                       float[] b, int b0, int b1, float[] c, int cOff, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0, c0_2 = c0_0, c0_3 = c0_0;
        FloatVector c1_0 = c0_0, c1_1 = c0_0, c1_2 = c0_0, c1_3 = c0_0;
        FloatVector c2_0 = c0_0, c2_1 = c0_0, c2_2 = c0_0, c2_3 = c0_0;
        FloatVector c3_0 = c0_0, c3_1 = c0_0, c3_2 = c0_0, c3_3 = c0_0;
        FloatVector c4_0 = c0_0, c4_1 = c0_0, c4_2 = c0_0, c4_3 = c0_0;
        FloatVector c5_0 = c0_0, c5_1 = c0_0, c5_2 = c0_0, c5_3 = c0_0;
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
            x = FloatVector.broadcast(S, a[a4 + ap]);
            c4_0 = Fma.madd(x, v0, c4_0); c4_1 = Fma.madd(x, v1, c4_1); c4_2 = Fma.madd(x, v2, c4_2); c4_3 = Fma.madd(x, v3, c4_3);
            x = FloatVector.broadcast(S, a[a5 + ap]);
            c5_0 = Fma.madd(x, v0, c5_0); c5_1 = Fma.madd(x, v1, c5_1); c5_2 = Fma.madd(x, v2, c5_2); c5_3 = Fma.madd(x, v3, c5_3);
        }
        int o = cOff;
        c0_0.intoArray(c, o); c0_1.intoArray(c, o + L); c0_2.intoArray(c, o + NR); c0_3.intoArray(c, o + NR + L);
        o += ldc;
        c1_0.intoArray(c, o); c1_1.intoArray(c, o + L); c1_2.intoArray(c, o + NR); c1_3.intoArray(c, o + NR + L);
        o += ldc;
        c2_0.intoArray(c, o); c2_1.intoArray(c, o + L); c2_2.intoArray(c, o + NR); c2_3.intoArray(c, o + NR + L);
        o += ldc;
        c3_0.intoArray(c, o); c3_1.intoArray(c, o + L); c3_2.intoArray(c, o + NR); c3_3.intoArray(c, o + NR + L);
        o += ldc;
        c4_0.intoArray(c, o); c4_1.intoArray(c, o + L); c4_2.intoArray(c, o + NR); c4_3.intoArray(c, o + NR + L);
        o += ldc;
        c5_0.intoArray(c, o); c5_1.intoArray(c, o + L); c5_2.intoArray(c, o + NR); c5_3.intoArray(c, o + NR + L);
    }
}
