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
        for (int ox = oxA; ox < oxB; ox++) {
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
}
