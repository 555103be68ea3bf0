package dev.lanes.simd.conv;

import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise strips for kernels 3 taps wide (the 3x3 depthwise of MobileNet-style networks; any
 * kernel height), the inner loops of {@link DepthwiseBand}: the 3 taps of a kernel row unrolled with
 * their weights in registers. Per kernel row every output of a strip gets a product and 2 FMAs,
 * then one add into its accumulator: short chains that the four outputs and the next row's loads
 * overlap. Vectors never cross a method boundary (passing one to a call C2 does not inline boxes it).
 */
final class DepthwiseConv3x3 {
    private DepthwiseConv3x3() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    private static final int STRIP = DepthwiseBand.STRIP;

    /**
     * {@code count} strips of {@link DepthwiseBand#STRIP} units of one phase. Unit {@code j} of strip {@code s} reads the band
     * from {@code xo + (4s + j)·unitIn}, tap {@code kx} of a kernel row {@code kx·tapStep} further, {@code nky} kernel rows
     * {@code rowStep} apart; the weights of tap {@code t} are at {@code wo + t·tapRow}, the bias at {@code bo}; outputs go to
     * {@code yo + (4s + j)·unitOut}, their first {@code lanes} lanes only.
     */
    static void strips(float[] b, int xo, int unitIn, int tapStep, int rowStep, int nky, float[] wt, int wo, int tapRow, float[] bt, int bo,
            float[] y, int yo, int unitOut, int count, int lanes) {
        FloatVector bias = FloatVector.fromArray(S, bt, bo);
        for (int s = 0; s < count; s++) {
            FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias;
            int xs = xo + s * STRIP * unitIn, ws = wo;
            for (int kr = 0; kr < nky; kr++) {
                int xk = xs + kr * rowStep, wk = ws + kr * 3 * tapRow;
                FloatVector w0 = FloatVector.fromArray(S, wt, wk), w1 = FloatVector.fromArray(S, wt, wk + tapRow),
                        w2 = FloatVector.fromArray(S, wt, wk + 2 * tapRow);
                int x0 = xk;
                int x1 = xk + unitIn;
                int x2 = xk + 2 * unitIn;
                int x3 = xk + 3 * unitIn;
                FloatVector r0 = FloatVector.fromArray(S, b, x0).mul(w0);
                r0 = FloatVector.fromArray(S, b, x0 + tapStep).fma(w1, r0);
                r0 = FloatVector.fromArray(S, b, x0 + 2 * tapStep).fma(w2, r0);
                FloatVector r1 = FloatVector.fromArray(S, b, x1).mul(w0);
                r1 = FloatVector.fromArray(S, b, x1 + tapStep).fma(w1, r1);
                r1 = FloatVector.fromArray(S, b, x1 + 2 * tapStep).fma(w2, r1);
                FloatVector r2 = FloatVector.fromArray(S, b, x2).mul(w0);
                r2 = FloatVector.fromArray(S, b, x2 + tapStep).fma(w1, r2);
                r2 = FloatVector.fromArray(S, b, x2 + 2 * tapStep).fma(w2, r2);
                FloatVector r3 = FloatVector.fromArray(S, b, x3).mul(w0);
                r3 = FloatVector.fromArray(S, b, x3 + tapStep).fma(w1, r3);
                r3 = FloatVector.fromArray(S, b, x3 + 2 * tapStep).fma(w2, r3);
                a0 = a0.add(r0);
                a1 = a1.add(r1);
                a2 = a2.add(r2);
                a3 = a3.add(r3);
            }
            // stores written out here: a helper taking the four vectors would box them whenever C2 does not inline it
            int yo4 = yo + s * STRIP * unitOut;
            if (lanes == L) {
                a0.intoArray(y, yo4);
                a1.intoArray(y, yo4 + unitOut);
                a2.intoArray(y, yo4 + 2 * unitOut);
                a3.intoArray(y, yo4 + 3 * unitOut);
            } else {
                VectorMask<Float> m = S.indexInRange(0, lanes);
                a0.intoArray(y, yo4, m);
                a1.intoArray(y, yo4 + unitOut, m);
                a2.intoArray(y, yo4 + 2 * unitOut, m);
                a3.intoArray(y, yo4 + 3 * unitOut, m);
            }
        }
    }

    /**
     * As {@link #strips} when the unit step equals the tap step (stride = dilation along the width, e.g. both 1):
     * neighbouring outputs share inputs, 6 loads per kernel row instead of 12.
     */
    static void stripsShared(float[] b, int xo, int unitIn, int rowStep, int nky, float[] wt, int wo, int tapRow, float[] bt, int bo,
            float[] y, int yo, int unitOut, int count, int lanes) {
        FloatVector bias = FloatVector.fromArray(S, bt, bo);
        for (int s = 0; s < count; s++) {
            FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias;
            int xs = xo + s * STRIP * unitIn, ws = wo;
            for (int kr = 0; kr < nky; kr++) {
                int xk = xs + kr * rowStep, wk = ws + kr * 3 * tapRow;
                FloatVector w0 = FloatVector.fromArray(S, wt, wk), w1 = FloatVector.fromArray(S, wt, wk + tapRow),
                        w2 = FloatVector.fromArray(S, wt, wk + 2 * tapRow);
                FloatVector v0 = FloatVector.fromArray(S, b, xk), v1 = FloatVector.fromArray(S, b, xk + unitIn),
                        v2 = FloatVector.fromArray(S, b, xk + 2 * unitIn), v3 = FloatVector.fromArray(S, b, xk + 3 * unitIn),
                        v4 = FloatVector.fromArray(S, b, xk + 4 * unitIn), v5 = FloatVector.fromArray(S, b, xk + 5 * unitIn);
                FloatVector r0 = v0.mul(w0);
                r0 = v1.fma(w1, r0);
                r0 = v2.fma(w2, r0);
                FloatVector r1 = v1.mul(w0);
                r1 = v2.fma(w1, r1);
                r1 = v3.fma(w2, r1);
                FloatVector r2 = v2.mul(w0);
                r2 = v3.fma(w1, r2);
                r2 = v4.fma(w2, r2);
                FloatVector r3 = v3.mul(w0);
                r3 = v4.fma(w1, r3);
                r3 = v5.fma(w2, r3);
                a0 = a0.add(r0);
                a1 = a1.add(r1);
                a2 = a2.add(r2);
                a3 = a3.add(r3);
            }
            // stores written out here: a helper taking the four vectors would box them whenever C2 does not inline it
            int yo4 = yo + s * STRIP * unitOut;
            if (lanes == L) {
                a0.intoArray(y, yo4);
                a1.intoArray(y, yo4 + unitOut);
                a2.intoArray(y, yo4 + 2 * unitOut);
                a3.intoArray(y, yo4 + 3 * unitOut);
            } else {
                VectorMask<Float> m = S.indexInRange(0, lanes);
                a0.intoArray(y, yo4, m);
                a1.intoArray(y, yo4 + unitOut, m);
                a2.intoArray(y, yo4 + 2 * unitOut, m);
                a3.intoArray(y, yo4 + 3 * unitOut, m);
            }
        }
    }
}
