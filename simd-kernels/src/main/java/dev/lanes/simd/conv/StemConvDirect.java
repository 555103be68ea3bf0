package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution with very few input channels (the RGB stem of a CNN: 3 → 16 channels, 3x3 stride 2),
 * directly: each output pixel is {@code Σ_taps x · W[tap]} with the input value broadcast and the
 * output channels in the vector lanes, 8 pixels of a row at a time. im2col + GEMM does badly here:
 * its K = C·kh·kw (27) is shorter than one GEMM panel, and the im2col copy costs as much as the
 * arithmetic; NHWC would also need a reorder of a 3-channel image, whose transpose has no whole
 * vector of channels.
 *
 * <p>The kernel reads X through a channel stride and a pixel stride, so it runs on NHWC ({@link #run})
 * or straight from NCHW ({@link #runNchwInput}); Y (and the residual) are NHWC. Two full vectors of
 * output channels run together so that each broadcast input feeds two FMAs. The kernels write
 * {@code acc + bias}; the residual and activation run as a pass over each output row while it is in
 * L1 ({@link ConvEpilogue}), never inside the FMA loops, except a ReLU/Clip without residual, which the
 * tiles for 3-wide stride-2 rows from NCHW clamp in their stores (MobileNetV2's stem, 1 thread: 202 µs with the
 * general tiles, 96 µs with those). Weights packed as
 * {@code [ci][ky][kx][M padded to whole vectors]}. Taps outside the input are skipped: rows per output
 * row, columns per pixel for the border pixels (a one-pixel path). Work split over output rows; each
 * output's sum runs in (ci, ky, kx) order whatever the split, so results are bit-identical for any
 * thread count.
 */
public final class StemConvDirect implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Most input channels this kernel takes: beyond, im2col's K is long enough for the GEMM. */
    public static final int MAX_IN_CHANNELS = 4;
    private static final long MIN_MACS_PER_SHARE = 1 << 16;
    /** Output rows whose input rows are read through at once ({@link #touchInputRows}): 17 rows of 3×224 floats at stride 2, 45 KB. */
    private static final int TOUCH_ROWS = 8;
    /** Floats in a 64-byte cache line. */
    private static final int LINE_FLOATS = 16;
    /**
     * Where {@link #touchInputRows} leaves its sum, only when it is NaN (never read): C2 must make the loads to decide,
     * and the threads do not all write one static cache line every {@link #TOUCH_ROWS} rows (a line bounced between
     * cores on every group).
     */
    private static float touched;

    private final Geometry g;
    private final int batch, cin, cout, cp;
    private final float[] w, bias;
    private final Activation act;
    /**
     * The clamp of a ReLU (0, ∞) or Clip activation, which the 3-wide-row tiles apply in their stores when there is no
     * residual, as two compare-and-blends: C2 lowers {@code max/min} to {@link Math#max}'s semantics (NaN wins, +0.0
     * above -0.0) in about five instructions each, which cost the stem 18 % (118 → 96 µs).
     */
    private final float lo, hi;
    private final boolean clampable;
    /**
     * Whether the rows' input is read through first ({@link #touchInputRows}): only where that was measured to pay, the
     * 3-wide stride-2 rows from NCHW with pairs of channel vectors (MobileNetV2's stem, 3×224² → 32). On PP-OCRv4's
     * stem (3×384×640 → 16: one channel vector, rows of 40 cache lines) it cost 3–4 % (`BlockProbe pp`, hot and cold)
     * and its node 0.909 / 0.996 → 1.073 / 1.167 ms ({@code JarAlternation ppocr_v4_det 1 100}; reversed 0.972 / 1.049
     * → 1.060 / 1.146): there the prefetcher follows the tiles' own reads.
     */
    private final boolean touchesInput;

    public StemConvDirect(ConvShape s, float[] weights, int wOff, float[] b, int bOff, Activation act) {
        if (!supports(s)) throw new IllegalArgumentException("StemConvDirect needs 1 group, 1 or 2 spatial axes and at most "
                + MAX_IN_CHANNELS + " input channels: " + s);
        this.g = Geometry.of(s.inSpatial(), s.outSpatial(), s.kernel(), s.strides(), s.dilations(), s.padsBegin());
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        this.cp = DepthwiseConvGeneric.paddedChannels(cout);
        int taps = g.taps();
        this.w = new float[cin * taps * cp];
        for (int m = 0; m < cout; m++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int t = 0; t < taps; t++) w[(ci * taps + t) * cp + m] = weights[wOff + (m * cin + ci) * taps + t];
            }
        }
        this.bias = DepthwiseConvGeneric.packBias(s.hasBias() ? b : null, bOff, cout);
        this.act = act;
        this.lo = act.kind() == Activation.Kind.CLIP ? act.p1() : 0f;
        this.hi = act.kind() == Activation.Kind.CLIP ? act.p2() : Float.POSITIVE_INFINITY;
        this.touchesInput = g.kW() == 3 && g.strideW() == 2 && g.dilW() == 1 && cout >= 2 * L;
        this.clampable = (act.kind() == Activation.Kind.RELU || act.kind() == Activation.Kind.CLIP) && VectorClamp.exact(lo, hi);
    }

    public static boolean supports(ConvShape s) {
        return s.groups() == 1 && s.spatialRank() <= 2 && s.inChannels() <= MAX_IN_CHANNELS;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.STEM_DIRECT;
    }

    /** X, Y and the residual in NHWC. */
    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        runStrided(x, xOff, 1, cin, y, yOff, res, resOff, parallel);
    }

    /** X in NCHW, Y and the residual in NHWC: no reorder of the input. */
    public void runNchwInput(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        runStrided(x, xOff, g.inPixels(), 1, y, yOff, res, resOff, parallel);
    }

    /** X, Y and the residual in NCHW: X read in place, Y (and the residual) through NHWC scratch. */
    public void runNchw(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        long out = (long) batch * cout * g.outPixels();
        float[] ys = ConvScratch.get(ConvScratch.NHWC_OUT, out);
        float[] rs = null;
        if (res != null) {
            rs = ConvScratch.get(ConvScratch.NHWC_RES, out);
            Layouts.toNhwc(res, resOff, batch, cout, g.outPixels(), rs, 0, parallel);
        }
        runNchwInput(x, xOff, ys, 0, rs, 0, parallel);
        Layouts.toNchw(ys, 0, batch, cout, g.outPixels(), y, yOff, parallel);
    }

    private void runStrided(float[] x, int xOff, int cStride, int pStride, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int rows = batch * g.outH();
        long macs = (long) rows * g.outW() * cin * g.taps() * cp;
        parallel.forRange(rows, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (r0, r1) -> {
            for (int r = r0; r < r1; ) {
                int n = r / g.outH(), oy0 = r % g.outH(), oy1 = Math.min(g.outH(), oy0 + (r1 - r));
                rowsOfImage(x, xOff, cStride, pStride, y, yOff, res, resOff, n, oy0, oy1);
                r += oy1 - oy0;
            }
        });
    }

    /**
     * Output rows {@code [oy0, oy1)} of one image on the calling thread: X (that image) at {@code xImage}, NCHW or NHWC,
     * row oy of Y at {@code yOff + oy·outW·M} (NHWC), no residual ({@link InvertedResidualConv} computes a few rows at a
     * time into its buffer).
     */
    void rows(float[] x, int xImage, boolean nchw, float[] y, int yOff, int oy0, int oy1) {
        if (nchw) rowsOfImage(x, xImage, g.inPixels(), 1, y, yOff, null, 0, 0, oy0, oy1);
        else rowsOfImage(x, xImage, 1, cin, y, yOff, null, 0, 0, oy0, oy1);
    }

    /**
     * Output rows {@code [oy0, oy1)} of image n, {@link #TOUCH_ROWS} at a time, each group's input rows first read
     * through once in address order ({@link #touchInputRows}) when {@link #touchesInput} and X is NCHW.
     */
    private void rowsOfImage(float[] x, int xOff, int cStride, int pStride, float[] y, int yOff, float[] res, int resOff, int n,
                             int oy0, int oy1) {
        for (int t0 = oy0; t0 < oy1; t0 += TOUCH_ROWS) {
            int t1 = Math.min(oy1, t0 + TOUCH_ROWS);
            if (touchesInput && pStride == 1) touchInputRows(x, xOff + n * cin * g.inPixels(), cStride, pStride, t0, t1);
            for (int oy = t0; oy < t1; oy++) row(x, xOff, cStride, pStride, y, yOff, res, resOff, n, oy);
        }
    }

    /**
     * Reads one float of every cache line of the input rows that output rows {@code [oy0, oy1)} of the image at
     * {@code xImg} read, channel plane by channel plane, in address order, so that they are in L1/L2 before the tiles
     * run. The tiles themselves walk 3 channels × 3 kernel rows at once, a cache line at a time each, which the
     * hardware prefetcher follows badly: an image the rest of a model has evicted (MobileNetV2's 3×224² input, 602 KB)
     * then costs its stem more than the arithmetic. Address-order streams it at the memory's pace: MobileNetV2's
     * features.0+1 min / median 0.510 / 0.605 → 0.415 / 0.488 ms and 0.480 / 0.545 → 0.426 / 0.490 reversed
     * ({@code JarAlternation mobilenetv2 1 300}, pinned). The sum decides a write to a field so that C2 keeps the loads.
     */
    private void touchInputRows(float[] x, int xImg, int cStride, int pStride, int oy0, int oy1) {
        int inW = g.inW();
        int iy0 = Math.max(0, oy0 * g.strideH() - g.padT());
        int iy1 = Math.min(g.inH(), (oy1 - 1) * g.strideH() - g.padT() + (g.kH() - 1) * g.dilH() + 1);
        if (iy1 <= iy0) return;
        float s = 0;
        if (cStride == 1) {
            // NHWC: the rows of all channels are one range
            for (int i = xImg + iy0 * inW * pStride, end = xImg + iy1 * inW * pStride; i < end; i += LINE_FLOATS) s += x[i];
        } else {
            for (int ci = 0; ci < cin; ci++) {
                for (int i = xImg + ci * cStride + iy0 * inW, end = xImg + ci * cStride + iy1 * inW; i < end; i += LINE_FLOATS) s += x[i];
            }
        }
        if (s != s) touched = s;
    }

    private void row(float[] x, int xOff, int cStride, int pStride, float[] y, int yOff, float[] res, int resOff, int n, int oy) {
        int kH = g.kH(), kW = g.kW(), inW = g.inW(), outW = g.outW();
        int iy0 = oy * g.strideH() - g.padT();
        // tap rows inside the input: iy0 + ky·dil in [0, inH)
        int kyLo = 0, kyHi = kH;
        while (kyLo < kH && iy0 + kyLo * g.dilH() < 0) kyLo++;
        while (kyHi > kyLo && iy0 + (kyHi - 1) * g.dilH() >= g.inH()) kyHi--;
        int oxLo = Math.min(outW, Geometry.firstInside(g.padL(), g.strideW()));
        int oxHi = Geometry.endInside(inW, outW, kW, g.strideW(), g.dilW(), g.padL(), oxLo);
        int xImg = xOff + n * cin * g.inPixels();
        int yRow = (n * g.outH() + oy) * outW;
        int rowStep = g.dilH() * inW * pStride, colStep = g.dilW() * pStride, pixStep = g.strideW() * pStride;
        int wRow = kW * cp, wCi = kH * kW * cp;
        // 3 taps a row, stride 2, adjacent input columns (NCHW, MobileNetV2's stem): tiles with constant input offsets
        boolean rowWise = kW == 3 && g.strideW() == 2 && g.dilW() == 1 && pStride == 1;
        // those tiles and the one-pixel path clamp a ReLU/Clip in their stores: no pass over the row afterwards
        // (pairs of channel vectors only: the one-vector form, ppocr's 16-channel stem, ran faster alone but slower in the
        // model, whose C2 compile of it spilled; its channels keep the general tiles)
        boolean clamp = rowWise && clampable && res == null && cout % (2 * L) == 0;
        boolean edgeRow = rowWise && g.padL() == 1 && oxLo == 1 && oxHi >= 8;
        for (int co = 0; co < cp; ) {
            // two full channel vectors share each broadcast input (16 accumulators); a last or partial vector goes alone
            boolean pair = co + 2 * L <= cout, rows3 = rowWise && pair, edge = edgeRow && pair;
            int wBase = kyLo * wRow + co;
            // a left pad of one puts only pixel 0's first column outside: the 3-wide-row tiles then start at pixel 0,
            // skipping that column's taps for it (the one-pixel path's sums, same bits)
            int start = edge ? 0 : oxLo;
            int ox = 0;
            for (; ox < start; ox++) pixels(x, xImg, cStride, pStride, iy0, kyLo, kyHi, ox, co, pair, clamp, y, yOff, yRow);
            if (oxHi - start >= 8) {
                // a last partial tile is shifted left onto the previous one: it recomputes a few pixels with the same
                // arithmetic (same bits) instead of sending up to 7 through the latency-bound one-pixel path
                for (int t0 = start; t0 < oxHi; t0 += 8) {
                    int t = Math.min(t0, oxHi - 8);
                    int xBase = xImg + ((iy0 + kyLo * g.dilH()) * inW + t * g.strideW() - g.padL()) * pStride;
                    int yo = yOff + (yRow + t) * cout + co;
                    if (rows3) {
                        tile8x2Row3s2(x, xBase, cStride, rowStep, kyHi - kyLo, w, wBase, wCi, wRow, co, edge && t == 0, clamp, y, yo);
                    } else if (pair) {
                        tile8x2(x, xBase, cStride, rowStep, colStep, pixStep, kyHi - kyLo, kW, w, wBase, wCi, wRow, co, y, yo);
                    } else {
                        tile8(x, xBase, cStride, rowStep, colStep, pixStep, kyHi - kyLo, kW, w, wBase, wCi, wRow, co, y, yo);
                    }
                }
                ox = oxHi;
            }
            for (; ox < outW; ox++) pixels(x, xImg, cStride, pStride, iy0, kyLo, kyHi, ox, co, pair, clamp, y, yOff, yRow);
            co += pair ? 2 * L : L;
        }
        // residual and activation as a pass over the row just written (still in L1), never inside the FMA loops
        if (!clamp) ConvEpilogue.finish(y, yOff + yRow * cout, res, resOff + yRow * cout, outW * cout, act);
    }

    /** The one-pixel path for one channel vector, or two when {@code pair}. */
    private void pixels(float[] x, int xImg, int cStride, int pStride, int iy0, int kyLo, int kyHi, int ox, int co, boolean pair,
                        boolean clamp, float[] y, int yOff, int yRow) {
        pixel(x, xImg, cStride, pStride, iy0, kyLo, kyHi, ox, co, clamp, y, yOff, yRow);
        if (pair) pixel(x, xImg, cStride, pStride, iy0, kyLo, kyHi, ox, co + L, clamp, y, yOff, yRow);
    }

    /**
     * 8 output pixels (all taps in the input) × two full vectors of output channels from {@code co}: per tap two weight
     * vectors and 8 broadcasts, each broadcast feeding two FMAs. {@code xBase} is pixel 0's first tap (ci 0, first
     * valid ky, kx 0). Writes {@code acc + bias}; per output the taps run in (ci, ky, kx) order as in {@link #tile8}.
     */
    private void tile8x2(float[] x, int xBase, int cStride, int rowStep, int colStep, int pixStep, int kyN, int kW,
                         float[] w, int wBase, int wCi, int wRow, int co, float[] y, int yo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int ci = 0; ci < cin; ci++) {
            for (int ky = 0; ky < kyN; ky++) {
                int xi = xBase + ci * cStride + ky * rowStep, wi = wBase + ci * wCi + ky * wRow;
                for (int kx = 0; kx < kW; kx++, xi += colStep, wi += cp) {
                    FloatVector wv = FloatVector.fromArray(S, w, wi), wu = FloatVector.fromArray(S, w, wi + L);
                    FloatVector v = FloatVector.broadcast(S, x[xi]);
                    a0 = wv.fma(v, a0);
                    b0 = wu.fma(v, b0);
                    v = FloatVector.broadcast(S, x[xi + pixStep]);
                    a1 = wv.fma(v, a1);
                    b1 = wu.fma(v, b1);
                    v = FloatVector.broadcast(S, x[xi + 2 * pixStep]);
                    a2 = wv.fma(v, a2);
                    b2 = wu.fma(v, b2);
                    v = FloatVector.broadcast(S, x[xi + 3 * pixStep]);
                    a3 = wv.fma(v, a3);
                    b3 = wu.fma(v, b3);
                    v = FloatVector.broadcast(S, x[xi + 4 * pixStep]);
                    a4 = wv.fma(v, a4);
                    b4 = wu.fma(v, b4);
                    v = FloatVector.broadcast(S, x[xi + 5 * pixStep]);
                    a5 = wv.fma(v, a5);
                    b5 = wu.fma(v, b5);
                    v = FloatVector.broadcast(S, x[xi + 6 * pixStep]);
                    a6 = wv.fma(v, a6);
                    b6 = wu.fma(v, b6);
                    v = FloatVector.broadcast(S, x[xi + 7 * pixStep]);
                    a7 = wv.fma(v, a7);
                    b7 = wu.fma(v, b7);
                }
            }
        }
        // stores written out here: a helper taking the vectors would box them whenever C2 does not inline it
        FloatVector bv = FloatVector.fromArray(S, bias, co), bu = FloatVector.fromArray(S, bias, co + L);
        a0.add(bv).intoArray(y, yo);
        b0.add(bu).intoArray(y, yo + L);
        a1.add(bv).intoArray(y, yo + cout);
        b1.add(bu).intoArray(y, yo + cout + L);
        a2.add(bv).intoArray(y, yo + 2 * cout);
        b2.add(bu).intoArray(y, yo + 2 * cout + L);
        a3.add(bv).intoArray(y, yo + 3 * cout);
        b3.add(bu).intoArray(y, yo + 3 * cout + L);
        a4.add(bv).intoArray(y, yo + 4 * cout);
        b4.add(bu).intoArray(y, yo + 4 * cout + L);
        a5.add(bv).intoArray(y, yo + 5 * cout);
        b5.add(bu).intoArray(y, yo + 5 * cout + L);
        a6.add(bv).intoArray(y, yo + 6 * cout);
        b6.add(bu).intoArray(y, yo + 6 * cout + L);
        a7.add(bv).intoArray(y, yo + 7 * cout);
        b7.add(bu).intoArray(y, yo + 7 * cout + L);
    }

    /**
     * {@link #tile8x2} for 3-wide kernel rows at stride 2 over adjacent input columns (X in NCHW), written for what C2
     * makes of it: the inputs at constant offsets from one index (their range checks merge), the row's 3×2 weight
     * vectors loaded once per kernel row, and the (ci, ky) rows as one counted loop ({@link #tile8x2}'s nested loops over
     * strided offsets made C2 check every input's range and move the 16 accumulators through memory at each inner exit:
     * 202 against 128 µs on MobileNetV2's stem before the clamp moved into the stores). With {@code edge} (a left pad of one, tile at
     * pixel 0) pixel 0's first column lies in the pad and its taps are skipped, as the one-pixel path skips them. Per
     * output the taps run in (ci, ky, kx) order: the bits of {@link #tile8x2} and {@link #pixel}. With {@code clamp}
     * a ReLU/Clip is applied before the stores as compare-and-blends: the bits of {@link Activation#applyInPlace}'s max-then-min
     * ({@link VectorClamp#exact}; written out here, as a call C2 left it out of line and boxed the vectors: 10× slower).
     */
    private void tile8x2Row3s2(float[] x, int xBase, int cStride, int rowStep, int kyN, float[] w, int wBase, int wCi, int wRow,
                               int co, boolean edge, boolean clamp, float[] y, int yo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        int rows = cin * kyN, xi = xBase, wi = wBase, ky = 0;
        int xNextCi = cStride - (kyN - 1) * rowStep, wNextCi = wCi - (kyN - 1) * wRow;
        for (int r = 0; r < rows; r++) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi), u0 = FloatVector.fromArray(S, w, wi + L);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + cp), u1 = FloatVector.fromArray(S, w, wi + cp + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * cp), u2 = FloatVector.fromArray(S, w, wi + 2 * cp + L);
            FloatVector v;
            if (!edge) {
                v = FloatVector.broadcast(S, x[xi]);
                a0 = w0.fma(v, a0);
                b0 = u0.fma(v, b0);
            }
            v = FloatVector.broadcast(S, x[xi + 2]);
            a1 = w0.fma(v, a1);
            b1 = u0.fma(v, b1);
            v = FloatVector.broadcast(S, x[xi + 4]);
            a2 = w0.fma(v, a2);
            b2 = u0.fma(v, b2);
            v = FloatVector.broadcast(S, x[xi + 6]);
            a3 = w0.fma(v, a3);
            b3 = u0.fma(v, b3);
            v = FloatVector.broadcast(S, x[xi + 8]);
            a4 = w0.fma(v, a4);
            b4 = u0.fma(v, b4);
            v = FloatVector.broadcast(S, x[xi + 10]);
            a5 = w0.fma(v, a5);
            b5 = u0.fma(v, b5);
            v = FloatVector.broadcast(S, x[xi + 12]);
            a6 = w0.fma(v, a6);
            b6 = u0.fma(v, b6);
            v = FloatVector.broadcast(S, x[xi + 14]);
            a7 = w0.fma(v, a7);
            b7 = u0.fma(v, b7);
            v = FloatVector.broadcast(S, x[xi + 1]);
            a0 = w1.fma(v, a0);
            b0 = u1.fma(v, b0);
            v = FloatVector.broadcast(S, x[xi + 3]);
            a1 = w1.fma(v, a1);
            b1 = u1.fma(v, b1);
            v = FloatVector.broadcast(S, x[xi + 5]);
            a2 = w1.fma(v, a2);
            b2 = u1.fma(v, b2);
            v = FloatVector.broadcast(S, x[xi + 7]);
            a3 = w1.fma(v, a3);
            b3 = u1.fma(v, b3);
            v = FloatVector.broadcast(S, x[xi + 9]);
            a4 = w1.fma(v, a4);
            b4 = u1.fma(v, b4);
            v = FloatVector.broadcast(S, x[xi + 11]);
            a5 = w1.fma(v, a5);
            b5 = u1.fma(v, b5);
            v = FloatVector.broadcast(S, x[xi + 13]);
            a6 = w1.fma(v, a6);
            b6 = u1.fma(v, b6);
            v = FloatVector.broadcast(S, x[xi + 15]);
            a7 = w1.fma(v, a7);
            b7 = u1.fma(v, b7);
            v = FloatVector.broadcast(S, x[xi + 2]);
            a0 = w2.fma(v, a0);
            b0 = u2.fma(v, b0);
            v = FloatVector.broadcast(S, x[xi + 4]);
            a1 = w2.fma(v, a1);
            b1 = u2.fma(v, b1);
            v = FloatVector.broadcast(S, x[xi + 6]);
            a2 = w2.fma(v, a2);
            b2 = u2.fma(v, b2);
            v = FloatVector.broadcast(S, x[xi + 8]);
            a3 = w2.fma(v, a3);
            b3 = u2.fma(v, b3);
            v = FloatVector.broadcast(S, x[xi + 10]);
            a4 = w2.fma(v, a4);
            b4 = u2.fma(v, b4);
            v = FloatVector.broadcast(S, x[xi + 12]);
            a5 = w2.fma(v, a5);
            b5 = u2.fma(v, b5);
            v = FloatVector.broadcast(S, x[xi + 14]);
            a6 = w2.fma(v, a6);
            b6 = u2.fma(v, b6);
            v = FloatVector.broadcast(S, x[xi + 16]);
            a7 = w2.fma(v, a7);
            b7 = u2.fma(v, b7);
            if (++ky < kyN) {
                xi += rowStep;
                wi += wRow;
            } else {
                ky = 0;
                xi += xNextCi;
                wi += wNextCi;
            }
        }
        FloatVector bv = FloatVector.fromArray(S, bias, co), bu = FloatVector.fromArray(S, bias, co + L);
        a0 = a0.add(bv);
        b0 = b0.add(bu);
        a1 = a1.add(bv);
        b1 = b1.add(bu);
        a2 = a2.add(bv);
        b2 = b2.add(bu);
        a3 = a3.add(bv);
        b3 = b3.add(bu);
        a4 = a4.add(bv);
        b4 = b4.add(bu);
        a5 = a5.add(bv);
        b5 = b5.add(bu);
        a6 = a6.add(bv);
        b6 = b6.add(bu);
        a7 = a7.add(bv);
        b7 = b7.add(bu);
        if (clamp) {
            FloatVector lv = FloatVector.broadcast(S, lo), hv = FloatVector.broadcast(S, hi);
            a0 = a0.blend(lv, a0.compare(VectorOperators.LE, lv));
            a0 = a0.blend(hv, a0.compare(VectorOperators.GT, hv));
            b0 = b0.blend(lv, b0.compare(VectorOperators.LE, lv));
            b0 = b0.blend(hv, b0.compare(VectorOperators.GT, hv));
            a1 = a1.blend(lv, a1.compare(VectorOperators.LE, lv));
            a1 = a1.blend(hv, a1.compare(VectorOperators.GT, hv));
            b1 = b1.blend(lv, b1.compare(VectorOperators.LE, lv));
            b1 = b1.blend(hv, b1.compare(VectorOperators.GT, hv));
            a2 = a2.blend(lv, a2.compare(VectorOperators.LE, lv));
            a2 = a2.blend(hv, a2.compare(VectorOperators.GT, hv));
            b2 = b2.blend(lv, b2.compare(VectorOperators.LE, lv));
            b2 = b2.blend(hv, b2.compare(VectorOperators.GT, hv));
            a3 = a3.blend(lv, a3.compare(VectorOperators.LE, lv));
            a3 = a3.blend(hv, a3.compare(VectorOperators.GT, hv));
            b3 = b3.blend(lv, b3.compare(VectorOperators.LE, lv));
            b3 = b3.blend(hv, b3.compare(VectorOperators.GT, hv));
            a4 = a4.blend(lv, a4.compare(VectorOperators.LE, lv));
            a4 = a4.blend(hv, a4.compare(VectorOperators.GT, hv));
            b4 = b4.blend(lv, b4.compare(VectorOperators.LE, lv));
            b4 = b4.blend(hv, b4.compare(VectorOperators.GT, hv));
            a5 = a5.blend(lv, a5.compare(VectorOperators.LE, lv));
            a5 = a5.blend(hv, a5.compare(VectorOperators.GT, hv));
            b5 = b5.blend(lv, b5.compare(VectorOperators.LE, lv));
            b5 = b5.blend(hv, b5.compare(VectorOperators.GT, hv));
            a6 = a6.blend(lv, a6.compare(VectorOperators.LE, lv));
            a6 = a6.blend(hv, a6.compare(VectorOperators.GT, hv));
            b6 = b6.blend(lv, b6.compare(VectorOperators.LE, lv));
            b6 = b6.blend(hv, b6.compare(VectorOperators.GT, hv));
            a7 = a7.blend(lv, a7.compare(VectorOperators.LE, lv));
            a7 = a7.blend(hv, a7.compare(VectorOperators.GT, hv));
            b7 = b7.blend(lv, b7.compare(VectorOperators.LE, lv));
            b7 = b7.blend(hv, b7.compare(VectorOperators.GT, hv));
        }
        a0.intoArray(y, yo);
        b0.intoArray(y, yo + L);
        a1.intoArray(y, yo + cout);
        b1.intoArray(y, yo + cout + L);
        a2.intoArray(y, yo + 2 * cout);
        b2.intoArray(y, yo + 2 * cout + L);
        a3.intoArray(y, yo + 3 * cout);
        b3.intoArray(y, yo + 3 * cout + L);
        a4.intoArray(y, yo + 4 * cout);
        b4.intoArray(y, yo + 4 * cout + L);
        a5.intoArray(y, yo + 5 * cout);
        b5.intoArray(y, yo + 5 * cout + L);
        a6.intoArray(y, yo + 6 * cout);
        b6.intoArray(y, yo + 6 * cout + L);
        a7.intoArray(y, yo + 7 * cout);
        b7.intoArray(y, yo + 7 * cout + L);
    }

    /**
     * 8 output pixels (all taps in the input) × one vector of output channels from {@code co} (masked to the channels):
     * per tap one weight vector and 8 broadcast FMAs. Writes {@code acc + bias}.
     */
    private void tile8(float[] x, int xBase, int cStride, int rowStep, int colStep, int pixStep, int kyN, int kW,
                       float[] w, int wBase, int wCi, int wRow, int co, float[] y, int yo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int ci = 0; ci < cin; ci++) {
            for (int ky = 0; ky < kyN; ky++) {
                int xi = xBase + ci * cStride + ky * rowStep, wi = wBase + ci * wCi + ky * wRow;
                for (int kx = 0; kx < kW; kx++, xi += colStep, wi += cp) {
                    FloatVector wv = FloatVector.fromArray(S, w, wi);
                    a0 = wv.fma(FloatVector.broadcast(S, x[xi]), a0);
                    a1 = wv.fma(FloatVector.broadcast(S, x[xi + pixStep]), a1);
                    a2 = wv.fma(FloatVector.broadcast(S, x[xi + 2 * pixStep]), a2);
                    a3 = wv.fma(FloatVector.broadcast(S, x[xi + 3 * pixStep]), a3);
                    a4 = wv.fma(FloatVector.broadcast(S, x[xi + 4 * pixStep]), a4);
                    a5 = wv.fma(FloatVector.broadcast(S, x[xi + 5 * pixStep]), a5);
                    a6 = wv.fma(FloatVector.broadcast(S, x[xi + 6 * pixStep]), a6);
                    a7 = wv.fma(FloatVector.broadcast(S, x[xi + 7 * pixStep]), a7);
                }
            }
        }
        VectorMask<Float> m = S.indexInRange(co, cout);
        FloatVector b = FloatVector.fromArray(S, bias, co);
        a0 = a0.add(b);
        a1 = a1.add(b);
        a2 = a2.add(b);
        a3 = a3.add(b);
        a4 = a4.add(b);
        a5 = a5.add(b);
        a6 = a6.add(b);
        a7 = a7.add(b);
        a0.intoArray(y, yo, m);
        a1.intoArray(y, yo + cout, m);
        a2.intoArray(y, yo + 2 * cout, m);
        a3.intoArray(y, yo + 3 * cout, m);
        a4.intoArray(y, yo + 4 * cout, m);
        a5.intoArray(y, yo + 5 * cout, m);
        a6.intoArray(y, yo + 6 * cout, m);
        a7.intoArray(y, yo + 7 * cout, m);
    }

    /** One output pixel × one vector of output channels from {@code co}, skipping taps outside the input (borders, short rows). */
    private void pixel(float[] x, int xImg, int cStride, int pStride, int iy0, int kyLo, int kyHi, int ox, int co, boolean clamp,
                       float[] y, int yOff, int yRow) {
        int ix0 = ox * g.strideW() - g.padL();
        FloatVector a = FloatVector.zero(S);
        for (int ci = 0; ci < cin; ci++) {
            for (int ky = kyLo; ky < kyHi; ky++) {
                int iy = iy0 + ky * g.dilH();
                for (int kx = 0; kx < g.kW(); kx++) {
                    int ix = ix0 + kx * g.dilW();
                    if (ix < 0 || ix >= g.inW()) continue;
                    FloatVector wv = FloatVector.fromArray(S, w, ((ci * g.kH() + ky) * g.kW() + kx) * cp + co);
                    a = wv.fma(FloatVector.broadcast(S, x[xImg + ci * cStride + (iy * g.inW() + ix) * pStride]), a);
                }
            }
        }
        int o = yOff + (yRow + ox) * cout + co;
        a = a.add(FloatVector.fromArray(S, bias, co));
        if (clamp) a = a.max(lo).min(hi);
        a.intoArray(y, o, S.indexInRange(co, cout));
    }
}
