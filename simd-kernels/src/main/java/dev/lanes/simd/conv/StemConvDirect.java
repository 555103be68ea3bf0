package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 * or straight from NCHW ({@link #runNchwInput}); Y (and the residual) are NHWC. Weights packed as
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

    private final Geometry g;
    private final int batch, cin, cout, cp;
    private final float[] w, bias;
    private final Activation act;

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
            for (int r = r0; r < r1; r++) row(x, xOff, cStride, pStride, y, yOff, res, resOff, r / g.outH(), r % g.outH());
        });
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
        for (int co = 0; co < cp; co += L) {
            VectorMask<Float> m = S.indexInRange(co, cout);
            FloatVector b = FloatVector.fromArray(S, bias, co);
            int wBase = kyLo * wRow + co;
            int ox = 0;
            for (; ox < oxLo; ox++) pixel(x, xImg, cStride, pStride, iy0, kyLo, kyHi, ox, co, b, m, y, yOff, res, resOff, yRow);
            for (; ox + 8 <= oxHi; ox += 8) {
                int xBase = xImg + ((iy0 + kyLo * g.dilH()) * inW + ox * g.strideW() - g.padL()) * pStride;
                tile8(x, xBase, cStride, rowStep, colStep, pixStep, kyHi - kyLo, kW, w, wBase, wCi, wRow, b, m,
                        y, yOff + (yRow + ox) * cout + co, res, resOff + (yRow + ox) * cout + co);
            }
            for (; ox < outW; ox++) pixel(x, xImg, cStride, pStride, iy0, kyLo, kyHi, ox, co, b, m, y, yOff, res, resOff, yRow);
        }
    }

    /**
     * 8 output pixels (all taps in the input) × one vector of output channels: per tap one weight
     * vector and 8 broadcast FMAs. {@code xBase} is pixel 0's first tap (ci 0, first valid ky, kx 0).
     */
    private void tile8(float[] x, int xBase, int cStride, int rowStep, int colStep, int pixStep, int kyN, int kW,
                       float[] w, int wBase, int wCi, int wRow, FloatVector b, VectorMask<Float> m,
                       float[] y, int yo, float[] res, int ro) {
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
        store(a0, b, m, y, yo, res, ro);
        store(a1, b, m, y, yo + cout, res, ro + cout);
        store(a2, b, m, y, yo + 2 * cout, res, ro + 2 * cout);
        store(a3, b, m, y, yo + 3 * cout, res, ro + 3 * cout);
        store(a4, b, m, y, yo + 4 * cout, res, ro + 4 * cout);
        store(a5, b, m, y, yo + 5 * cout, res, ro + 5 * cout);
        store(a6, b, m, y, yo + 6 * cout, res, ro + 6 * cout);
        store(a7, b, m, y, yo + 7 * cout, res, ro + 7 * cout);
    }

    /** One output pixel × one vector of output channels, skipping taps outside the input (borders, short rows). */
    private void pixel(float[] x, int xImg, int cStride, int pStride, int iy0, int kyLo, int kyHi, int ox, int co,
                       FloatVector b, VectorMask<Float> m, float[] y, int yOff, float[] res, int resOff, int yRow) {
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
        int o = (yRow + ox) * cout + co;
        store(a, b, m, y, yOff + o, res, resOff + o);
    }

    /** {@code act(acc + bias + res)} into the output channels under {@code m}. */
    private void store(FloatVector acc, FloatVector b, VectorMask<Float> m, float[] y, int yo, float[] res, int ro) {
        FloatVector v = acc.add(b);
        if (res != null) v = v.add(FloatVector.fromArray(S, res, ro, m));
        act.apply(v).intoArray(y, yo, m);
    }
}
