package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writing micro-kernel results into C: alpha and beta folded into the store, and edge tiles (rows
 * or columns past the matrix) computed into a scratch tile and merged here, outside the hot loop.
 * The vector and scalar forms round identically (one multiply by alpha, one multiply-add with beta),
 * so an element gets the same bits whether it sits in a full or an edge tile.
 */
final class Tiles {
    private Tiles() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;

    /** {@code c[off ..] = alpha·acc + beta·c[off ..]} (C not read when beta = 0). */
    static void put(FloatVector acc, float[] c, int off, float alpha, float beta) {
        FloatVector v = alpha == 1f ? acc : acc.mul(alpha);
        if (beta != 0f) v = Fma.madd(FloatVector.fromArray(S, c, off), FloatVector.broadcast(S, beta), v);
        v.intoArray(c, off);
    }

    /**
     * Merges a {@code rows × cols} corner of a scratch tile (row stride {@code ldt}, computed with
     * alpha 1, beta 0) into C with alpha and beta, exactly as {@link #put} would have.
     */
    static void merge(float[] t, int ldt, int rows, int cols, float[] c, int cOff, int ldc, float alpha, float beta) {
        for (int r = 0; r < rows; r++) {
            int to = r * ldt, co = cOff + r * ldc;
            for (int j = 0; j < cols; j++) {
                float v = alpha == 1f ? t[to + j] : t[to + j] * alpha;
                if (beta != 0f) v = Fma.madd(c[co + j], beta, v);
                c[co + j] = v;
            }
        }
    }
}
