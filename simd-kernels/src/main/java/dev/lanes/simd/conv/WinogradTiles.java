package dev.lanes.simd.conv;

import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The border cases of the Winograd transforms, shared by {@link WinogradF2x3} and
 * {@link WinogradF4x3}: a tile that overlaps the padding, or a last channel block shorter than a
 * vector, is gathered into a zero-padded patch before its input transform and its outputs are
 * scattered from a patch after the output transform, so the transforms themselves only ever load
 * and store whole vectors at fixed strides (no masks, no bounds tests in their loops).
 *
 * <p>No method here takes or returns a vector: every vector lives in one method's locals, so C2
 * never has to box one, whatever it decides to inline.
 */
final class WinogradTiles {
    private WinogradTiles() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /**
     * The {@code alpha × alpha} input pixels from {@code (iy0, ix0)}, channels {@code [cb, cb+L)},
     * into {@code patch[pOff + (i·alpha + k)·L + lane]}: zero outside the {@code ih × iw} image and
     * for channels at or past {@code c}.
     */
    static void gather(float[] x, int xOff, int c, int ih, int iw, int iy0, int ix0, int cb, int alpha, float[] patch, int pOff) {
        boolean fullBlock = cb + L <= c;
        for (int i = 0; i < alpha; i++) {
            int iy = iy0 + i;
            for (int k = 0; k < alpha; k++) {
                int ix = ix0 + k, p = pOff + (i * alpha + k) * L;
                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                    FloatVector.zero(S).intoArray(patch, p);
                } else {
                    int o = xOff + (iy * iw + ix) * c + cb;
                    if (fullBlock) FloatVector.fromArray(S, x, o).intoArray(patch, p);
                    else FloatVector.fromArray(S, x, o, S.indexInRange(cb, c)).intoArray(patch, p);
                }
            }
        }
    }

    /**
     * The first {@code rows × cols} pixels of an {@code m × m} output patch
     * ({@code patch[pOff + (r·m + k)·L + lane]}) into Y's pixels from {@code (oy0, ox0)}, channels
     * {@code [cb, min(cb+L, c))}.
     */
    static void scatter(float[] patch, int pOff, int m, int rows, int cols, int c, int cb, float[] y, int yOff, int ow, int oy0, int ox0) {
        boolean fullBlock = cb + L <= c;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                int p = pOff + (r * m + k) * L, o = yOff + ((oy0 + r) * ow + ox0 + k) * c + cb;
                if (fullBlock) FloatVector.fromArray(S, patch, p).intoArray(y, o);
                else FloatVector.fromArray(S, patch, p).intoArray(y, o, S.indexInRange(cb, c));
            }
        }
    }
}
