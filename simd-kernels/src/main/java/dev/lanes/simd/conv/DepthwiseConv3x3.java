package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution over NHWC (channel multiplier 1), any stride, dilation and padding.
 * Per channel vector the nine weight vectors and the bias stay in registers while the kernel walks
 * the output row; each output vector is nine FMAs on unaligned-free loads (channels are the lanes,
 * so stride and dilation only change the pixel step). Pixels whose window crosses the input's edge
 * and a partial last channel vector go through {@link DepthwiseConvGeneric}.
 *
 * <p>Weights and bias packed by {@link DepthwiseConvGeneric#pack} / {@link DepthwiseConvGeneric#packBias}.
 */
public final class DepthwiseConv3x3 {
    private DepthwiseConv3x3() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /** Output rows {@code [oy0, oy1)} of one 2-D image; see {@link DepthwiseConvGeneric#rows} for the arguments. */
    public static void rows(float[] x, int xOff, int c, float[] w, float[] bias, Geometry g,
                            float[] y, int yOff, float[] res, int resOff, Activation act, int oy0, int oy1) {
        int sw = g.strideW(), ow = g.outW();
        int oxA = Math.min(ow, Geometry.firstInside(g.padL(), sw));
        int oxB = Geometry.endInside(g.inW(), ow, 3, sw, g.dilW(), g.padL(), oxA);
        int full = c - c % L;
        for (int oy = oy0; oy < oy1; oy++) {
            int iy0 = oy * g.strideH() - g.padT();
            boolean rowInside = iy0 >= 0 && iy0 + 2 * g.dilH() < g.inH();
            int a = rowInside ? oxA : ow, b = rowInside ? oxB : ow;
            for (int ox = 0; ox < a; ox++) DepthwiseConvGeneric.pixel(x, xOff, c, 1, null, w, bias, g, y, yOff, res, resOff, act, 0, oy, ox);
            if (a < b) {
                for (int cb = 0; cb < full; cb += L) interior(x, xOff, c, w, bias, g, y, yOff, res, resOff, act, oy, a, b, cb);
                if (full < c) {
                    for (int ox = a; ox < b; ox++) {
                        DepthwiseConvGeneric.pixel(x, xOff, c, 1, null, w, bias, g, y, yOff, res, resOff, act, 0, oy, ox, full);
                    }
                }
            }
            for (int ox = b; ox < ow; ox++) DepthwiseConvGeneric.pixel(x, xOff, c, 1, null, w, bias, g, y, yOff, res, resOff, act, 0, oy, ox);
        }
    }

    /** Output pixels {@code [oxA, oxB)} of row {@code oy}, whose windows lie inside the input, channels {@code [cb, cb+L)}. */
    private static void interior(float[] x, int xOff, int c, float[] w, float[] bias, Geometry g,
                                 float[] y, int yOff, float[] res, int resOff, Activation act, int oy, int oxA, int oxB, int cb) {
        int cp = DepthwiseConvGeneric.paddedChannels(c);
        FloatVector w0 = FloatVector.fromArray(S, w, cb), w1 = FloatVector.fromArray(S, w, cp + cb),
                w2 = FloatVector.fromArray(S, w, 2 * cp + cb), w3 = FloatVector.fromArray(S, w, 3 * cp + cb),
                w4 = FloatVector.fromArray(S, w, 4 * cp + cb), w5 = FloatVector.fromArray(S, w, 5 * cp + cb),
                w6 = FloatVector.fromArray(S, w, 6 * cp + cb), w7 = FloatVector.fromArray(S, w, 7 * cp + cb),
                w8 = FloatVector.fromArray(S, w, 8 * cp + cb);
        FloatVector bv = FloatVector.fromArray(S, bias, cb);
        int rowStep = g.dilH() * g.inW() * c, dx = g.dilW() * c, px = g.strideW() * c;
        int r0 = xOff + (oy * g.strideH() - g.padT()) * g.inW() * c + (oxA * g.strideW() - g.padL()) * c + cb;
        int r1 = r0 + rowStep, r2 = r1 + rowStep;
        int yo = yOff + (oy * g.outW() + oxA) * c + cb, ro = resOff + (oy * g.outW() + oxA) * c + cb;
        int ox = oxA;
        if (px == c && dx == c && oxB - oxA >= 4) {
            int n4 = (oxB - oxA) / 4 * 4;
            strips(x, r0, c, rowStep, cp, w, cb, bv, y, yo, n4);
            finish(y, yo, res, ro, act, n4, c);
            ox += n4;
            r0 += n4 * c;
            r1 += n4 * c;
            r2 += n4 * c;
            yo += n4 * c;
            ro += n4 * c;
        }
        for (; ox < oxB; ox++) {
            FloatVector acc = FloatVector.fromArray(S, x, r0).fma(w0, bv);
            acc = FloatVector.fromArray(S, x, r0 + dx).fma(w1, acc);
            acc = FloatVector.fromArray(S, x, r0 + 2 * dx).fma(w2, acc);
            acc = FloatVector.fromArray(S, x, r1).fma(w3, acc);
            acc = FloatVector.fromArray(S, x, r1 + dx).fma(w4, acc);
            acc = FloatVector.fromArray(S, x, r1 + 2 * dx).fma(w5, acc);
            acc = FloatVector.fromArray(S, x, r2).fma(w6, acc);
            acc = FloatVector.fromArray(S, x, r2 + dx).fma(w7, acc);
            acc = FloatVector.fromArray(S, x, r2 + 2 * dx).fma(w8, acc);
            if (res != null) acc = acc.add(FloatVector.fromArray(S, res, ro));
            act.apply(acc).intoArray(y, yo);
            r0 += px;
            r1 += px;
            r2 += px;
            yo += c;
            ro += c;
        }
    }

    /**
     * Stride 1, no dilation: {@code n} (a multiple of 4) outputs from {@code yo}, four at a time —
     * adjacent outputs share input vectors, 18 loads for 36 FMAs. Its own small method so that C2
     * inlines every Vector API call in it.
     */
    private static void strips(float[] x, int r0, int c, int rowStep, int cp, float[] w, int cb, FloatVector bv,
                               float[] y, int yo, int n) {
        FloatVector w0 = FloatVector.fromArray(S, w, cb), w1 = FloatVector.fromArray(S, w, cp + cb),
                w2 = FloatVector.fromArray(S, w, 2 * cp + cb), w3 = FloatVector.fromArray(S, w, 3 * cp + cb),
                w4 = FloatVector.fromArray(S, w, 4 * cp + cb), w5 = FloatVector.fromArray(S, w, 5 * cp + cb),
                w6 = FloatVector.fromArray(S, w, 6 * cp + cb), w7 = FloatVector.fromArray(S, w, 7 * cp + cb),
                w8 = FloatVector.fromArray(S, w, 8 * cp + cb);
        int r1 = r0 + rowStep, r2 = r1 + rowStep;
            for (int i = 0; i < n; i += 4) {
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv;
            FloatVector v0 = FloatVector.fromArray(S, x, r0), v1 = FloatVector.fromArray(S, x, r0 + c),
                    v2 = FloatVector.fromArray(S, x, r0 + 2 * c), v3 = FloatVector.fromArray(S, x, r0 + 3 * c),
                    v4 = FloatVector.fromArray(S, x, r0 + 4 * c), v5 = FloatVector.fromArray(S, x, r0 + 5 * c);
            // three partial sums per output (one per kernel row): 12 short FMA chains instead of 4 long ones
            a0 = v2.fma(w2, v1.fma(w1, v0.fma(w0, a0)));
            a1 = v3.fma(w2, v2.fma(w1, v1.fma(w0, a1)));
            a2 = v4.fma(w2, v3.fma(w1, v2.fma(w0, a2)));
            a3 = v5.fma(w2, v4.fma(w1, v3.fma(w0, a3)));
            FloatVector b0, b1, b2, b3, e0, e1, e2, e3;
            v0 = FloatVector.fromArray(S, x, r1);
            v1 = FloatVector.fromArray(S, x, r1 + c);
            v2 = FloatVector.fromArray(S, x, r1 + 2 * c);
            v3 = FloatVector.fromArray(S, x, r1 + 3 * c);
            v4 = FloatVector.fromArray(S, x, r1 + 4 * c);
            v5 = FloatVector.fromArray(S, x, r1 + 5 * c);
            b0 = v2.fma(w5, v1.fma(w4, v0.mul(w3)));
            b1 = v3.fma(w5, v2.fma(w4, v1.mul(w3)));
            b2 = v4.fma(w5, v3.fma(w4, v2.mul(w3)));
            b3 = v5.fma(w5, v4.fma(w4, v3.mul(w3)));
            v0 = FloatVector.fromArray(S, x, r2);
            v1 = FloatVector.fromArray(S, x, r2 + c);
            v2 = FloatVector.fromArray(S, x, r2 + 2 * c);
            v3 = FloatVector.fromArray(S, x, r2 + 3 * c);
            v4 = FloatVector.fromArray(S, x, r2 + 4 * c);
            v5 = FloatVector.fromArray(S, x, r2 + 5 * c);
            e0 = v2.fma(w8, v1.fma(w7, v0.mul(w6)));
            e1 = v3.fma(w8, v2.fma(w7, v1.mul(w6)));
            e2 = v4.fma(w8, v3.fma(w7, v2.mul(w6)));
            e3 = v5.fma(w8, v4.fma(w7, v3.mul(w6)));
            a0 = a0.add(b0).add(e0);
            a1 = a1.add(b1).add(e1);
            a2 = a2.add(b2).add(e2);
            a3 = a3.add(b3).add(e3);
            a0.intoArray(y, yo);
            a1.intoArray(y, yo + c);
            a2.intoArray(y, yo + 2 * c);
            a3.intoArray(y, yo + 3 * c);
            r0 += 4 * c;
            r1 += 4 * c;
            r2 += 4 * c;
            yo += 4 * c;
        }
    }

    /** Residual and activation on {@code n} outputs of one channel vector written by {@link #strips}. */
    private static void finish(float[] y, int yo, float[] res, int ro, Activation act, int n, int c) {
        if (res == null && act.isIdentity()) return;
        for (int i = 0; i < n; i++, yo += c, ro += c) {
            FloatVector v = FloatVector.fromArray(S, y, yo);
            if (res != null) v = v.add(FloatVector.fromArray(S, res, ro));
            act.apply(v).intoArray(y, yo);
        }
    }
}
