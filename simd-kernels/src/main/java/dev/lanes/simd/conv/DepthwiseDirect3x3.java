package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution (multiplier 1, dilation 1, stride 1 or 2 along the width, any stride
 * along the height, any padding) over NHWC maps whose channel count is a multiple of the vector
 * length: MobileNet's depthwise layers. It reads the input in place (no band copy) and holds a
 * strip of {@link #STRIP} output pixels × one channel vector in registers; per kernel row it loads
 * each input vector the strip touches once and feeds it to every output that uses it
 * ({@code STRIP + 2} loads for 3·STRIP FMAs at stride 1, {@code 2·STRIP + 1} at stride 2), where
 * {@link DepthwiseBand} reloads a vector per tap and per neighbour.
 *
 * <p>Columns whose window crosses the left or right edge go through a one-pixel path that skips
 * the taps outside; rows crossing the top or bottom edge run only their kernel rows inside. A run
 * of interior columns that is not a multiple of the strip ends with one strip shifted left to end
 * on the run's last column: it recomputes a few outputs of the previous strip with the very same
 * arithmetic (same bits) instead of sending up to 7 pixels through the latency-bound one-pixel path.
 *
 * <p>Every output is {@code bias} followed by one FMA per tap inside, in (ky, kx) order, in both
 * paths: results do not depend on which path or which thread computed an output. A ReLU or Clip
 * without residual is clamped in the stores; a residual or another activation runs afterwards as a
 * pass over the rows ({@link ConvEpilogue}).
 * Weights are packed {@code [ky][kx][C]}.
 */
final class DepthwiseDirect3x3 {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Output pixels per strip (the column granularity callers split on). */
    static final int STRIP = 8;
    /** Channel vectors per block (see {@link #run}): 4 keep the pixel path's four chains and two of the strips' pairs. */
    static final int CHANNEL_BLOCK = 4;
    /** Block channels when 3 input rows exceed this (bytes; L1 is 48 KB) ... */
    private static final long L1_ROWS_BYTES = 32 << 10;
    /** ... and the input map fits in this (bytes; half the 1 MB L2, the rest holds the output). */
    private static final long L2_MAP_BYTES = 512 << 10;

    private final Geometry g;
    private final int c, sW, rowStep;
    /** Interior columns: {@code [oxLo, oxHi)} have all three taps inside the row. */
    private final int oxLo, oxHi;
    private final float[] wt, bt;
    /** Channels per block: all of them, or {@link #CHANNEL_BLOCK} vectors. */
    private final int channelBlock;

    static boolean supports(Geometry g, int c) {
        return g.isTwoD() && g.kH() == 3 && g.kW() == 3 && g.dilH() == 1 && g.dilW() == 1
                && (g.strideW() == 1 || g.strideW() == 2) && c % L == 0 && c > 0;
    }

    /** Packs weights {@code [C, 1, 3, 3]} and the bias (null for none). */
    DepthwiseDirect3x3(Geometry g, int c, float[] w, int wOff, float[] bias, int bOff) {
        if (!supports(g, c)) throw new IllegalArgumentException("DepthwiseDirect3x3 cannot run " + g + " with " + c + " channels");
        this.g = g;
        this.c = c;
        this.sW = g.strideW();
        this.rowStep = g.inW() * c;
        this.oxLo = Math.min(g.outW(), Geometry.firstInside(g.padL(), sW));
        this.oxHi = Geometry.endInside(g.inW(), g.outW(), 3, sW, 1, g.padL(), oxLo);
        long rowBytes = (long) g.inW() * c * Float.BYTES;
        boolean block = 3 * rowBytes > L1_ROWS_BYTES && g.inH() * rowBytes <= L2_MAP_BYTES;
        this.channelBlock = block ? Math.min(c, CHANNEL_BLOCK * L) : c;
        this.wt = new float[9 * c];
        this.bt = new float[c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < 9; t++) wt[t * c + ch] = w[wOff + ch * 9 + t];
            if (bias != null) bt[ch] = bias[bOff + ch];
        }
    }

    /**
     * Output rows {@code [oy0, oy1)}, columns {@code [ox0, ox1)} of one image: X NHWC at {@code xOff},
     * Y (and the residual, null for none) NHWC at {@code yOff} ({@code resOff}). On small deep maps channels
     * go in blocks of {@link #CHANNEL_BLOCK} vectors over all the rows, so that the 3 input rows a block
     * reads stay in L1 from one output row to the next (with all channels at once, 576 channels × 14
     * pixels × 3 rows are 96 KB, twice L1, and every input row came from L2 three times); the whole map
     * then stays in L2 between blocks. Large maps (which L2 does not hold) take all channels at once.
     */
    void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Activation act, int oy0, int oy1, int ox0, int ox1) {
        int outRow = g.outW() * c;
        // ReLU and Clip without a residual are clamped in the kernels' stores (the same max-then-min as
        // Activation.applyInPlace, so the same bits); anything else runs as a pass over each row afterwards
        Activation.Kind kind = act.kind();
        boolean clamp = res == null && (kind == Activation.Kind.RELU || kind == Activation.Kind.CLIP);
        boolean pass = !clamp && !(res == null && kind == Activation.Kind.NONE);
        float lo = kind == Activation.Kind.CLIP ? act.p1() : 0f, hi = kind == Activation.Kind.CLIP ? act.p2() : Float.POSITIVE_INFINITY;
        for (int p0 = 0; p0 < c; p0 += channelBlock) {
            int p1 = Math.min(c, p0 + channelBlock);
            for (int oy = oy0; oy < oy1; oy++) {
                int iy0 = oy * g.strideH() - g.padT();
                int ky0 = DepthwiseConvGeneric.firstTap(iy0, 1), nky = Math.max(0, DepthwiseConvGeneric.endTap(iy0, 1, 3, g.inH()) - ky0);
                // X of the first kernel row inside, column 0 (may point before the row: only inside columns are read)
                int xRow = xOff + (nky == 0 ? 0 : (iy0 + ky0) * rowStep);
                columns(x, xRow, nky, ky0 * 3 * c, clamp, lo, hi, y, yOff + oy * outRow, ox0, ox1, p0, p1);
            }
        }
        if (pass) {
            for (int oy = oy0; oy < oy1; oy++) {
                ConvEpilogue.finish(y, yOff + oy * outRow + ox0 * c, res, resOff + oy * outRow + ox0 * c, (ox1 - ox0) * c, act);
            }
        }
    }

    /** Columns {@code [a, b)}, channels {@code [p0, p1)} of one output row: edge columns one at a time, interior columns in strips. */
    private void columns(float[] x, int xRow, int nky, int wRow, boolean clamp, float lo, float hi, float[] y, int yRow, int a, int b,
                         int p0, int p1) {
        int in0 = Math.max(a, Math.min(b, oxLo)), in1 = Math.max(in0, Math.min(b, oxHi));
        if (sW == 1 && nky >= 2 && in1 > in0) {
            // one channel vector at a time along the whole row, its weights in registers
            // the edge columns next to the run that miss one tap (a one-pixel pad) come out of the same window
            boolean left = a < in0 && in0 == g.padL(), right = in1 < b && in1 - g.padL() == g.inW() - 2;
            int a1 = left ? in0 - 1 : in0, b0 = right ? in1 + 1 : in1;
            int xo = xRow + (in0 - g.padL()) * c, yo = yRow + in0 * c;
            for (int p = p0; p < p1; p += L) {
                for (int ox = a; ox < a1; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p, p + L);
                if (nky == 3) slide3(x, xo, c, rowStep, wt, wRow, bt, p, clamp, lo, hi, y, yo, in1 - in0, left, right);
                else slide2(x, xo, c, rowStep, wt, wRow, bt, p, clamp, lo, hi, y, yo, in1 - in0, left, right);
                for (int ox = b0; ox < b; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p, p + L);
            }
            return;
        }
        for (int ox = a; ox < in0; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p0, p1);
        int n = in1 - in0;
        if (n >= STRIP) {
            strips(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, in0, n / STRIP, p0, p1);
            if (n % STRIP != 0) strips(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, in1 - STRIP, 1, p0, p1);
        } else {
            for (int ox = in0; ox < in1; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p0, p1);
        }
        for (int ox = in1; ox < b; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p0, p1);
    }

    private void strips(float[] x, int xRow, int nky, int wRow, boolean clamp, float lo, float hi, float[] y, int yRow, int ox, int count,
                        int p0, int p1) {
        int xo = xRow + (ox * sW - g.padL()) * c, yo = yRow + ox * c;
        if (sW == 1) stride1Pair(x, xo, c, rowStep, nky, wt, wRow, bt, clamp, lo, hi, y, yo, count, p0, p1);
        else stride2Pair(x, xo, c, rowStep, nky, wt, wRow, bt, clamp, lo, hi, y, yo, count, p0, p1);
    }

    /**
     * One output pixel, channels {@code [p0, p1)}, skipping the taps outside the input (edge columns, narrow maps): four channel
     * vectors at a time, so that four independent FMA chains overlap (one chain alone waits on each FMA's latency).
     */
    private void pixel(float[] x, int xRow, int nky, int wRow, boolean clamp, float lo, float hi, float[] y, int yRow, int ox,
                       int p0, int p1) {
        int ix0 = ox * sW - g.padL();
        int kx0 = DepthwiseConvGeneric.firstTap(ix0, 1), kx1 = DepthwiseConvGeneric.endTap(ix0, 1, 3, g.inW());
        int yo = yRow + ox * c, xo = xRow + ix0 * c;
        int p = p0;
        for (; p + 4 * L <= p1; p += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, bt, p), a1 = FloatVector.fromArray(S, bt, p + L),
                    a2 = FloatVector.fromArray(S, bt, p + 2 * L), a3 = FloatVector.fromArray(S, bt, p + 3 * L);
            for (int k = 0; k < nky; k++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    int xi = xo + k * rowStep + kx * c + p, wi = wRow + (3 * k + kx) * c + p;
                    a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.fromArray(S, wt, wi), a0);
                    a1 = FloatVector.fromArray(S, x, xi + L).fma(FloatVector.fromArray(S, wt, wi + L), a1);
                    a2 = FloatVector.fromArray(S, x, xi + 2 * L).fma(FloatVector.fromArray(S, wt, wi + 2 * L), a2);
                    a3 = FloatVector.fromArray(S, x, xi + 3 * L).fma(FloatVector.fromArray(S, wt, wi + 3 * L), a3);
                }
            }
            if (clamp) {
                a0 = a0.max(lo).min(hi);
                a1 = a1.max(lo).min(hi);
                a2 = a2.max(lo).min(hi);
                a3 = a3.max(lo).min(hi);
            }
            a0.intoArray(y, yo + p);
            a1.intoArray(y, yo + p + L);
            a2.intoArray(y, yo + p + 2 * L);
            a3.intoArray(y, yo + p + 3 * L);
        }
        for (; p < p1; p += L) {
            FloatVector acc = FloatVector.fromArray(S, bt, p);
            for (int k = 0; k < nky; k++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    int xi = xo + k * rowStep + kx * c + p, wi = wRow + (3 * k + kx) * c + p;
                    acc = FloatVector.fromArray(S, x, xi).fma(FloatVector.fromArray(S, wt, wi), acc);
                }
            }
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yo + p);
        }
    }

    /**
     * {@code n} consecutive interior outputs of one row at stride 1, channel vector {@code p}, three kernel rows: the nine
     * weights stay in registers and a 3x3 window of input vectors slides along the row, so each output costs three loads
     * (the window's new column) for its nine FMAs. Outputs of neighbouring iterations are independent chains that the
     * core overlaps. X of the first output's tap (0, 0) at {@code xo + p}, Y of the first output at {@code yo + p};
     * weights of the first kernel row at {@code wo}. Taps in (ky, kx) order after the bias, as every path here. With
     * {@code left} the output before the run (taps 1 and 2: the first window's columns) is computed too, with
     * {@code right} the output after it (taps 0 and 1: the last window's columns).
     */
    static void slide3(float[] x, int xo, int c, int rowStep, float[] wt, int wo, float[] bt, int p, boolean clamp, float lo, float hi,
            float[] y, int yo, int n, boolean left, boolean right) {
        int q = wo + p;
        FloatVector w00 = FloatVector.fromArray(S, wt, q), w01 = FloatVector.fromArray(S, wt, q + c), w02 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w10 = FloatVector.fromArray(S, wt, q), w11 = FloatVector.fromArray(S, wt, q + c), w12 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w20 = FloatVector.fromArray(S, wt, q), w21 = FloatVector.fromArray(S, wt, q + c), w22 = FloatVector.fromArray(S, wt, q + 2 * c);
        FloatVector bias = FloatVector.fromArray(S, bt, p);
        int o = xo + p, r1 = rowStep, r2 = 2 * rowStep;
        FloatVector v00 = FloatVector.fromArray(S, x, o), v01 = FloatVector.fromArray(S, x, o + c);
        FloatVector v10 = FloatVector.fromArray(S, x, o + r1), v11 = FloatVector.fromArray(S, x, o + r1 + c);
        FloatVector v20 = FloatVector.fromArray(S, x, o + r2), v21 = FloatVector.fromArray(S, x, o + r2 + c);
        o += 2 * c;
        int yi = yo + p;
        if (left) {
            FloatVector acc = v00.fma(w01, bias);
            acc = v01.fma(w02, acc);
            acc = v10.fma(w11, acc);
            acc = v11.fma(w12, acc);
            acc = v20.fma(w21, acc);
            acc = v21.fma(w22, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yi - c);
        }
        for (int i = 0; i < n; i++) {
            FloatVector v02 = FloatVector.fromArray(S, x, o), v12 = FloatVector.fromArray(S, x, o + r1), v22 = FloatVector.fromArray(S, x, o + r2);
            FloatVector acc = v00.fma(w00, bias);
            acc = v01.fma(w01, acc);
            acc = v02.fma(w02, acc);
            acc = v10.fma(w10, acc);
            acc = v11.fma(w11, acc);
            acc = v12.fma(w12, acc);
            acc = v20.fma(w20, acc);
            acc = v21.fma(w21, acc);
            acc = v22.fma(w22, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yi);
            v00 = v01;
            v01 = v02;
            v10 = v11;
            v11 = v12;
            v20 = v21;
            v21 = v22;
            o += c;
            yi += c;
        }
        if (right) {
            FloatVector acc = v00.fma(w00, bias);
            acc = v01.fma(w01, acc);
            acc = v10.fma(w10, acc);
            acc = v11.fma(w11, acc);
            acc = v20.fma(w20, acc);
            acc = v21.fma(w21, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yi);
        }
    }

    /** As {@link #slide3} with two kernel rows (the first or last output row under a one-pixel pad): weights from {@code wo}. */
    static void slide2(float[] x, int xo, int c, int rowStep, float[] wt, int wo, float[] bt, int p, boolean clamp, float lo, float hi,
            float[] y, int yo, int n, boolean left, boolean right) {
        int q = wo + p;
        FloatVector w00 = FloatVector.fromArray(S, wt, q), w01 = FloatVector.fromArray(S, wt, q + c), w02 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w10 = FloatVector.fromArray(S, wt, q), w11 = FloatVector.fromArray(S, wt, q + c), w12 = FloatVector.fromArray(S, wt, q + 2 * c);
        FloatVector bias = FloatVector.fromArray(S, bt, p);
        int o = xo + p, r1 = rowStep;
        FloatVector v00 = FloatVector.fromArray(S, x, o), v01 = FloatVector.fromArray(S, x, o + c);
        FloatVector v10 = FloatVector.fromArray(S, x, o + r1), v11 = FloatVector.fromArray(S, x, o + r1 + c);
        o += 2 * c;
        int yi = yo + p;
        if (left) {
            FloatVector acc = v00.fma(w01, bias);
            acc = v01.fma(w02, acc);
            acc = v10.fma(w11, acc);
            acc = v11.fma(w12, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yi - c);
        }
        for (int i = 0; i < n; i++) {
            FloatVector v02 = FloatVector.fromArray(S, x, o), v12 = FloatVector.fromArray(S, x, o + r1);
            FloatVector acc = v00.fma(w00, bias);
            acc = v01.fma(w01, acc);
            acc = v02.fma(w02, acc);
            acc = v10.fma(w10, acc);
            acc = v11.fma(w11, acc);
            acc = v12.fma(w12, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yi);
            v00 = v01;
            v01 = v02;
            v10 = v11;
            v11 = v12;
            o += c;
            yi += c;
        }
        if (right) {
            FloatVector acc = v00.fma(w00, bias);
            acc = v01.fma(w01, acc);
            acc = v10.fma(w10, acc);
            acc = v11.fma(w11, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(y, yi);
        }
    }

    /**
     * {@code count} strips of 8 pixels at stride 1, two channel vectors at a time (16 accumulators: enough independent
     * FMA chains to cover the FMA latency); channels {@code [p0, p1)}, a last odd channel vector through {@link #stride1}. X of the first strip's
     * first pixel (first kernel row inside, tap 0) at {@code xo}, pixels {@code c} floats apart, kernel rows
     * {@code rowStep} apart; weights of that kernel row at {@code wo}; outputs (clamped to {@code [lo, hi]} when {@code clamp}) from
     * {@code yo}. Per kernel row, input vector i (i = 0..9) is loaded once and serves outputs i-2..i, each output taking
     * its taps in order. One running offset per array keeps the integer registers free (C2 spilled nine i·c offsets).
     */
    static void stride1Pair(float[] x, int xo, int c, int rowStep, int nky, float[] wt, int wo, float[] bt, boolean clamp, float lo, float hi,
            float[] y, int yo, int count, int p0, int p1) {
        for (int s = 0; s < count; s++) {
            int xs = xo + s * STRIP * c, ys = yo + s * STRIP * c;
            int p = p0;
            for (; p + 2 * L <= p1; p += 2 * L) {
                FloatVector a0 = FloatVector.fromArray(S, bt, p), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                FloatVector b0 = FloatVector.fromArray(S, bt, p + L), b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0, b6 = b0, b7 = b0;
                for (int k = 0; k < nky; k++) {
                    int o = xs + k * rowStep + p, q = wo + k * 3 * c + p;
                    FloatVector w0 = FloatVector.fromArray(S, wt, q), u0 = FloatVector.fromArray(S, wt, q + L);
                    q += c;
                    FloatVector w1 = FloatVector.fromArray(S, wt, q), u1 = FloatVector.fromArray(S, wt, q + L);
                    q += c;
                    FloatVector w2 = FloatVector.fromArray(S, wt, q), u2 = FloatVector.fromArray(S, wt, q + L);
                    FloatVector v, t;
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a0 = v.fma(w0, a0);
                    b0 = t.fma(u0, b0);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a0 = v.fma(w1, a0);
                    b0 = t.fma(u1, b0);
                    a1 = v.fma(w0, a1);
                    b1 = t.fma(u0, b1);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a0 = v.fma(w2, a0);
                    b0 = t.fma(u2, b0);
                    a1 = v.fma(w1, a1);
                    b1 = t.fma(u1, b1);
                    a2 = v.fma(w0, a2);
                    b2 = t.fma(u0, b2);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a1 = v.fma(w2, a1);
                    b1 = t.fma(u2, b1);
                    a2 = v.fma(w1, a2);
                    b2 = t.fma(u1, b2);
                    a3 = v.fma(w0, a3);
                    b3 = t.fma(u0, b3);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a2 = v.fma(w2, a2);
                    b2 = t.fma(u2, b2);
                    a3 = v.fma(w1, a3);
                    b3 = t.fma(u1, b3);
                    a4 = v.fma(w0, a4);
                    b4 = t.fma(u0, b4);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a3 = v.fma(w2, a3);
                    b3 = t.fma(u2, b3);
                    a4 = v.fma(w1, a4);
                    b4 = t.fma(u1, b4);
                    a5 = v.fma(w0, a5);
                    b5 = t.fma(u0, b5);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a4 = v.fma(w2, a4);
                    b4 = t.fma(u2, b4);
                    a5 = v.fma(w1, a5);
                    b5 = t.fma(u1, b5);
                    a6 = v.fma(w0, a6);
                    b6 = t.fma(u0, b6);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a5 = v.fma(w2, a5);
                    b5 = t.fma(u2, b5);
                    a6 = v.fma(w1, a6);
                    b6 = t.fma(u1, b6);
                    a7 = v.fma(w0, a7);
                    b7 = t.fma(u0, b7);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a6 = v.fma(w2, a6);
                    b6 = t.fma(u2, b6);
                    a7 = v.fma(w1, a7);
                    b7 = t.fma(u1, b7);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    a7 = v.fma(w2, a7);
                    b7 = t.fma(u2, b7);
                }
                if (clamp) {
                    a0 = a0.max(lo).min(hi);
                    b0 = b0.max(lo).min(hi);
                    a1 = a1.max(lo).min(hi);
                    b1 = b1.max(lo).min(hi);
                    a2 = a2.max(lo).min(hi);
                    b2 = b2.max(lo).min(hi);
                    a3 = a3.max(lo).min(hi);
                    b3 = b3.max(lo).min(hi);
                    a4 = a4.max(lo).min(hi);
                    b4 = b4.max(lo).min(hi);
                    a5 = a5.max(lo).min(hi);
                    b5 = b5.max(lo).min(hi);
                    a6 = a6.max(lo).min(hi);
                    b6 = b6.max(lo).min(hi);
                    a7 = a7.max(lo).min(hi);
                    b7 = b7.max(lo).min(hi);
                }
                int o = ys + p;
                a0.intoArray(y, o);
                b0.intoArray(y, o + L);
                o += c;
                a1.intoArray(y, o);
                b1.intoArray(y, o + L);
                o += c;
                a2.intoArray(y, o);
                b2.intoArray(y, o + L);
                o += c;
                a3.intoArray(y, o);
                b3.intoArray(y, o + L);
                o += c;
                a4.intoArray(y, o);
                b4.intoArray(y, o + L);
                o += c;
                a5.intoArray(y, o);
                b5.intoArray(y, o + L);
                o += c;
                a6.intoArray(y, o);
                b6.intoArray(y, o + L);
                o += c;
                a7.intoArray(y, o);
                b7.intoArray(y, o + L);
            }
            if (p < p1) stride1(x, xs, c, rowStep, nky, wt, wo, bt, clamp, lo, hi, y, ys, 1, p, p1);
        }
    }

    /** One channel vector at a time over channels {@code [p0, p1)}, otherwise as {@link #stride1Pair}. */
    static void stride1(float[] x, int xo, int c, int rowStep, int nky, float[] wt, int wo, float[] bt, boolean clamp, float lo, float hi,
            float[] y, int yo, int count, int p0, int p1) {
        for (int s = 0; s < count; s++) {
            int xs = xo + s * STRIP * c, ys = yo + s * STRIP * c;
            for (int p = p0; p < p1; p += L) {
                FloatVector a0 = FloatVector.fromArray(S, bt, p), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int k = 0; k < nky; k++) {
                    int o = xs + k * rowStep + p, q = wo + k * 3 * c + p;
                    FloatVector w0 = FloatVector.fromArray(S, wt, q);
                    q += c;
                    FloatVector w1 = FloatVector.fromArray(S, wt, q);
                    q += c;
                    FloatVector w2 = FloatVector.fromArray(S, wt, q);
                    FloatVector v;
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a0 = v.fma(w0, a0);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a0 = v.fma(w1, a0);
                    a1 = v.fma(w0, a1);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a0 = v.fma(w2, a0);
                    a1 = v.fma(w1, a1);
                    a2 = v.fma(w0, a2);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a1 = v.fma(w2, a1);
                    a2 = v.fma(w1, a2);
                    a3 = v.fma(w0, a3);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a2 = v.fma(w2, a2);
                    a3 = v.fma(w1, a3);
                    a4 = v.fma(w0, a4);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a3 = v.fma(w2, a3);
                    a4 = v.fma(w1, a4);
                    a5 = v.fma(w0, a5);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a4 = v.fma(w2, a4);
                    a5 = v.fma(w1, a5);
                    a6 = v.fma(w0, a6);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a5 = v.fma(w2, a5);
                    a6 = v.fma(w1, a6);
                    a7 = v.fma(w0, a7);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a6 = v.fma(w2, a6);
                    a7 = v.fma(w1, a7);
                    v = FloatVector.fromArray(S, x, o);
                    a7 = v.fma(w2, a7);
                }
                if (clamp) {
                    a0 = a0.max(lo).min(hi);
                    a1 = a1.max(lo).min(hi);
                    a2 = a2.max(lo).min(hi);
                    a3 = a3.max(lo).min(hi);
                    a4 = a4.max(lo).min(hi);
                    a5 = a5.max(lo).min(hi);
                    a6 = a6.max(lo).min(hi);
                    a7 = a7.max(lo).min(hi);
                }
                int o = ys + p;
                a0.intoArray(y, o);
                o += c;
                a1.intoArray(y, o);
                o += c;
                a2.intoArray(y, o);
                o += c;
                a3.intoArray(y, o);
                o += c;
                a4.intoArray(y, o);
                o += c;
                a5.intoArray(y, o);
                o += c;
                a6.intoArray(y, o);
                o += c;
                a7.intoArray(y, o);
            }
        }
    }

    /** As {@link #stride1Pair} at stride 2: input vector i (i = 0..16) serves outputs (i-2)/2..i/2 whose taps it is. */
    static void stride2Pair(float[] x, int xo, int c, int rowStep, int nky, float[] wt, int wo, float[] bt, boolean clamp, float lo, float hi,
            float[] y, int yo, int count, int p0, int p1) {
        for (int s = 0; s < count; s++) {
            int xs = xo + 2 * s * STRIP * c, ys = yo + s * STRIP * c;
            int p = p0;
            for (; p + 2 * L <= p1; p += 2 * L) {
                FloatVector a0 = FloatVector.fromArray(S, bt, p), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                FloatVector b0 = FloatVector.fromArray(S, bt, p + L), b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0, b6 = b0, b7 = b0;
                for (int k = 0; k < nky; k++) {
                    int o = xs + k * rowStep + p, q = wo + k * 3 * c + p;
                    FloatVector w0 = FloatVector.fromArray(S, wt, q), u0 = FloatVector.fromArray(S, wt, q + L);
                    q += c;
                    FloatVector w1 = FloatVector.fromArray(S, wt, q), u1 = FloatVector.fromArray(S, wt, q + L);
                    q += c;
                    FloatVector w2 = FloatVector.fromArray(S, wt, q), u2 = FloatVector.fromArray(S, wt, q + L);
                    FloatVector v, t;
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a0 = v.fma(w0, a0);
                    b0 = t.fma(u0, b0);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a0 = v.fma(w1, a0);
                    b0 = t.fma(u1, b0);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a0 = v.fma(w2, a0);
                    b0 = t.fma(u2, b0);
                    a1 = v.fma(w0, a1);
                    b1 = t.fma(u0, b1);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a1 = v.fma(w1, a1);
                    b1 = t.fma(u1, b1);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a1 = v.fma(w2, a1);
                    b1 = t.fma(u2, b1);
                    a2 = v.fma(w0, a2);
                    b2 = t.fma(u0, b2);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a2 = v.fma(w1, a2);
                    b2 = t.fma(u1, b2);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a2 = v.fma(w2, a2);
                    b2 = t.fma(u2, b2);
                    a3 = v.fma(w0, a3);
                    b3 = t.fma(u0, b3);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a3 = v.fma(w1, a3);
                    b3 = t.fma(u1, b3);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a3 = v.fma(w2, a3);
                    b3 = t.fma(u2, b3);
                    a4 = v.fma(w0, a4);
                    b4 = t.fma(u0, b4);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a4 = v.fma(w1, a4);
                    b4 = t.fma(u1, b4);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a4 = v.fma(w2, a4);
                    b4 = t.fma(u2, b4);
                    a5 = v.fma(w0, a5);
                    b5 = t.fma(u0, b5);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a5 = v.fma(w1, a5);
                    b5 = t.fma(u1, b5);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a5 = v.fma(w2, a5);
                    b5 = t.fma(u2, b5);
                    a6 = v.fma(w0, a6);
                    b6 = t.fma(u0, b6);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a6 = v.fma(w1, a6);
                    b6 = t.fma(u1, b6);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a6 = v.fma(w2, a6);
                    b6 = t.fma(u2, b6);
                    a7 = v.fma(w0, a7);
                    b7 = t.fma(u0, b7);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    o += c;
                    a7 = v.fma(w1, a7);
                    b7 = t.fma(u1, b7);
                    v = FloatVector.fromArray(S, x, o);
                    t = FloatVector.fromArray(S, x, o + L);
                    a7 = v.fma(w2, a7);
                    b7 = t.fma(u2, b7);
                }
                if (clamp) {
                    a0 = a0.max(lo).min(hi);
                    b0 = b0.max(lo).min(hi);
                    a1 = a1.max(lo).min(hi);
                    b1 = b1.max(lo).min(hi);
                    a2 = a2.max(lo).min(hi);
                    b2 = b2.max(lo).min(hi);
                    a3 = a3.max(lo).min(hi);
                    b3 = b3.max(lo).min(hi);
                    a4 = a4.max(lo).min(hi);
                    b4 = b4.max(lo).min(hi);
                    a5 = a5.max(lo).min(hi);
                    b5 = b5.max(lo).min(hi);
                    a6 = a6.max(lo).min(hi);
                    b6 = b6.max(lo).min(hi);
                    a7 = a7.max(lo).min(hi);
                    b7 = b7.max(lo).min(hi);
                }
                int o = ys + p;
                a0.intoArray(y, o);
                b0.intoArray(y, o + L);
                o += c;
                a1.intoArray(y, o);
                b1.intoArray(y, o + L);
                o += c;
                a2.intoArray(y, o);
                b2.intoArray(y, o + L);
                o += c;
                a3.intoArray(y, o);
                b3.intoArray(y, o + L);
                o += c;
                a4.intoArray(y, o);
                b4.intoArray(y, o + L);
                o += c;
                a5.intoArray(y, o);
                b5.intoArray(y, o + L);
                o += c;
                a6.intoArray(y, o);
                b6.intoArray(y, o + L);
                o += c;
                a7.intoArray(y, o);
                b7.intoArray(y, o + L);
            }
            if (p < p1) stride2(x, xs, c, rowStep, nky, wt, wo, bt, clamp, lo, hi, y, ys, 1, p, p1);
        }
    }

    /** One channel vector at a time over channels {@code [p0, p1)}, otherwise as {@link #stride2Pair}. */
    static void stride2(float[] x, int xo, int c, int rowStep, int nky, float[] wt, int wo, float[] bt, boolean clamp, float lo, float hi,
            float[] y, int yo, int count, int p0, int p1) {
        for (int s = 0; s < count; s++) {
            int xs = xo + 2 * s * STRIP * c, ys = yo + s * STRIP * c;
            for (int p = p0; p < p1; p += L) {
                FloatVector a0 = FloatVector.fromArray(S, bt, p), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int k = 0; k < nky; k++) {
                    int o = xs + k * rowStep + p, q = wo + k * 3 * c + p;
                    FloatVector w0 = FloatVector.fromArray(S, wt, q);
                    q += c;
                    FloatVector w1 = FloatVector.fromArray(S, wt, q);
                    q += c;
                    FloatVector w2 = FloatVector.fromArray(S, wt, q);
                    FloatVector v;
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a0 = v.fma(w0, a0);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a0 = v.fma(w1, a0);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a0 = v.fma(w2, a0);
                    a1 = v.fma(w0, a1);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a1 = v.fma(w1, a1);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a1 = v.fma(w2, a1);
                    a2 = v.fma(w0, a2);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a2 = v.fma(w1, a2);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a2 = v.fma(w2, a2);
                    a3 = v.fma(w0, a3);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a3 = v.fma(w1, a3);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a3 = v.fma(w2, a3);
                    a4 = v.fma(w0, a4);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a4 = v.fma(w1, a4);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a4 = v.fma(w2, a4);
                    a5 = v.fma(w0, a5);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a5 = v.fma(w1, a5);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a5 = v.fma(w2, a5);
                    a6 = v.fma(w0, a6);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a6 = v.fma(w1, a6);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a6 = v.fma(w2, a6);
                    a7 = v.fma(w0, a7);
                    v = FloatVector.fromArray(S, x, o);
                    o += c;
                    a7 = v.fma(w1, a7);
                    v = FloatVector.fromArray(S, x, o);
                    a7 = v.fma(w2, a7);
                }
                if (clamp) {
                    a0 = a0.max(lo).min(hi);
                    a1 = a1.max(lo).min(hi);
                    a2 = a2.max(lo).min(hi);
                    a3 = a3.max(lo).min(hi);
                    a4 = a4.max(lo).min(hi);
                    a5 = a5.max(lo).min(hi);
                    a6 = a6.max(lo).min(hi);
                    a7 = a7.max(lo).min(hi);
                }
                int o = ys + p;
                a0.intoArray(y, o);
                o += c;
                a1.intoArray(y, o);
                o += c;
                a2.intoArray(y, o);
                o += c;
                a3.intoArray(y, o);
                o += c;
                a4.intoArray(y, o);
                o += c;
                a5.intoArray(y, o);
                o += c;
                a6.intoArray(y, o);
                o += c;
                a7.intoArray(y, o);
            }
        }
    }
}
