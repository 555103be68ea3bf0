package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    /**
     * {@code Bᵀ d B} of the 6x6 input tile whose top-left input pixel is {@code (iy0, ix0)} (pixels
     * outside the image read zero), for channels {@code [c0, c1)}; transformed position p of channel c
     * goes to {@code v[vOff + p·posStride + c]}. {@code tmp} holds {@code 36·L} floats.
     */
    static void input(float[] x, int xOff, int c, int ih, int iw, int iy0, int ix0,
                      float[] v, int vOff, int posStride, float[] tmp) {
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = S.indexInRange(cb, c);
            FloatVector zero = FloatVector.zero(S);
            for (int i = 0; i < ALPHA; i++) {
                int iy = iy0 + i;
                FloatVector d0 = zero, d1 = zero, d2 = zero, d3 = zero, d4 = zero, d5 = zero;
                if (iy >= 0 && iy < ih) {
                    int row = xOff + iy * iw * c + cb;
                    d0 = load(x, row, ix0, iw, c, m);
                    d1 = load(x, row, ix0 + 1, iw, c, m);
                    d2 = load(x, row, ix0 + 2, iw, c, m);
                    d3 = load(x, row, ix0 + 3, iw, c, m);
                    d4 = load(x, row, ix0 + 4, iw, c, m);
                    d5 = load(x, row, ix0 + 5, iw, c, m);
                }
                int t = i * ALPHA * L;
                transform(d0, d1, d2, d3, d4, d5, tmp, t, L);
            }
            for (int j = 0; j < ALPHA; j++) {
                int t = j * L, st = ALPHA * L;
                FloatVector d0 = FloatVector.fromArray(S, tmp, t), d1 = FloatVector.fromArray(S, tmp, t + st),
                        d2 = FloatVector.fromArray(S, tmp, t + 2 * st), d3 = FloatVector.fromArray(S, tmp, t + 3 * st),
                        d4 = FloatVector.fromArray(S, tmp, t + 4 * st), d5 = FloatVector.fromArray(S, tmp, t + 5 * st);
                int o = vOff + j * posStride + cb;
                int ps = ALPHA * posStride;
                FloatVector p = d2.fma(FloatVector.broadcast(S, -4f), d4), q = d1.fma(FloatVector.broadcast(S, -4f), d3), r = d4.sub(d2), u = d3.sub(d1).mul(2f);
                d0.fma(FloatVector.broadcast(S, 4f), d2.fma(FloatVector.broadcast(S, -5f), d4)).intoArray(v, o, m);
                p.add(q).intoArray(v, o + ps, m);
                p.sub(q).intoArray(v, o + 2 * ps, m);
                r.add(u).intoArray(v, o + 3 * ps, m);
                r.sub(u).intoArray(v, o + 4 * ps, m);
                d1.fma(FloatVector.broadcast(S, 4f), d3.fma(FloatVector.broadcast(S, -5f), d5)).intoArray(v, o + 5 * ps, m);
            }
        }
    }

    private static FloatVector load(float[] x, int row, int ix, int iw, int c, VectorMask<Float> m) {
        return ix >= 0 && ix < iw ? FloatVector.fromArray(S, x, row + ix * c, m) : FloatVector.zero(S);
    }

    /** Bᵀ on one row of six vectors, stored to {@code tmp[t + j·step]}. */
    private static void transform(FloatVector d0, FloatVector d1, FloatVector d2, FloatVector d3, FloatVector d4,
                                  FloatVector d5, float[] tmp, int t, int step) {
        FloatVector p = d2.fma(FloatVector.broadcast(S, -4f), d4), q = d1.fma(FloatVector.broadcast(S, -4f), d3), r = d4.sub(d2), u = d3.sub(d1).mul(2f);
        d0.fma(FloatVector.broadcast(S, 4f), d2.fma(FloatVector.broadcast(S, -5f), d4)).intoArray(tmp, t);
        p.add(q).intoArray(tmp, t + step);
        p.sub(q).intoArray(tmp, t + 2 * step);
        r.add(u).intoArray(tmp, t + 3 * step);
        r.sub(u).intoArray(tmp, t + 4 * step);
        d1.fma(FloatVector.broadcast(S, 4f), d3.fma(FloatVector.broadcast(S, -5f), d5)).intoArray(tmp, t + 5 * step);
    }

    /**
     * {@code Aᵀ m A} of the 36 GEMM results of one tile ({@code mm[mOff + p·posStride + c]}), plus
     * bias and residual, through the activation, into the 4x4 output pixels from {@code (oy0, ox0)}
     * that lie inside the {@code oh × ow} image. {@code tmp} holds {@code 24·L} floats.
     */
    static void output(float[] mm, int mOff, int posStride, int c, float[] bias, Activation act,
                       float[] res, int resOff, float[] y, int yOff, int oh, int ow, int oy0, int ox0, float[] tmp) {
        int rows = Math.min(M, oh - oy0), cols = Math.min(M, ow - ox0);
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = S.indexInRange(cb, c);
            for (int i = 0; i < ALPHA; i++) {
                int o = mOff + i * ALPHA * posStride + cb;
                FloatVector m0 = FloatVector.fromArray(S, mm, o, m), m1 = FloatVector.fromArray(S, mm, o + posStride, m),
                        m2 = FloatVector.fromArray(S, mm, o + 2 * posStride, m), m3 = FloatVector.fromArray(S, mm, o + 3 * posStride, m),
                        m4 = FloatVector.fromArray(S, mm, o + 4 * posStride, m), m5 = FloatVector.fromArray(S, mm, o + 5 * posStride, m);
                int t = i * M * L;
                FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
                m0.add(s12).add(s34).intoArray(tmp, t);
                d34.fma(FloatVector.broadcast(S, 2f), d12).intoArray(tmp, t + L);
                s34.fma(FloatVector.broadcast(S, 4f), s12).intoArray(tmp, t + 2 * L);
                d34.fma(FloatVector.broadcast(S, 8f), d12).add(m5).intoArray(tmp, t + 3 * L);
            }
            FloatVector b = FloatVector.fromArray(S, bias, cb);
            for (int j = 0; j < cols; j++) {
                int t = j * L, st = M * L;
                FloatVector m0 = FloatVector.fromArray(S, tmp, t), m1 = FloatVector.fromArray(S, tmp, t + st),
                        m2 = FloatVector.fromArray(S, tmp, t + 2 * st), m3 = FloatVector.fromArray(S, tmp, t + 3 * st),
                        m4 = FloatVector.fromArray(S, tmp, t + 4 * st), m5 = FloatVector.fromArray(S, tmp, t + 5 * st);
                FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
                int px = ((oy0) * ow + ox0 + j) * c + cb;
                store(m0.add(s12).add(s34), b, act, res, resOff + px, y, yOff + px, m);
                if (rows > 1) store(d34.fma(FloatVector.broadcast(S, 2f), d12), b, act, res, resOff + px + ow * c, y, yOff + px + ow * c, m);
                if (rows > 2) store(s34.fma(FloatVector.broadcast(S, 4f), s12), b, act, res, resOff + px + 2 * ow * c, y, yOff + px + 2 * ow * c, m);
                if (rows > 3) store(d34.fma(FloatVector.broadcast(S, 8f), d12).add(m5), b, act, res, resOff + px + 3 * ow * c, y, yOff + px + 3 * ow * c, m);
            }
        }
    }

    private static void store(FloatVector v, FloatVector bias, Activation act, float[] res, int ro, float[] y, int yo,
                              VectorMask<Float> m) {
        v = v.add(bias);
        if (res != null) v = v.add(FloatVector.fromArray(S, res, ro, m));
        act.apply(v).intoArray(y, yo, m);
    }
}
