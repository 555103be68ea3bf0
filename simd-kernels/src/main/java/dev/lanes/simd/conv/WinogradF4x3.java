package dev.lanes.simd.conv;

import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd F(4x4, 3x3) transforms over NHWC (Lavin & Gray, "Fast Algorithms for Convolutional
 * Neural Networks", arXiv:1509.09308): a 6x6 input tile d gives a 4x4 output tile
 * {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A} with 36 multiplications per channel pair instead of 144.
 * Lanes are channels, so every transform is a handful of vector adds and FMAs by constants.
 *
 * <pre>
 *        | 4  0 -5  0  1  0 |          | 1/4     0     0  |         | 1  1  1  1  1  0 |
 *        | 0 -4 -4  1  1  0 |          | -1/6 -1/6  -1/6  |   Aᵀ =  | 0  1 -1  2 -2  0 |
 *   Bᵀ = | 0  4 -4 -1  1  0 |    G =   | -1/6  1/6  -1/6  |         | 0  1  1  4  4  0 |
 *        | 0 -2 -1  2  1  0 |          | 1/24 1/12   1/6  |         | 0  1 -1  8 -8  1 |
 *        | 0  2 -1 -2  1  0 |          | 1/24 -1/12  1/6  |
 *        | 0  4  0 -5  0  1 |          | 0       0     1  |
 * </pre>
 *
 * Its rounding error is larger than F(2x2, 3x3)'s (the constants up to 8 amplify it; Barabasz et
 * al., arXiv:1803.10986): the property tests hold it to its own documented constant.
 */
final class WinogradF4x3 {
    private WinogradF4x3() {}

    static final int M = 4, ALPHA = 6, POSITIONS = 36;

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /**
     * {@code G g Gᵀ} of one 3x3 filter (row-major taps at {@code g[gOff..]}), computed in double;
     * position p goes to {@code u[uOff + p·uStride]}.
     */
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
        out[0] = g0 / 4;
        out[1] = -(g0 + g1 + g2) / 6;
        out[2] = -(g0 - g1 + g2) / 6;
        out[3] = g0 / 24 + g1 / 12 + g2 / 6;
        out[4] = g0 / 24 - g1 / 12 + g2 / 6;
        out[5] = g2;
    }

    /** Floats of {@code tmp} that {@link #input} and {@link #output} need. */
    static final int TMP_VECTORS = 2 * POSITIONS;

    /**
     * {@code Bᵀ d B} of the 6x6 input tile whose top-left input pixel is {@code (iy0, ix0)} (pixels
     * outside the image read zero), for channels {@code [0, c)}; transformed position p of channel c
     * goes to {@code v[vOff + p·posStride + c]}. The last channel block is stored as a whole vector:
     * V's rows must have room for {@code c} rounded up to the vector length. {@code tmp} holds
     * {@code TMP_VECTORS·L} floats.
     *
     * <p>Tiles inside the image transform straight from X; border tiles and a short last channel
     * block go through a zero-padded patch ({@link WinogradTiles#gather}). The two passes are calls
     * of one small method that keeps its vectors to itself: the transforms run at the same speed
     * whether or not C2 inlines them into a large caller (it did not once the model's other layers
     * had run: a helper taking six vectors was then called with boxed vectors, 2x slower per layer).
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

    /** Bᵀ on six vectors {@code src[so + k·step]}, the six results to {@code dst[dOff + k·dStep]}. */
    private static void inputPass(float[] src, int so, int step, float[] dst, int dOff, int dStep) {
        FloatVector d0 = FloatVector.fromArray(S, src, so), d1 = FloatVector.fromArray(S, src, so + step),
                d2 = FloatVector.fromArray(S, src, so + 2 * step), d3 = FloatVector.fromArray(S, src, so + 3 * step),
                d4 = FloatVector.fromArray(S, src, so + 4 * step), d5 = FloatVector.fromArray(S, src, so + 5 * step);
        FloatVector four = FloatVector.broadcast(S, 4f), minusFour = FloatVector.broadcast(S, -4f), minusFive = FloatVector.broadcast(S, -5f);
        FloatVector p = d2.fma(minusFour, d4), q = d1.fma(minusFour, d3), r = d4.sub(d2), u = d3.sub(d1).mul(2f);
        d0.fma(four, d2.fma(minusFive, d4)).intoArray(dst, dOff);
        p.add(q).intoArray(dst, dOff + dStep);
        p.sub(q).intoArray(dst, dOff + 2 * dStep);
        r.add(u).intoArray(dst, dOff + 3 * dStep);
        r.sub(u).intoArray(dst, dOff + 4 * dStep);
        d1.fma(four, d3.fma(minusFive, d5)).intoArray(dst, dOff + 5 * dStep);
    }

    /**
     * {@code Aᵀ m A} of the 36 GEMM results of one tile ({@code mm[mOff + p·posStride + c]}) plus
     * bias into the 4x4 output pixels from {@code (oy0, ox0)} that lie inside the {@code oh × ow}
     * image, channels {@code [0, c)}. M's rows must have room for {@code c} rounded up to the vector
     * length, and {@code bias} that many floats. Residual and activation are the caller's pass over
     * the tile's rows ({@link ConvEpilogue}). {@code tmp} holds {@code TMP_VECTORS·L} floats.
     */
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

    /** Aᵀ on six vectors {@code src[so + k·step]}, the four results to {@code dst[dOff + r·dStep]}. */
    private static void outputRows(float[] src, int so, int step, float[] dst, int dOff, int dStep) {
        FloatVector m0 = FloatVector.fromArray(S, src, so), m1 = FloatVector.fromArray(S, src, so + step),
                m2 = FloatVector.fromArray(S, src, so + 2 * step), m3 = FloatVector.fromArray(S, src, so + 3 * step),
                m4 = FloatVector.fromArray(S, src, so + 4 * step), m5 = FloatVector.fromArray(S, src, so + 5 * step);
        FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
        m0.add(s12).add(s34).intoArray(dst, dOff);
        d34.fma(FloatVector.broadcast(S, 2f), d12).intoArray(dst, dOff + dStep);
        s34.fma(FloatVector.broadcast(S, 4f), s12).intoArray(dst, dOff + 2 * dStep);
        d34.fma(FloatVector.broadcast(S, 8f), d12).add(m5).intoArray(dst, dOff + 3 * dStep);
    }

    /** {@link #outputRows} plus {@code bias[bo..]} on every result: the column pass that writes the output pixels. */
    private static void outputColumn(float[] src, int so, int step, float[] bias, int bo, float[] dst, int dOff, int dStep) {
        FloatVector m0 = FloatVector.fromArray(S, src, so), m1 = FloatVector.fromArray(S, src, so + step),
                m2 = FloatVector.fromArray(S, src, so + 2 * step), m3 = FloatVector.fromArray(S, src, so + 3 * step),
                m4 = FloatVector.fromArray(S, src, so + 4 * step), m5 = FloatVector.fromArray(S, src, so + 5 * step);
        FloatVector b = FloatVector.fromArray(S, bias, bo);
        FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
        m0.add(s12).add(s34).add(b).intoArray(dst, dOff);
        d34.fma(FloatVector.broadcast(S, 2f), d12).add(b).intoArray(dst, dOff + dStep);
        s34.fma(FloatVector.broadcast(S, 4f), s12).add(b).intoArray(dst, dOff + 2 * dStep);
        d34.fma(FloatVector.broadcast(S, 8f), d12).add(m5).add(b).intoArray(dst, dOff + 3 * dStep);
    }
}
