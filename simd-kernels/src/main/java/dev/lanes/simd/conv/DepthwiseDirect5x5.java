package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 5x5 convolution (multiplier 1, dilation 1, stride 1 or 2 along the width, any stride
 * along the height, any padding) over NHWC maps whose channel count is a multiple of the vector
 * length: the depthwise layers of PP-OCR's LCNet backbone. It reads the input in place (no band
 * copy). {@link DepthwiseDirect3x3}'s sliding window does not fit 5x5 as it is: 25 weights and a
 * 5x5 window of input vectors are 50 registers, and AVX-512 has 32. So the interior of an output
 * row is built in passes of two kernel rows (one for an odd last): per channel vector the pass's ten
 * weights stay in registers and two windows of five input vectors slide along the input rows (two new
 * loads per output at stride 1, four at stride 2), each output adding its ten taps to the partial sum
 * the pass before stored in Y (the first pass starts from the bias). The partial row of one channel
 * vector is 40 cache lines for PP-OCR's rows and stays in L1 between passes. (One kernel row per pass
 * ran 192@24x40 at 150 µs, two at 110; a residual and HardSwish in the last pass's stores cost more
 * than the pass over the finished row that now runs them.)
 *
 * <p>Columns whose window crosses the left or right edge take all their kernel rows at once, four
 * channel vectors at a time (four independent chains); rows crossing the top or bottom edge run only
 * the passes of their kernel rows inside. Every output is {@code bias} followed by one FMA per tap
 * inside, in (ky, kx) order, in every path: results do not depend on which path or thread computed
 * an output. The residual and the activation run over each finished row ({@link ConvEpilogue}).
 * Weights are packed {@code [ky][kx][C]}.
 */
final class DepthwiseDirect5x5 {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    private static final int K = 5;

    private final Geometry g;
    private final int c, sW, rowStep;
    /** Interior columns: {@code [oxLo, oxHi)} have all five taps inside the row. */
    private final int oxLo, oxHi;
    private final float[] wt, bt;

    static boolean supports(Geometry g, int c) {
        return g.isTwoD() && g.kH() == K && g.kW() == K && g.dilH() == 1 && g.dilW() == 1
                && (g.strideW() == 1 || g.strideW() == 2) && c % L == 0 && c > 0;
    }

    /** Packs weights {@code [C, 1, 5, 5]} and the bias (null for none). */
    DepthwiseDirect5x5(Geometry g, int c, float[] w, int wOff, float[] bias, int bOff) {
        if (!supports(g, c)) throw new IllegalArgumentException("DepthwiseDirect5x5 cannot run " + g + " with " + c + " channels");
        this.g = g;
        this.c = c;
        this.sW = g.strideW();
        this.rowStep = g.inW() * c;
        this.oxLo = Math.min(g.outW(), Geometry.firstInside(g.padL(), sW));
        this.oxHi = Geometry.endInside(g.inW(), g.outW(), K, sW, 1, g.padL(), oxLo);
        // c is whole vectors, so the packed rows are exactly c long: wt[t·c + ch]
        this.wt = DepthwiseConvGeneric.pack(w, wOff, c, K * K);
        this.bt = DepthwiseConvGeneric.packBias(bias, bOff, c);
    }

