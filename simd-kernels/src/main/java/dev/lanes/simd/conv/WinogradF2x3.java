package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    /** {@code Bᵀ d B} of the 4x4 tile at input pixel {@code (iy0, ix0)}; see {@link WinogradF4x3#input}. {@code tmp}: 16·L floats. */
    static void input(float[] x, int xOff, int c, int ih, int iw, int iy0, int ix0,
                      float[] v, int vOff, int posStride, float[] tmp) {
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = S.indexInRange(cb, c);
            FloatVector zero = FloatVector.zero(S);
            for (int i = 0; i < ALPHA; i++) {
                int iy = iy0 + i;
                FloatVector d0 = zero, d1 = zero, d2 = zero, d3 = zero;
                if (iy >= 0 && iy < ih) {
                    int row = xOff + iy * iw * c + cb;
                    d0 = load(x, row, ix0, iw, c, m);
                    d1 = load(x, row, ix0 + 1, iw, c, m);
                    d2 = load(x, row, ix0 + 2, iw, c, m);
                    d3 = load(x, row, ix0 + 3, iw, c, m);
                }
                int t = i * ALPHA * L;
                d0.sub(d2).intoArray(tmp, t);
                d1.add(d2).intoArray(tmp, t + L);
                d2.sub(d1).intoArray(tmp, t + 2 * L);
                d1.sub(d3).intoArray(tmp, t + 3 * L);
            }
            for (int j = 0; j < ALPHA; j++) {
                int t = j * L, st = ALPHA * L;
                FloatVector d0 = FloatVector.fromArray(S, tmp, t), d1 = FloatVector.fromArray(S, tmp, t + st),
                        d2 = FloatVector.fromArray(S, tmp, t + 2 * st), d3 = FloatVector.fromArray(S, tmp, t + 3 * st);
                int o = vOff + j * posStride + cb, ps = ALPHA * posStride;
                d0.sub(d2).intoArray(v, o, m);
                d1.add(d2).intoArray(v, o + ps, m);
                d2.sub(d1).intoArray(v, o + 2 * ps, m);
                d1.sub(d3).intoArray(v, o + 3 * ps, m);
            }
        }
    }

    private static FloatVector load(float[] x, int row, int ix, int iw, int c, VectorMask<Float> m) {
        return ix >= 0 && ix < iw ? FloatVector.fromArray(S, x, row + ix * c, m) : FloatVector.zero(S);
    }

    /** {@code Aᵀ m A} plus bias, residual and activation into the 2x2 output tile; see {@link WinogradF4x3#output}. {@code tmp}: 8·L floats. */
    static void output(float[] mm, int mOff, int posStride, int c, float[] bias, Activation act,
                       float[] res, int resOff, float[] y, int yOff, int oh, int ow, int oy0, int ox0, float[] tmp) {
        int rows = Math.min(M, oh - oy0), cols = Math.min(M, ow - ox0);
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = S.indexInRange(cb, c);
            for (int i = 0; i < ALPHA; i++) {
                int o = mOff + i * ALPHA * posStride + cb;
                FloatVector m0 = FloatVector.fromArray(S, mm, o, m), m1 = FloatVector.fromArray(S, mm, o + posStride, m),
                        m2 = FloatVector.fromArray(S, mm, o + 2 * posStride, m), m3 = FloatVector.fromArray(S, mm, o + 3 * posStride, m);
                int t = i * M * L;
                m0.add(m1).add(m2).intoArray(tmp, t);
                m1.sub(m2).sub(m3).intoArray(tmp, t + L);
            }
            FloatVector b = FloatVector.fromArray(S, bias, cb);
            for (int j = 0; j < cols; j++) {
                int t = j * L, st = M * L;
                FloatVector m0 = FloatVector.fromArray(S, tmp, t), m1 = FloatVector.fromArray(S, tmp, t + st),
                        m2 = FloatVector.fromArray(S, tmp, t + 2 * st), m3 = FloatVector.fromArray(S, tmp, t + 3 * st);
                int px = (oy0 * ow + ox0 + j) * c + cb;
                store(m0.add(m1).add(m2), b, act, res, resOff + px, y, yOff + px, m);
                if (rows > 1) store(m1.sub(m2).sub(m3), b, act, res, resOff + px + ow * c, y, yOff + px + ow * c, m);
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
