package dev.lanes.simd.conv;

import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd F(2x2, 3x3) transforms over NHWC (Lavin & Gray, arXiv:1509.09308): a 4x4 input tile d
 * gives a 2x2 output tile {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A}, 16 multiplications per channel pair
 * instead of 36. Its constants are 0, ±1 and 1/2, so it is nearly as accurate as direct convolution.
 *
 * <pre>
 *        | 1  0 -1  0 |         | 1    0    0  |
 *   Bᵀ = | 0  1  1  0 |    G =  | 1/2  1/2  1/2 |    Aᵀ = | 1  1  1  0 |
 *        | 0 -1  1  0 |         | 1/2 -1/2  1/2 |         | 0  1 -1 -1 |
 *        | 0  1  0 -1 |         | 0    0    1  |
 * </pre>
 * The layout of inputs and outputs is that of {@link WinogradF4x3}.
 */
final class WinogradF2x3 {
    private WinogradF2x3() {}

    static final int M = 2, ALPHA = 4, POSITIONS = 16;

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /** {@code G g Gᵀ} of one 3x3 filter, in double; position p goes to {@code u[uOff + p·uStride]}. */
    static void transformFilter(float[] g, int gOff, float[] u, int uOff, int uStride) {
        double[][] gg = new double[ALPHA][3];
        double[] t = new double[ALPHA];
        for (int j = 0; j < 3; j++) {
            applyG(g[gOff + j], g[gOff + 3 + j], g[gOff + 6 + j], t);
            for (int i = 0; i < ALPHA; i++) gg[i][j] = t[i];
        }
        for (int i = 0; i < ALPHA; i++) {
            applyG(gg[i][0], gg[i][1], gg[i][2], t);
            for (int j = 0; j < ALPHA; j++) u[uOff + (i * ALPHA + j) * uStride] = (float) t[j];
        }
    }

    private static void applyG(double g0, double g1, double g2, double[] out) {
        out[0] = g0;
        out[1] = (g0 + g1 + g2) / 2;
        out[2] = (g0 - g1 + g2) / 2;
        out[3] = g2;
    }

    /** Floats of {@code tmp} that {@link #input} and {@link #output} need. */
    static final int TMP_VECTORS = 2 * POSITIONS;

    /**
     * {@code Bᵀ d B} of the 4x4 tile at input pixel {@code (iy0, ix0)}, as {@link WinogradF4x3#input}
     * (same layouts, whole-vector stores, patch for borders and short channel blocks).
     */
    static void input(float[] x, int xOff, int c, int ih, int iw, int iy0, int ix0,
                      float[] v, int vOff, int posStride, float[] tmp) {
        final int patch = POSITIONS * L, rowStep = ALPHA * L;
        boolean inside = iy0 >= 0 && ix0 >= 0 && iy0 + ALPHA <= ih && ix0 + ALPHA <= iw;
        for (int cb = 0; cb < c; cb += L) {
            float[] src = x;
            int so = xOff + (iy0 * iw + ix0) * c + cb, px = c, row = iw * c;
            if (!inside || cb + L > c) {
                WinogradTiles.gather(x, xOff, c, ih, iw, iy0, ix0, cb, ALPHA, tmp, patch);
                src = tmp;
                so = patch;
                px = L;
                row = rowStep;
            }
            for (int i = 0; i < ALPHA; i++) inputPass(src, so + i * row, px, tmp, i * rowStep, L);
            for (int j = 0; j < ALPHA; j++) inputPass(tmp, j * L, rowStep, v, vOff + j * posStride + cb, ALPHA * posStride);
        }
    }

    /** Bᵀ on four vectors {@code src[so + k·step]}, the four results to {@code dst[dOff + k·dStep]}. */
    private static void inputPass(float[] src, int so, int step, float[] dst, int dOff, int dStep) {
        FloatVector d0 = FloatVector.fromArray(S, src, so), d1 = FloatVector.fromArray(S, src, so + step),
                d2 = FloatVector.fromArray(S, src, so + 2 * step), d3 = FloatVector.fromArray(S, src, so + 3 * step);
        d0.sub(d2).intoArray(dst, dOff);
        d1.add(d2).intoArray(dst, dOff + dStep);
        d2.sub(d1).intoArray(dst, dOff + 2 * dStep);
        d1.sub(d3).intoArray(dst, dOff + 3 * dStep);
    }

    /** {@code Aᵀ m A} plus bias into the 2x2 output tile, as {@link WinogradF4x3#output}. */
    static void output(float[] mm, int mOff, int posStride, int c, float[] bias,
                       float[] y, int yOff, int oh, int ow, int oy0, int ox0, float[] tmp) {
        final int patch = POSITIONS * L, rowStep = M * L;
        int rows = Math.min(M, oh - oy0), cols = Math.min(M, ow - ox0);
        boolean whole = rows == M && cols == M;
        for (int cb = 0; cb < c; cb += L) {
            for (int i = 0; i < ALPHA; i++) outputRows(mm, mOff + i * ALPHA * posStride + cb, posStride, tmp, i * rowStep, L);
            if (whole && cb + L <= c) {
                int yo = yOff + (oy0 * ow + ox0) * c + cb;
                for (int k = 0; k < M; k++) outputColumn(tmp, k * L, rowStep, bias, cb, y, yo + k * c, ow * c);
            } else {
                for (int k = 0; k < M; k++) outputColumn(tmp, k * L, rowStep, bias, cb, tmp, patch + k * L, rowStep);
                WinogradTiles.scatter(tmp, patch, M, rows, cols, c, cb, y, yOff, ow, oy0, ox0);
            }
        }
    }

    /** Aᵀ on four vectors {@code src[so + k·step]}, the two results to {@code dst[dOff + r·dStep]}. */
    private static void outputRows(float[] src, int so, int step, float[] dst, int dOff, int dStep) {
        FloatVector m0 = FloatVector.fromArray(S, src, so), m1 = FloatVector.fromArray(S, src, so + step),
                m2 = FloatVector.fromArray(S, src, so + 2 * step), m3 = FloatVector.fromArray(S, src, so + 3 * step);
        m0.add(m1).add(m2).intoArray(dst, dOff);
        m1.sub(m2).sub(m3).intoArray(dst, dOff + dStep);
    }

    /** {@link #outputRows} plus {@code bias[bo..]} on both results. */
    private static void outputColumn(float[] src, int so, int step, float[] bias, int bo, float[] dst, int dOff, int dStep) {
        FloatVector m0 = FloatVector.fromArray(S, src, so), m1 = FloatVector.fromArray(S, src, so + step),
                m2 = FloatVector.fromArray(S, src, so + 2 * step), m3 = FloatVector.fromArray(S, src, so + 3 * step);
        FloatVector b = FloatVector.fromArray(S, bias, bo);
        m0.add(m1).add(m2).add(b).intoArray(dst, dOff);
        m1.sub(m2).sub(m3).add(b).intoArray(dst, dOff + dStep);
    }
}