    /**
     * Output rows {@code [oy0, oy1)}, columns {@code [ox0, ox1)} of one image: X NHWC at {@code xOff},
     * Y (and the residual, null for none) NHWC at {@code yOff} ({@code resOff}).
     */
    void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Activation act, int oy0, int oy1, int ox0, int ox1) {
        int outRow = g.outW() * c;
        int in0 = Math.max(ox0, Math.min(ox1, oxLo)), in1 = Math.max(in0, Math.min(ox1, oxHi));
        for (int oy = oy0; oy < oy1; oy++) {
            int iy0 = oy * g.strideH() - g.padT();
            int ky0 = DepthwiseConvGeneric.firstTap(iy0, 1), nky = Math.max(0, DepthwiseConvGeneric.endTap(iy0, 1, K, g.inH()) - ky0);
            int yRow = yOff + oy * outRow, xRow = xOff + (iy0 + ky0) * rowStep;
            for (int ox = ox0; ox < in0; ox++) pixel(x, xRow, nky, ky0 * K * c, y, yRow, ox);
            if (nky > 0 && in1 > in0) {
                int xo = xRow + (in0 * sW - g.padL()) * c, yo = yRow + in0 * c, n = in1 - in0;
                for (int p = 0; p < c; p += L) {
                    // passes of two kernel rows (one for an odd last), each adding to the partial sums of the one before
                    for (int k = 0; k < nky; ) {
                        int rows = nky - k >= 2 ? 2 : 1, wo = (ky0 + k) * K * c + p, xk = xo + k * rowStep + p;
                        float[] src = k == 0 ? bt : y;
                        int so = k == 0 ? p : yo + p, step = k == 0 ? 0 : c;
                        if (rows == 2) {
                            if (sW == 1) slide2(x, xk, rowStep, c, wt, wo, src, so, step, y, yo + p, n);
                            else slide2Stride2(x, xk, rowStep, c, wt, wo, src, so, step, y, yo + p, n);
                        } else {
                            if (sW == 1) slide(x, xk, c, wt, wo, src, so, step, y, yo + p, n);
                            else slideStride2(x, xk, c, wt, wo, src, so, step, y, yo + p, n);
                        }
                        k += rows;
                    }
                }
            } else {
                for (int ox = in0; ox < in1; ox++) pixel(x, xRow, nky, ky0 * K * c, y, yRow, ox);
            }
            for (int ox = in1; ox < ox1; ox++) pixel(x, xRow, nky, ky0 * K * c, y, yRow, ox);
            // the residual and the activation while the row is in L1 (in the passes' stores they cost more than this pass)
            ConvEpilogue.finish(y, yRow + ox0 * c, res, resOff + oy * outRow + ox0 * c, (ox1 - ox0) * c, act);
        }
    }

    /**
     * One output pixel, all channels, with only the taps inside the input (edge columns; rows with no kernel row inside get
     * the bias): the taps in (ky, kx) order, as the passes add them. Four channel vectors at a time, so that four
     * independent FMA chains overlap. X of the first kernel row inside at {@code xRow}, its weights at {@code wRow}.
     */
    private void pixel(float[] x, int xRow, int nky, int wRow, float[] y, int yRow, int ox) {
        int ix0 = ox * sW - g.padL();
        int kx0 = DepthwiseConvGeneric.firstTap(ix0, 1), kx1 = DepthwiseConvGeneric.endTap(ix0, 1, K, g.inW());
        int yo = yRow + ox * c, xo = xRow + ix0 * c;
        int p = 0;
        for (; p + 4 * L <= c; p += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, bt, p), a1 = FloatVector.fromArray(S, bt, p + L),
                    a2 = FloatVector.fromArray(S, bt, p + 2 * L), a3 = FloatVector.fromArray(S, bt, p + 3 * L);
            for (int k = 0; k < nky; k++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    int xi = xo + k * rowStep + kx * c + p, wi = wRow + (K * k + kx) * c + p;
                    a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.fromArray(S, wt, wi), a0);
                    a1 = FloatVector.fromArray(S, x, xi + L).fma(FloatVector.fromArray(S, wt, wi + L), a1);
                    a2 = FloatVector.fromArray(S, x, xi + 2 * L).fma(FloatVector.fromArray(S, wt, wi + 2 * L), a2);
                    a3 = FloatVector.fromArray(S, x, xi + 3 * L).fma(FloatVector.fromArray(S, wt, wi + 3 * L), a3);
                }
            }
            a0.intoArray(y, yo + p);
            a1.intoArray(y, yo + p + L);
            a2.intoArray(y, yo + p + 2 * L);
            a3.intoArray(y, yo + p + 3 * L);
        }
        for (; p < c; p += L) {
            FloatVector acc = FloatVector.fromArray(S, bt, p);
            for (int k = 0; k < nky; k++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    acc = FloatVector.fromArray(S, x, xo + k * rowStep + kx * c + p).fma(FloatVector.fromArray(S, wt, wRow + (K * k + kx) * c + p), acc);
                }
            }
            acc.intoArray(y, yo + p);
        }
    }

    /**
     * {@code n} consecutive interior outputs of a one-row pass at stride 1: the kernel row's five weights in registers
     * (from {@code wo}, {@code c} apart), a window of five input vectors (from {@code xo}) sliding one column per output.
     * Output {@code i} starts from {@code src[so + i·step]} (the bias with step 0, or its partial sum in Y) and goes to
     * {@code y[yo + i·c]}.
     */
    static void slide(float[] x, int xo, int c, float[] wt, int wo, float[] src, int so, int step, float[] y, int yo, int n) {
        FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + c), w2 = FloatVector.fromArray(S, wt, wo + 2 * c),
                w3 = FloatVector.fromArray(S, wt, wo + 3 * c), w4 = FloatVector.fromArray(S, wt, wo + 4 * c);
        FloatVector v0 = FloatVector.fromArray(S, x, xo), v1 = FloatVector.fromArray(S, x, xo + c),
                v2 = FloatVector.fromArray(S, x, xo + 2 * c), v3 = FloatVector.fromArray(S, x, xo + 3 * c);
        int o = xo + 4 * c;
        for (int i = 0; i < n; i++) {
            FloatVector v4 = FloatVector.fromArray(S, x, o);
            FloatVector acc = FloatVector.fromArray(S, src, so);
            acc = v0.fma(w0, acc);
            acc = v1.fma(w1, acc);
            acc = v2.fma(w2, acc);
            acc = v3.fma(w3, acc);
            acc = v4.fma(w4, acc);
            acc.intoArray(y, yo);
            v0 = v1;
            v1 = v2;
            v2 = v3;
            v3 = v4;
            o += c;
            so += step;
            yo += c;
        }
    }

    /** As {@link #slide} with two kernel rows (input rows {@code rowStep} apart, weights {@code 5c} apart): half the passes. */
    static void slide2(float[] x, int xo, int rowStep, int c, float[] wt, int wo, float[] src, int so, int step, float[] y, int yo, int n) {
        FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + c), w2 = FloatVector.fromArray(S, wt, wo + 2 * c),
                w3 = FloatVector.fromArray(S, wt, wo + 3 * c), w4 = FloatVector.fromArray(S, wt, wo + 4 * c);
        int q = wo + K * c, r = xo + rowStep;
        FloatVector u0 = FloatVector.fromArray(S, wt, q), u1 = FloatVector.fromArray(S, wt, q + c), u2 = FloatVector.fromArray(S, wt, q + 2 * c),
                u3 = FloatVector.fromArray(S, wt, q + 3 * c), u4 = FloatVector.fromArray(S, wt, q + 4 * c);
        FloatVector v0 = FloatVector.fromArray(S, x, xo), v1 = FloatVector.fromArray(S, x, xo + c),
                v2 = FloatVector.fromArray(S, x, xo + 2 * c), v3 = FloatVector.fromArray(S, x, xo + 3 * c);
        FloatVector t0 = FloatVector.fromArray(S, x, r), t1 = FloatVector.fromArray(S, x, r + c),
                t2 = FloatVector.fromArray(S, x, r + 2 * c), t3 = FloatVector.fromArray(S, x, r + 3 * c);
        int o = xo + 4 * c;
        for (int i = 0; i < n; i++) {
            FloatVector v4 = FloatVector.fromArray(S, x, o), t4 = FloatVector.fromArray(S, x, o + rowStep);
            FloatVector acc = FloatVector.fromArray(S, src, so);
            acc = v0.fma(w0, acc);
            acc = v1.fma(w1, acc);
            acc = v2.fma(w2, acc);
            acc = v3.fma(w3, acc);
            acc = v4.fma(w4, acc);
            acc = t0.fma(u0, acc);
            acc = t1.fma(u1, acc);
            acc = t2.fma(u2, acc);
            acc = t3.fma(u3, acc);
            acc = t4.fma(u4, acc);
            acc.intoArray(y, yo);
            v0 = v1;
            v1 = v2;
            v2 = v3;
            v3 = v4;
            t0 = t1;
            t1 = t2;
            t2 = t3;
            t3 = t4;
            o += c;
            so += step;
            yo += c;
        }
    }

    /** As {@link #slide} at stride 2: the window moves two columns, so each output loads two vectors and keeps three. */
    static void slideStride2(float[] x, int xo, int c, float[] wt, int wo, float[] src, int so, int step, float[] y, int yo, int n) {
        FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + c), w2 = FloatVector.fromArray(S, wt, wo + 2 * c),
                w3 = FloatVector.fromArray(S, wt, wo + 3 * c), w4 = FloatVector.fromArray(S, wt, wo + 4 * c);
        FloatVector v0 = FloatVector.fromArray(S, x, xo), v1 = FloatVector.fromArray(S, x, xo + c), v2 = FloatVector.fromArray(S, x, xo + 2 * c);
        int o = xo + 3 * c;
        for (int i = 0; i < n; i++) {
            FloatVector v3 = FloatVector.fromArray(S, x, o), v4 = FloatVector.fromArray(S, x, o + c);
            FloatVector acc = FloatVector.fromArray(S, src, so);
            acc = v0.fma(w0, acc);
            acc = v1.fma(w1, acc);
            acc = v2.fma(w2, acc);
            acc = v3.fma(w3, acc);
            acc = v4.fma(w4, acc);
            acc.intoArray(y, yo);
            v0 = v2;
            v1 = v3;
            v2 = v4;
            o += 2 * c;
            so += step;
            yo += c;
        }
    }

    /** As {@link #slide2} at stride 2. */
    static void slide2Stride2(float[] x, int xo, int rowStep, int c, float[] wt, int wo, float[] src, int so, int step, float[] y, int yo, int n) {
        FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + c), w2 = FloatVector.fromArray(S, wt, wo + 2 * c),
                w3 = FloatVector.fromArray(S, wt, wo + 3 * c), w4 = FloatVector.fromArray(S, wt, wo + 4 * c);
        int q = wo + K * c, r = xo + rowStep;
        FloatVector u0 = FloatVector.fromArray(S, wt, q), u1 = FloatVector.fromArray(S, wt, q + c), u2 = FloatVector.fromArray(S, wt, q + 2 * c),
                u3 = FloatVector.fromArray(S, wt, q + 3 * c), u4 = FloatVector.fromArray(S, wt, q + 4 * c);
        FloatVector v0 = FloatVector.fromArray(S, x, xo), v1 = FloatVector.fromArray(S, x, xo + c), v2 = FloatVector.fromArray(S, x, xo + 2 * c);
        FloatVector t0 = FloatVector.fromArray(S, x, r), t1 = FloatVector.fromArray(S, x, r + c), t2 = FloatVector.fromArray(S, x, r + 2 * c);
        int o = xo + 3 * c;
        for (int i = 0; i < n; i++) {
            FloatVector v3 = FloatVector.fromArray(S, x, o), v4 = FloatVector.fromArray(S, x, o + c);
            FloatVector t3 = FloatVector.fromArray(S, x, o + rowStep), t4 = FloatVector.fromArray(S, x, o + rowStep + c);
            FloatVector acc = FloatVector.fromArray(S, src, so);
            acc = v0.fma(w0, acc);
            acc = v1.fma(w1, acc);
            acc = v2.fma(w2, acc);
            acc = v3.fma(w3, acc);
            acc = v4.fma(w4, acc);
            acc = t0.fma(u0, acc);
            acc = t1.fma(u1, acc);
            acc = t2.fma(u2, acc);
            acc = t3.fma(u3, acc);
            acc = t4.fma(u4, acc);
            acc.intoArray(y, yo);
            v0 = v2;
            v1 = v3;
            v2 = v4;
            t0 = t2;
            t1 = t3;
            t2 = t4;
            o += 2 * c;
            so += step;
            yo += c;
        }
    }
}
