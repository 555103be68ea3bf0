package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution (multiplier 1, dilation 1, stride 1 or 2 along the width, any stride
 * along the height, any padding) over NHWC maps whose channel count is a multiple of the vector
 * length: MobileNet's depthwise layers. It reads the input in place (no band copy). Per output row
 * and channel vector, the nine weights stay in registers and a 3x3 window of input vectors slides
 * along the row: each output costs the loads of the window's new columns (3 at stride 1, 6 at
 * stride 2) for its nine FMAs, and the outputs of successive iterations are independent chains that
 * the core overlaps. (8-pixel strips × 2 channel vectors, which reload the weights per kernel row and
 * cover a row's tail with a shifted strip, ran 1.4-2× slower on MobileNetV2's 7² to 28² maps.)
 *
 * <p>Two output rows whose windows lie wholly inside the map share one sliding window where 32 registers allow it
 * at stride 1 ({@link #slide3Rows2}): a pair of outputs loads 4 input vectors instead of 6, and each iteration holds two
 * independent FMA chains. Measured in MobileNetV2 at 1
 * thread (JarAlternation, old / new min and median ms): features.3 (144 channels at 56², stride 1) 0.405 / 0.479 →
 * 0.374 / 0.435, features.5 and .6 (192 at 28²) 0.147 / 0.157 → 0.140 / 0.150 and 0.144 / 0.153 → 0.138 / 0.146;
 * the same pairing at stride 2 (10 loads instead of 12 per pair) measured no different on features.2 and .4, so stride 2
 * keeps one row per window.
 *
 * <p>The edge columns that miss only their first or last tap (a one-pixel pad) come out of the
 * sliding loop; other columns whose window crosses the left or right edge, and rows with fewer than
 * two kernel rows inside, go through a one-pixel path that skips the taps outside; rows crossing the
 * top or bottom edge run only their kernel rows inside.
 *
 * <p>Every output is {@code bias} followed by one FMA per tap inside, in (ky, kx) order, in every
 * path: results do not depend on which path or which thread computed an output. A ReLU or Clip
 * without residual is clamped in the sliding windows' loops by compare-and-blends written out (the
 * bits of {@link VectorClamp#apply}); the few outputs computed outside a window's loop (the edge
 * columns, the one-pixel path) are clamped in place after their stores, by calls that pass no vector.
 * Inside MobileNetV2, C2 reached its node-count cutoff in these methods before their last
 * {@code VectorClamp.apply} call, left it out of line and boxed a vector on every call (0.8–5 MB
 * allocated per model run, depending on which call it cut); force-inlined Vector API calls are
 * inlined later instead of being cut. A residual or another activation runs
 * afterwards as a pass over the rows ({@link ConvEpilogue}).
 * Weights are packed {@code [ky][kx][C]}.
 */
final class DepthwiseDirect3x3 {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** The column granularity callers split rows on. */
    static final int STRIP = 8;
    /** Channel vectors per block (see {@link #run}): 4 keep the pixel path's four chains. */
    static final int CHANNEL_BLOCK = 4;
    /**
     * Two output rows per sliding window where both lie wholly inside the map ({@link #pairColumns}): 512-bit only, where
     * 32 registers hold the nine weights, the bias, the carried columns of four or five input rows, the new ones and two
     * accumulators (26 or 29); 16 would spill.
     */
    private static final boolean PAIRS = L >= 16;
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
        // c is whole vectors, so the packed rows are exactly c long: wt[t·c + ch]
        this.wt = DepthwiseConvGeneric.pack(w, wOff, c, 9);
        this.bt = DepthwiseConvGeneric.packBias(bias, bOff, c);
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
        run(x, xOff, y, yOff, res, resOff, act, oy0, oy1, ox0, ox1, 0, c);
    }

    /**
     * As {@link #run(float[], int, float[], int, float[], int, Activation, int, int, int, int)} for channels
     * {@code [ch0, ch1)} only (multiples of the vector length): the same operations on each of them.
     */
    void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Activation act, int oy0, int oy1, int ox0, int ox1,
             int ch0, int ch1) {
        int outRow = g.outW() * c;
        // ReLU and Clip without a residual are clamped in the kernels' stores (VectorClamp: the bits of
        // Activation.applyInPlace's max-then-min); anything else runs as a pass over each row afterwards
        Activation.Kind kind = act.kind();
        float lo = kind == Activation.Kind.CLIP ? act.p1() : 0f, hi = kind == Activation.Kind.CLIP ? act.p2() : Float.POSITIVE_INFINITY;
        boolean clamp = res == null && (kind == Activation.Kind.RELU || kind == Activation.Kind.CLIP) && VectorClamp.exact(lo, hi);
        boolean pass = !clamp && !(res == null && kind == Activation.Kind.NONE);
        for (int p0 = ch0; p0 < ch1; p0 += channelBlock) {
            int p1 = Math.min(ch1, p0 + channelBlock);
            for (int oy = oy0; oy < oy1; oy++) {
                int iy0 = oy * g.strideH() - g.padT();
                int ky0 = DepthwiseConvGeneric.firstTap(iy0, 1), nky = Math.max(0, DepthwiseConvGeneric.endTap(iy0, 1, 3, g.inH()) - ky0);
                // X of the first kernel row inside, column 0 (may point before the row: only inside columns are read)
                int xRow = xOff + (nky == 0 ? 0 : (iy0 + ky0) * rowStep);
                if (PAIRS && nky == 3 && oy + 1 < oy1 && sW == 1 && g.strideH() == 1 && iy0 + 4 <= g.inH()
                        && pairColumns(x, xRow, clamp, lo, hi, y, yOff + oy * outRow, outRow, ox0, ox1, p0, p1)) {
                    oy++;
                    continue;
                }
                columns(x, xRow, nky, ky0 * 3 * c, clamp, lo, hi, y, yOff + oy * outRow, ox0, ox1, p0, p1);
            }
        }
        if (pass && ch0 == 0 && ch1 == c) {
            for (int oy = oy0; oy < oy1; oy++) {
                ConvEpilogue.finish(y, yOff + oy * outRow + ox0 * c, res, resOff + oy * outRow + ox0 * c, (ox1 - ox0) * c, act);
            }
        } else if (pass) {
            for (int oy = oy0; oy < oy1; oy++) {
                for (int ox = ox0; ox < ox1; ox++) {
                    int at = oy * outRow + ox * c + ch0;
                    ConvEpilogue.finish(y, yOff + at, res, resOff + at, ch1 - ch0, act);
                }
            }
        }
    }

    /** Columns {@code [a, b)}, channels {@code [p0, p1)} of one output row: a sliding window per channel vector, the other edge columns one at a time. */
    private void columns(float[] x, int xRow, int nky, int wRow, boolean clamp, float lo, float hi, float[] y, int yRow, int a, int b,
                         int p0, int p1) {
        int in0 = Math.max(a, Math.min(b, oxLo)), in1 = Math.max(in0, Math.min(b, oxHi));
        if (nky >= 2 && in1 > in0) {
            // one channel vector at a time along the whole row, its weights in registers; the edge columns next to
            // the run that miss only their first or last tap (a one-pixel pad) are computed with the run
            boolean left = a < in0 && in0 * sW - g.padL() == sW - 1, right = in1 < b && in1 * sW - g.padL() == g.inW() - 2;
            int a1 = left ? in0 - 1 : in0, b0 = right ? in1 + 1 : in1, n = in1 - in0;
            int xo = xRow + (in0 * sW - g.padL()) * c, yo = yRow + in0 * c;
            for (int p = p0; p < p1; p += L) {
                for (int ox = a; ox < a1; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p, p + L);
                if (sW == 1) {
                    if (nky == 3) slide3(x, xo, c, rowStep, wt, wRow, bt, p, clamp, lo, hi, y, yo, n, left, right);
                    else slide2(x, xo, c, rowStep, wt, wRow, bt, p, clamp, lo, hi, y, yo, n, left, right);
                } else {
                    if (nky == 3) slide3Stride2(x, xo, c, rowStep, wt, wRow, bt, p, clamp, lo, hi, y, yo, n, left, right);
                    else slide2Stride2(x, xo, c, rowStep, wt, wRow, bt, p, clamp, lo, hi, y, yo, n, left, right);
                }
                if (clamp) {
                    // the edge outputs a window computed before and after its loop (clamped here, not in the window
                    // methods, to keep their compiled bodies small)
                    if (left) VectorClamp.rows(y, yo + p - c, 0, 1, L, lo, hi);
                    if (right) VectorClamp.rows(y, yo + p + n * c, 0, 1, L, lo, hi);
                }
                for (int ox = b0; ox < b; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p, p + L);
            }
            return;
        }
        // rows with fewer than two kernel rows inside, rows with no interior column: one pixel at a time
        for (int ox = a; ox < b; ox++) pixel(x, xRow, nky, wRow, clamp, lo, hi, y, yRow, ox, p0, p1);
    }

    /**
     * Columns {@code [a, b)}, channels {@code [p0, p1)} of two output rows whose windows lie wholly inside the map's rows
     * at stride 1 (the first row's at {@code xRow}, the second's one row below; Y's rows at {@code yRow} and
     * {@code yRow + outRow}): one window slides along both rows ({@link #slide3Rows2}), the other edge columns one pixel
     * at a time. False (nothing written) when the rows have no interior column.
     */
    private boolean pairColumns(float[] x, int xRow, boolean clamp, float lo, float hi, float[] y, int yRow, int outRow, int a, int b,
                                int p0, int p1) {
        int in0 = Math.max(a, Math.min(b, oxLo)), in1 = Math.max(in0, Math.min(b, oxHi));
        if (in1 <= in0) return false;
        int xRow2 = xRow + rowStep, yRow2 = yRow + outRow;
        boolean left = a < in0 && in0 * sW - g.padL() == sW - 1, right = in1 < b && in1 * sW - g.padL() == g.inW() - 2;
        int a1 = left ? in0 - 1 : in0, b0 = right ? in1 + 1 : in1, n = in1 - in0;
        int xo = xRow + (in0 * sW - g.padL()) * c, yo = yRow + in0 * c;
        for (int p = p0; p < p1; p += L) {
            for (int ox = a; ox < a1; ox++) {
                pixel(x, xRow, 3, 0, clamp, lo, hi, y, yRow, ox, p, p + L);
                pixel(x, xRow2, 3, 0, clamp, lo, hi, y, yRow2, ox, p, p + L);
            }
            slide3Rows2(x, xo, c, rowStep, wt, bt, p, clamp, lo, hi, y, yo, outRow, n, left, right);
            if (clamp) {
                if (left) {
                    VectorClamp.rows(y, yo + p - c, 0, 1, L, lo, hi);
                    VectorClamp.rows(y, yo + outRow + p - c, 0, 1, L, lo, hi);
                }
                if (right) {
                    VectorClamp.rows(y, yo + p + n * c, 0, 1, L, lo, hi);
                    VectorClamp.rows(y, yo + outRow + p + n * c, 0, 1, L, lo, hi);
                }
            }
            for (int ox = b0; ox < b; ox++) {
                pixel(x, xRow, 3, 0, clamp, lo, hi, y, yRow, ox, p, p + L);
                pixel(x, xRow2, 3, 0, clamp, lo, hi, y, yRow2, ox, p, p + L);
            }
        }
        return true;
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
            acc.intoArray(y, yo + p);
        }
        if (clamp) VectorClamp.rows(y, yo + p0, 0, 1, p1 - p0, lo, hi);
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
            if (clamp) {
                // VectorClamp.apply written out (force-inlined calls only: see the class comment)
                acc = acc.blend(lo, acc.compare(VectorOperators.LE, lo));
                acc = acc.blend(hi, acc.compare(VectorOperators.GT, hi));
            }
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
            if (clamp) {
                // VectorClamp.apply written out (force-inlined calls only: see the class comment)
                acc = acc.blend(lo, acc.compare(VectorOperators.LE, lo));
                acc = acc.blend(hi, acc.compare(VectorOperators.GT, hi));
            }
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
            acc.intoArray(y, yi);
        }
    }

    /**
     * As {@link #slide3} at stride 2: the window moves two columns, so each output loads six vectors (its columns 1
     * and 2 in the three rows; column 0 is the previous output's column 2). With {@code left} the output before the
     * run takes taps 1 and 2 from the two columns before the first window, with {@code right} the output after it
     * taps 0 and 1 from the carried column and the next.
     */
    static void slide3Stride2(float[] x, int xo, int c, int rowStep, float[] wt, int wo, float[] bt, int p, boolean clamp, float lo, float hi,
            float[] y, int yo, int n, boolean left, boolean right) {
        int q = wo + p;
        FloatVector w00 = FloatVector.fromArray(S, wt, q), w01 = FloatVector.fromArray(S, wt, q + c), w02 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w10 = FloatVector.fromArray(S, wt, q), w11 = FloatVector.fromArray(S, wt, q + c), w12 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w20 = FloatVector.fromArray(S, wt, q), w21 = FloatVector.fromArray(S, wt, q + c), w22 = FloatVector.fromArray(S, wt, q + 2 * c);
        FloatVector bias = FloatVector.fromArray(S, bt, p);
        int o = xo + p, r1 = rowStep, r2 = 2 * rowStep;
        int yi = yo + p;
        if (left) {
            // taps 1 and 2 over the columns before the first window
            FloatVector acc = bias;
            acc = FloatVector.fromArray(S, x, o - c).fma(w01, acc);
            acc = FloatVector.fromArray(S, x, o).fma(w02, acc);
            acc = FloatVector.fromArray(S, x, o - c + r1).fma(w11, acc);
            acc = FloatVector.fromArray(S, x, o + r1).fma(w12, acc);
            acc = FloatVector.fromArray(S, x, o - c + r2).fma(w21, acc);
            acc = FloatVector.fromArray(S, x, o + r2).fma(w22, acc);
            acc.intoArray(y, yi - c);
        }
        FloatVector v00 = FloatVector.fromArray(S, x, o), v10 = FloatVector.fromArray(S, x, o + r1), v20 = FloatVector.fromArray(S, x, o + r2);
        for (int i = 0; i < n; i++) {
            FloatVector v01 = FloatVector.fromArray(S, x, o + c), v02 = FloatVector.fromArray(S, x, o + 2 * c);
            FloatVector v11 = FloatVector.fromArray(S, x, o + c + r1), v12 = FloatVector.fromArray(S, x, o + 2 * c + r1);
            FloatVector v21 = FloatVector.fromArray(S, x, o + c + r2), v22 = FloatVector.fromArray(S, x, o + 2 * c + r2);
            FloatVector acc = v00.fma(w00, bias);
            acc = v01.fma(w01, acc);
            acc = v02.fma(w02, acc);
            acc = v10.fma(w10, acc);
            acc = v11.fma(w11, acc);
            acc = v12.fma(w12, acc);
            acc = v20.fma(w20, acc);
            acc = v21.fma(w21, acc);
            acc = v22.fma(w22, acc);
            if (clamp) {
                // VectorClamp.apply written out (force-inlined calls only: see the class comment)
                acc = acc.blend(lo, acc.compare(VectorOperators.LE, lo));
                acc = acc.blend(hi, acc.compare(VectorOperators.GT, hi));
            }
            acc.intoArray(y, yi);
            v00 = v02;
            v10 = v12;
            v20 = v22;
            o += 2 * c;
            yi += c;
        }
        if (right) {
            // taps 0 and 1: the carried column and the last one
            FloatVector acc = bias;
            acc = v00.fma(w00, acc);
            acc = FloatVector.fromArray(S, x, o + c).fma(w01, acc);
            acc = v10.fma(w10, acc);
            acc = FloatVector.fromArray(S, x, o + c + r1).fma(w11, acc);
            acc = v20.fma(w20, acc);
            acc = FloatVector.fromArray(S, x, o + c + r2).fma(w21, acc);
            acc.intoArray(y, yi);
        }
    }

    /** As {@link #slide3Stride2} with two kernel rows (the first or last output row under a one-pixel pad). */
    static void slide2Stride2(float[] x, int xo, int c, int rowStep, float[] wt, int wo, float[] bt, int p, boolean clamp, float lo, float hi,
            float[] y, int yo, int n, boolean left, boolean right) {
        int q = wo + p;
        FloatVector w00 = FloatVector.fromArray(S, wt, q), w01 = FloatVector.fromArray(S, wt, q + c), w02 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w10 = FloatVector.fromArray(S, wt, q), w11 = FloatVector.fromArray(S, wt, q + c), w12 = FloatVector.fromArray(S, wt, q + 2 * c);
        FloatVector bias = FloatVector.fromArray(S, bt, p);
        int o = xo + p, r1 = rowStep;
        int yi = yo + p;
        if (left) {
            // taps 1 and 2 over the columns before the first window
            FloatVector acc = bias;
            acc = FloatVector.fromArray(S, x, o - c).fma(w01, acc);
            acc = FloatVector.fromArray(S, x, o).fma(w02, acc);
            acc = FloatVector.fromArray(S, x, o - c + r1).fma(w11, acc);
            acc = FloatVector.fromArray(S, x, o + r1).fma(w12, acc);
            acc.intoArray(y, yi - c);
        }
        FloatVector v00 = FloatVector.fromArray(S, x, o), v10 = FloatVector.fromArray(S, x, o + r1);
        for (int i = 0; i < n; i++) {
            FloatVector v01 = FloatVector.fromArray(S, x, o + c), v02 = FloatVector.fromArray(S, x, o + 2 * c);
            FloatVector v11 = FloatVector.fromArray(S, x, o + c + r1), v12 = FloatVector.fromArray(S, x, o + 2 * c + r1);
            FloatVector acc = v00.fma(w00, bias);
            acc = v01.fma(w01, acc);
            acc = v02.fma(w02, acc);
            acc = v10.fma(w10, acc);
            acc = v11.fma(w11, acc);
            acc = v12.fma(w12, acc);
            if (clamp) {
                // VectorClamp.apply written out (force-inlined calls only: see the class comment)
                acc = acc.blend(lo, acc.compare(VectorOperators.LE, lo));
                acc = acc.blend(hi, acc.compare(VectorOperators.GT, hi));
            }
            acc.intoArray(y, yi);
            v00 = v02;
            v10 = v12;
            o += 2 * c;
            yi += c;
        }
        if (right) {
            // taps 0 and 1: the carried column and the last one
            FloatVector acc = bias;
            acc = v00.fma(w00, acc);
            acc = FloatVector.fromArray(S, x, o + c).fma(w01, acc);
            acc = v10.fma(w10, acc);
            acc = FloatVector.fromArray(S, x, o + c + r1).fma(w11, acc);
            acc.intoArray(y, yi);
        }
    }

    /**
     * As {@link #slide3} for two output rows at once (stride 1): four input rows, the second output's window one row
     * below the first's. Per pair of outputs four loads (the new column of the four rows) instead of six, and two
     * independent FMA chains in each iteration. Each output is the same chain as in {@link #slide3} (bias, then the
     * taps in (ky, kx) order), so the bits do not depend on which rows are paired. Y's second row at {@code yo + yStep}.
     */
    static void slide3Rows2(float[] x, int xo, int c, int rowStep, float[] wt, float[] bt, int p, boolean clamp, float lo, float hi,
            float[] y, int yo, int yStep, int n, boolean left, boolean right) {
        int q = p;
        FloatVector w00 = FloatVector.fromArray(S, wt, q), w01 = FloatVector.fromArray(S, wt, q + c), w02 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w10 = FloatVector.fromArray(S, wt, q), w11 = FloatVector.fromArray(S, wt, q + c), w12 = FloatVector.fromArray(S, wt, q + 2 * c);
        q += 3 * c;
        FloatVector w20 = FloatVector.fromArray(S, wt, q), w21 = FloatVector.fromArray(S, wt, q + c), w22 = FloatVector.fromArray(S, wt, q + 2 * c);
        FloatVector bias = FloatVector.fromArray(S, bt, p);
        int o = xo + p, r1 = rowStep, r2 = 2 * rowStep, r3 = 3 * rowStep;
        FloatVector v00 = FloatVector.fromArray(S, x, o), v01 = FloatVector.fromArray(S, x, o + c);
        FloatVector v10 = FloatVector.fromArray(S, x, o + r1), v11 = FloatVector.fromArray(S, x, o + r1 + c);
        FloatVector v20 = FloatVector.fromArray(S, x, o + r2), v21 = FloatVector.fromArray(S, x, o + r2 + c);
        FloatVector v30 = FloatVector.fromArray(S, x, o + r3), v31 = FloatVector.fromArray(S, x, o + r3 + c);
        o += 2 * c;
        int yi = yo + p;
        if (left) {
            FloatVector a = v00.fma(w01, bias), b = v10.fma(w01, bias);
            a = v01.fma(w02, a); b = v11.fma(w02, b);
            a = v10.fma(w11, a); b = v20.fma(w11, b);
            a = v11.fma(w12, a); b = v21.fma(w12, b);
            a = v20.fma(w21, a); b = v30.fma(w21, b);
            a = v21.fma(w22, a); b = v31.fma(w22, b);
            a.intoArray(y, yi - c);
            b.intoArray(y, yi - c + yStep);
        }
        for (int i = 0; i < n; i++) {
            FloatVector v02 = FloatVector.fromArray(S, x, o), v12 = FloatVector.fromArray(S, x, o + r1);
            FloatVector v22 = FloatVector.fromArray(S, x, o + r2), v32 = FloatVector.fromArray(S, x, o + r3);
            FloatVector a = v00.fma(w00, bias), b = v10.fma(w00, bias);
            a = v01.fma(w01, a); b = v11.fma(w01, b);
            a = v02.fma(w02, a); b = v12.fma(w02, b);
            a = v10.fma(w10, a); b = v20.fma(w10, b);
            a = v11.fma(w11, a); b = v21.fma(w11, b);
            a = v12.fma(w12, a); b = v22.fma(w12, b);
            a = v20.fma(w20, a); b = v30.fma(w20, b);
            a = v21.fma(w21, a); b = v31.fma(w21, b);
            a = v22.fma(w22, a); b = v32.fma(w22, b);
            if (clamp) {
                // VectorClamp.apply written out (force-inlined calls only: see the class comment)
                a = a.blend(lo, a.compare(VectorOperators.LE, lo));
                a = a.blend(hi, a.compare(VectorOperators.GT, hi));
                b = b.blend(lo, b.compare(VectorOperators.LE, lo));
                b = b.blend(hi, b.compare(VectorOperators.GT, hi));
            }
            a.intoArray(y, yi);
            b.intoArray(y, yi + yStep);
            v00 = v01; v01 = v02;
            v10 = v11; v11 = v12;
            v20 = v21; v21 = v22;
            v30 = v31; v31 = v32;
            o += c;
            yi += c;
        }
        if (right) {
            FloatVector a = v00.fma(w00, bias), b = v10.fma(w00, bias);
            a = v01.fma(w01, a); b = v11.fma(w01, b);
            a = v10.fma(w10, a); b = v20.fma(w10, b);
            a = v11.fma(w11, a); b = v21.fma(w11, b);
            a = v20.fma(w20, a); b = v30.fma(w20, b);
            a = v21.fma(w21, a); b = v31.fma(w21, b);
            a.intoArray(y, yi);
            b.intoArray(y, yi + yStep);
        }
    }
}
