package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Merging a micro-kernel's result into C, outside the hot loop. The kernels only compute a fresh
 * tile t = Σ a·b and store it; a tile that is not simply stored into C (edge tiles past the matrix,
 * alpha ≠ 1, beta ≠ 0, and every k-block after the first) is computed into a scratch tile and
 * merged here as {@code C = alpha·t + beta·C}.
 *
 * <p>Rounding: {@code v = t·alpha} (exact when alpha = 1), then {@code fma(beta, C, v)} (mul+add without
 * hardware FMA), the same in the vector and the scalar tail, so an element gets the same bits in a
 * full tile and an edge tile, whatever the thread count.
 */
final class Tiles {
    private Tiles() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /** {@code C = alpha·t + beta·C} over a {@code rows × cols} corner of the scratch tile (row stride {@code ldt}); C not read when beta = 0. */
    static void merge(float[] t, int ldt, int rows, int cols, float[] c, int cOff, int ldc, float alpha, float beta) {
        int full = cols - cols % L;
        FloatVector vb = FloatVector.broadcast(S, beta);
        for (int r = 0; r < rows; r++) {
            int to = r * ldt, co = cOff + r * ldc;
            int j = 0;
            for (; j < full; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, to + j).mul(alpha);
                if (beta != 0f) v = Fma.madd(vb, FloatVector.fromArray(S, c, co + j), v);
                v.intoArray(c, co + j);
            }
            for (; j < cols; j++) {
                float v = t[to + j] * alpha;
                c[co + j] = beta == 0f ? v : Fma.madd(beta, c[co + j], v);
            }
        }
    }
}
