package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.ReadAhead;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D convolution with one group over NHWC as a GEMM (output pixels × taps·input channels ×
 * output channels) whose A is never materialised: rows are read in place from a <em>band</em>, the
 * input rows a run of output rows needs, copied once per band with their zero padding. A tap then
 * only moves every pixel's offset by the same constant ({@code (ky·dH·bandW + kx·dW)·C}), so the
 * register tile walks K tap by tap, input channel by input channel, with no border tests and no
 * im2col matrix or packed copy of A (im2col + PackedGemm spent 35 % of a stride-2 3x3 layer copying:
 * im2col, then packing the im2col rows again).
 *
 * <pre>
 *   band (padded rows iy0 .. iy1 of one image):      weights, panel p (NR output channels), row t·C + ci:
 *   | pl zeros | X row iy, C per pixel | zeros |       W[p·NR .. p·NR+NR)[ci][ky][kx] for tap t = ky·kW + kx
 *   | pl zeros | X row iy+1            | zeros |       data: | panel 0: K rows × NR | panel 1 | ... |  (columns ≥ M are 0)
 * </pre>
 * Three band sources: a 1x1 layer with unit strides and no padding reads X itself (no copy); a 1x1
 * layer with strides and no padding gathers only the pixels it samples (ResNet's downsample
 * projections read a quarter of X); anything else copies padded rows.
 *
 * <p>Loops: band → panel → tile of {@link #MR} pixels. With the panel outside the tiles a panel of
 * weights (K·NR floats, up to {@link #MAX_PANEL_BYTES}) stays in L2 while every tile of the band
 * uses it, so layers whose weights are larger than L2 (the deep 1x1 and 3x3 layers of ResNet-50,
 * 1-9 MB) read them once per band instead of once per tile. The bias is added as a tile is stored;
 * residual and activation follow on the tile's rows ({@link ConvEpilogue}). Every output is one FMA
 * chain over taps and channels in order, the same whatever the band, panel split or thread count.
 */
public final class BandGemmConv implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Vectors per panel: 4 when 32 registers allow it (512-bit: 6×4 accumulators + 4 + 1), else 2 (6×2 + 2 + 1 of 16). */
    static final int NRV = L >= 16 ? 4 : 2;
    static final int NR = NRV * L;
    static final int MR = 6;
    /**
     * A panel of weights larger than this would not stay in L2 (1 MB per core here) next to the band:
     * a longer panel is cut into chunks of K that each fit, run one after another over the band.
     */
    static final long MAX_PANEL_BYTES = 640 * 1024;
    /** All weights up to this size stay in L2 (1 MB per core here) next to a band. */
    static final long WEIGHTS_IN_L2 = 640 * 1024;
    /** Target size of a band of input rows: fits L2 next to a panel. */
    static final long BAND_BYTES = 256 * 1024;
    /**
     * Largest band that holds a whole image, for weights beyond L2 (its chunks of K then shrink to fit next to it). Deep
     * layers on small maps stream far more weights than input: ResNet-50's layer4.0.conv2 (3x3/2, 512 channels, 14² → 7²)
     * has 9.4 MB of weights for a 460 KB band; in two 4-row bands each band streamed all of them, on one thread (twice)
     * and on two (each thread once, 18.8 MB between them), where one band with the panels split reads them once.
     */
    static final long WHOLE_IMAGE_BAND_BYTES = 512 * 1024;
    /** Smallest chunk of a panel's K next to a whole-image band. */
    static final long MIN_CHUNK_BYTES = 256 * 1024;
    private static final long MIN_MACS_PER_SHARE = 1 << 18;

    private enum Source { IN_PLACE, GATHER, PADDED_ROWS }

    private final Source source;
    private final int batch, cin, cout, ih, iw, oh, ow, sh, sw, dh, dw, kh, kw, pt, pl;
    private final int k, panels;
    /** Rows of K per chunk of a panel: K itself unless a whole panel exceeds {@link #MAX_PANEL_BYTES}. */
    private final int kChunk;
    /** Band geometry: pixels per band row, steps between output pixels in band pixels, most output rows per band (L2). */
    private final int bandW, stepY, stepX, bandRows;
    /** Offset in the band of each k = tap·C + ci from its pixel's first tap: one flat loop over K, no loop per tap. */
    private final int[] kOffsets;
    /** Weights beyond {@link #WEIGHTS_IN_L2}: panels outside the tiles, else tiles outside the panels. */
    private final boolean panelOuter;
    /**
     * Weights beyond L2 and a whole image's band within {@link #WHOLE_IMAGE_BAND_BYTES}: one band per image, so that the
     * weights stream from memory once per image (each band reads all its panels' weights), and threads split the panels.
     */
    private final boolean wholeImageBand;
    private final float[] w, bias;
    private final Activation act;

    /**
     * {@code W[p][t·C + ci][j] = weights[p·NR + j][ci][t]}, zero for output channels past M: panels of NR
     * output channels, K = taps·C rows each. A copy, so exact; depends on the weights' shape only.
     */
    private record Panels(int cin, int cout, int taps) implements ConvWeights.Reordering {
        @Override
        public float[] pack(float[] weights, int wOff) {
            int k = taps * cin;
            float[] w = new float[(cout + NR - 1) / NR * k * NR];
            for (int co = 0; co < cout; co++) {
                int p = co / NR, j = co % NR;
                for (int ci = 0; ci < cin; ci++) {
                    for (int t = 0; t < taps; t++) w[(p * k + t * cin + ci) * NR + j] = weights[wOff + (co * cin + ci) * taps + t];
                }
            }
            return w;
        }

        @Override
        public void unpack(float[] w, float[] dst) {
            int k = taps * cin;
            for (int co = 0; co < cout; co++) {
                int p = co / NR, j = co % NR;
                for (int ci = 0; ci < cin; ci++) {
                    for (int t = 0; t < taps; t++) dst[(co * cin + ci) * taps + t] = w[(p * k + t * cin + ci) * NR + j];
                }
            }
        }
    }

    public BandGemmConv(ConvShape s, ConvWeights weights, float[] b, int bOff, Activation act) {
        if (!supports(s)) throw new IllegalArgumentException("BandGemmConv needs a 2-D conv with one group: " + s);
        int[] in = s.inSpatial(), out = s.outSpatial(), ker = s.kernel(), st = s.strides(), dil = s.dilations(), pb = s.padsBegin();
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        this.ih = in[0];
        this.iw = in[1];
        this.oh = out[0];
        this.ow = out[1];
        this.kh = ker[0];
        this.kw = ker[1];
        this.sh = st[0];
        this.sw = st[1];
        this.dh = dil[0];
        this.dw = dil[1];
        this.pt = pb[0];
        this.pl = pb[1];
        boolean pointwise = kh == 1 && kw == 1 && allZero(s.padsBegin()) && allZero(s.padsEnd());
        this.source = !pointwise ? Source.PADDED_ROWS : sh == 1 && sw == 1 ? Source.IN_PLACE : Source.GATHER;
        this.k = kh * kw * cin;
        this.panels = (cout + NR - 1) / NR;
        if (source == Source.PADDED_ROWS) {
            // wide enough for the last output column's last tap (right padding included)
            this.bandW = Math.max(pl + iw, (ow - 1) * sw + (kw - 1) * dw + 1);
            this.stepY = sh;
            this.stepX = sw;
        } else {
            this.bandW = ow;
            this.stepY = 1;
            this.stepX = 1;
        }
        this.kOffsets = new int[k];
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int t = ky * kw + kx, tap = (ky * dh * bandW + kx * dw) * cin;
                for (int ci = 0; ci < cin; ci++) kOffsets[t * cin + ci] = tap + ci;
            }
        }
        long rowBytes = 4L * bandW * cin * (source == Source.PADDED_ROWS ? sh : 1);
        int rows = (int) Math.max(1, Math.min(oh, BAND_BYTES / Math.max(1, rowBytes)));
        long weightBytes = 4L * panels * k * NR, imageBand = 4L * bandRowsIn(oh) * bandW * cin;
        this.panelOuter = weightBytes > WEIGHTS_IN_L2;
        this.wholeImageBand = panelOuter && imageBand <= WHOLE_IMAGE_BAND_BYTES;
        if (wholeImageBand) {
            this.bandRows = oh;
        } else {
            this.bandRows = source == Source.IN_PLACE ? Math.max(1, Math.min(oh, (int) (BAND_BYTES / Math.max(1, 4L * ow * cin)))) : rows;
        }
        // a chunk of K shares L2 with the band: the whole image's band leaves it less room
        long panelBudget = wholeImageBand ? Math.max(MAX_PANEL_BYTES + BAND_BYTES - imageBand, MIN_CHUNK_BYTES) : MAX_PANEL_BYTES;
        int chunks = (int) Math.max(1, (4L * k * NR + panelBudget - 1) / panelBudget);
        this.kChunk = (k + chunks - 1) / chunks;
        this.w = weights.form(new Panels(cin, cout, kh * kw));
        this.bias = DepthwiseConvGeneric.packBias(s.hasBias() ? b : null, bOff, cout);
        this.act = act;
    }

    private static boolean allZero(int[] a) {
        for (int v : a) if (v != 0) return false;
        return true;
    }

    /** True for 2-D convolutions with one group (a panel longer than {@link #MAX_PANEL_BYTES} runs in chunks of K). */
    public static boolean supports(ConvShape s) {
        return s.spatialRank() == 2 && s.groups() == 1;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.BAND_GEMM;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        long macs = (long) batch * oh * ow * k * cout;
        int shares = parallel.sharesFor(macs, MIN_MACS_PER_SHARE);
        int perImage = bandsPerImage(shares), bands = batch * perImage;
        // too few bands for the threads (small deep maps): bands × groups of panels; a band is then
        // copied once per group, which costs far less than its panels' products
        int groups = Math.min(panels, Math.max(1, (shares + bands - 1) / bands));
        int tasks = bands * groups;
        parallel.forRange(tasks, 1, shares, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int band = t / groups, g = t % groups;
                // panels shared out as evenly as they go (8 on 3 threads: 2, 3, 3, not 3, 3, 2; on 5: no group left empty)
                int p0 = (int) ((long) g * panels / groups), p1 = (int) ((long) (g + 1) * panels / groups);
                int img = band / perImage, b = band % perImage;
                int oy0 = bandStart(b, oh, perImage), oy1 = bandStart(b + 1, oh, perImage);
                if (p0 < p1) band(x, xOff, y, yOff, res, resOff, img, oy0, oy1, p0, p1);
            }
        });
    }

    /**
     * Bands per image for a run cut into {@code shares}: as few as L2 allows ({@link #bandRows} rows
     * at most), their rows split as evenly as possible, and then as many more as make their count a
     * multiple of the shares, so every thread gets the same rows (the 3-band ResNet stem on 2 threads
     * ran 2 bands on one of them). Fewer bands than shares stay as they are: the panels are split
     * then. Bands only change which rows a task computes, never an output's sum, so the result is the
     * same for any count. With {@link #wholeImageBand} one band per image (its panels split over the threads), and
     * more only when there are fewer panels than threads (ResNet-50's layer4.0.conv2, 8 panels, on 64 cores: 8 bands
     * of one row × 8 groups of one panel, each thread streaming an eighth of the weights).
     */
    private int bandsPerImage(int shares) {
        if (wholeImageBand) {
            // one band per image; more only when the panels of all images cannot give every thread a share
            return Math.min(oh, Math.max(1, (shares + batch * panels - 1) / (batch * panels)));
        }
        int fewest = (oh + bandRows - 1) / bandRows;
        return batch * fewest < shares ? fewest : evenBandsPerImage(oh, batch, bandRows, shares);
    }

    /**
     * Bands per image of {@code oh} rows, at most {@code bandRows} rows each: as few as that allows, then as many
     * more as make the batch's band count a multiple of {@code shares} (at most one band per row).
     */
    static int evenBandsPerImage(int oh, int batch, int bandRows, int shares) {
        int fewest = (oh + bandRows - 1) / bandRows, total = batch * fewest;
        if (shares <= 1 || total % shares == 0) return fewest;
        int wanted = (total + shares - 1) / shares * shares;
        return Math.min(oh, (wanted + batch - 1) / batch);
    }

    /** First row of band {@code b} when {@code rows} rows are cut into {@code bands} bands as evenly as they go. */
    static int bandStart(int b, int rows, int bands) {
        return (int) ((long) b * rows / bands);
    }

    /**
     * Output rows {@code [oy0, oy1)} of image {@code img} (NHWC X at {@code xOff}), every channel with bias and
     * activation, no residual, on the calling thread, row oy at {@code yOff + (oy - oy0)·outW·M}: a fused consumer
     * ({@link ConvMaxPool}) computes a band of rows into its own buffer. The same sums as {@link #run}.
     */
    public void rows(float[] x, int xOff, int img, int oy0, int oy1, float[] y, int yOff) {
        if (oy0 < oy1) band(x, xOff, y, yOff - (img * oh + oy0) * ow * cout, null, 0, img, oy0, oy1, 0, panels);
    }

    /** Output rows {@code [oy0, oy1)} of image {@code img}, panels {@code [p0, p1)}. */
    private void band(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int img, int oy0, int oy1, int p0, int p1) {
        float[] a;
        int aOff;
        if (source == Source.IN_PLACE) {
            a = x;
            aOff = xOff + (img * ih * iw + oy0 * ow) * cin;
        } else {
            a = ConvScratch.get(ConvScratch.BAND, (long) bandRowsIn(oy1 - oy0) * bandW * cin);
            aOff = 0;
            if (source == Source.GATHER) gather(x, xOff + img * ih * iw * cin, oy0, oy1, a);
            else copyRows(x, xOff + img * ih * iw * cin, oy0, oy1, a);
        }
        float[] tile = ConvScratch.get(ConvScratch.TILE, MR * NR);
        int pixels = (oy1 - oy0) * ow, yBase = yOff + (img * oh + oy0) * ow * cout, rBase = resOff + (img * oh + oy0) * ow * cout;
        boolean epilogue = res != null || !act.isIdentity();
        if (!panelOuter) {
            // weights in L2: each tile's rows of A stay in L1 while every panel passes over them
            for (int q0 = 0; q0 < pixels; q0 += MR) {
                int rows = Math.min(MR, pixels - q0);
                for (int p = p0; p < p1; p++) tile(a, aOff, q0, rows, p, 0, k, tile, y, yBase);
                if (!epilogue) continue;
                if (p0 == 0 && p1 == panels) {
                    ConvEpilogue.finish(y, yBase + q0 * cout, res, rBase + q0 * cout, rows * cout, act);
                } else {
                    int c0 = p0 * NR, len = Math.min(cout, p1 * NR) - c0;
                    for (int r = 0; r < rows; r++) ConvEpilogue.finish(y, yBase + (q0 + r) * cout + c0, res, rBase + (q0 + r) * cout + c0, len, act);
                }
            }
            return;
        }
        // weights beyond L2: one panel (or chunk of a panel's K) at a time stays in L2 while every tile of
        // the band uses it; a chunk after the first continues the sums the previous one left in Y. The first tile of a
        // chunk streams it from memory, the others read it from L2: after each of them one load per page of the chunk
        // after it (the next panel's first when this is the panel's last), a share each, ahead of its first tile
        int touched = 0, tiles = (pixels + MR - 1) / MR;
        for (int p = p0; p < p1; p++) {
            for (int k0 = 0; k0 < k; k0 += kChunk) {
                int k1 = Math.min(k, k0 + kChunk);
                int np = k1 < k ? p : p + 1, nk0 = k1 < k ? k1 : 0, nk1 = Math.min(k, nk0 + kChunk);
                int from = (np * k + nk0) * NR, len = (nk1 - nk0) * NR;
                boolean ahead = np < p1 && tiles > 1;
                for (int q0 = 0, i = 0; q0 < pixels; q0 += MR, i++) {
                    tile(a, aOff, q0, Math.min(MR, pixels - q0), p, k0, k1, tile, y, yBase);
                    if (ahead && i < tiles - 1) {
                        touched += ReadAhead.share(w, from, len, i, tiles - 1);
                    }
                }
            }
        }
        ReadAhead.keep(touched);
        if (!epilogue) return;
        if (p0 == 0 && p1 == panels) {
            ConvEpilogue.finish(y, yBase, res, rBase, pixels * cout, act);   // the band's outputs are contiguous
        } else {
            int c0 = p0 * NR, len = Math.min(cout, p1 * NR) - c0;
            for (int q = 0; q < pixels; q++) ConvEpilogue.finish(y, yBase + q * cout + c0, res, rBase + q * cout + c0, len, act);
        }
    }

    /**
     * Band pixels {@code [q0, q0+rows)} × panel {@code p} over K rows {@code [k0, k1)} into Y (band's
     * first pixel at {@code yBase}): a chunk after the first starts from the partial sums in Y, the
     * last adds the bias. Storing and reloading a float is exact, so the chain equals the unchunked one.
     */
    private void tile(float[] a, int aOff, int q0, int rows, int p, int k0, int k1, float[] tile, float[] y, int yBase) {
        int last = q0 + rows - 1, c0 = p * NR, wo = (p * k + k0) * NR, cols = Math.min(NR, cout - c0), yo = yBase + q0 * cout + c0;
        boolean resume = k0 > 0;
        if (resume) load(y, yo, rows, cols, tile);
        // rows past the band's end repeat its last pixel: computed, never stored
        int a0 = aOff + pixelOffset(q0), a1 = aOff + pixelOffset(Math.min(q0 + 1, last)), a2 = aOff + pixelOffset(Math.min(q0 + 2, last));
        int a3 = aOff + pixelOffset(Math.min(q0 + 3, last)), a4 = aOff + pixelOffset(Math.min(q0 + 4, last)), a5 = aOff + pixelOffset(Math.min(q0 + 5, last));
        // a last tile of 1 or 2 pixels (49 = 8·6 + 1 on 7x7 maps: ResNet-50's layer4.0.conv2 and downsample) runs 2 rows
        // instead of 6, the same chain per output: the 6-row kernel spent 5 of its 54 rows there on repeated pixels
        if (rows <= 2 && NRV == 4) kernel2x4(a, a0, a1, wo, k0, k1, resume, tile);
        else if (rows <= 2) kernel2x2(a, a0, a1, wo, k0, k1, resume, tile);
        else if (NRV == 4) kernel6x4(a, a0, a1, a2, a3, a4, a5, wo, k0, k1, resume, tile);
        else kernel6x2(a, a0, a1, a2, a3, a4, a5, wo, k0, k1, resume, tile);
        if (k1 == k) store(tile, c0, y, yo, rows, cols);
        else storePartial(tile, y, yo, rows, cols);
    }

    /** Input rows a band of {@code outRows} output rows holds. */
    private int bandRowsIn(int outRows) {
        return source == Source.PADDED_ROWS ? (outRows - 1) * sh + (kh - 1) * dh + 1 : outRows;
    }

    /** Offset in the band of band pixel {@code q}'s first tap. */
    private int pixelOffset(int q) {
        int r = q / ow, c = q % ow;
        return (r * stepY * bandW + c * stepX) * cin;
    }

    /** The input rows of output rows {@code [oy0, oy1)}, each with pl zero pixels before and zeros after up to bandW. */
    private void copyRows(float[] x, int xo, int oy0, int oy1, float[] a) {
        int rowFloats = bandW * cin, n = bandRowsIn(oy1 - oy0), iyStart = oy0 * sh - pt;
        int left = Math.min(pl, bandW) * cin, copy = Math.max(0, Math.min(iw, bandW - pl)) * cin;
        for (int r = 0; r < n; r++) {
            int iy = iyStart + r, o = r * rowFloats;
            if (iy < 0 || iy >= ih) {
                java.util.Arrays.fill(a, o, o + rowFloats, 0f);
                continue;
            }
            java.util.Arrays.fill(a, o, o + left, 0f);
            System.arraycopy(x, xo + iy * iw * cin, a, o + left, copy);
            java.util.Arrays.fill(a, o + left + copy, o + rowFloats, 0f);
        }
    }

    /** The sampled pixels of output rows {@code [oy0, oy1)} of a strided 1x1 layer, one after another. */
    private void gather(float[] x, int xo, int oy0, int oy1, float[] a) {
        int o = 0;
        for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < ow; ox++, o += cin) System.arraycopy(x, xo + (oy * sh * iw + ox * sw) * cin, a, o, cin);
        }
    }

    /**
     * 6 pixels × 4 vectors over K rows {@code [k0, k1)}, starting from zero or ({@code resume}) from the
     * sums in {@code t}; the tile's rows are 4L floats apart in {@code t}.
     */
    private void kernel6x4(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, int k0, int k1, boolean resume, float[] t) {
        final int nr = 4 * L;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        if (resume) {
            c00 = FloatVector.fromArray(S, t, 0); c01 = FloatVector.fromArray(S, t, L); c02 = FloatVector.fromArray(S, t, 2 * L); c03 = FloatVector.fromArray(S, t, 3 * L);
            c10 = FloatVector.fromArray(S, t, nr); c11 = FloatVector.fromArray(S, t, nr + L); c12 = FloatVector.fromArray(S, t, nr + 2 * L); c13 = FloatVector.fromArray(S, t, nr + 3 * L);
            c20 = FloatVector.fromArray(S, t, 2 * nr); c21 = FloatVector.fromArray(S, t, 2 * nr + L); c22 = FloatVector.fromArray(S, t, 2 * nr + 2 * L); c23 = FloatVector.fromArray(S, t, 2 * nr + 3 * L);
            c30 = FloatVector.fromArray(S, t, 3 * nr); c31 = FloatVector.fromArray(S, t, 3 * nr + L); c32 = FloatVector.fromArray(S, t, 3 * nr + 2 * L); c33 = FloatVector.fromArray(S, t, 3 * nr + 3 * L);
            c40 = FloatVector.fromArray(S, t, 4 * nr); c41 = FloatVector.fromArray(S, t, 4 * nr + L); c42 = FloatVector.fromArray(S, t, 4 * nr + 2 * L); c43 = FloatVector.fromArray(S, t, 4 * nr + 3 * L);
            c50 = FloatVector.fromArray(S, t, 5 * nr); c51 = FloatVector.fromArray(S, t, 5 * nr + L); c52 = FloatVector.fromArray(S, t, 5 * nr + 2 * L); c53 = FloatVector.fromArray(S, t, 5 * nr + 3 * L);
        } else {
            c00 = FloatVector.zero(S); c01 = c00; c02 = c00; c03 = c00; c10 = c00; c11 = c00; c12 = c00; c13 = c00;
            c20 = c00; c21 = c00; c22 = c00; c23 = c00; c30 = c00; c31 = c00; c32 = c00; c33 = c00;
            c40 = c00; c41 = c00; c42 = c00; c43 = c00; c50 = c00; c51 = c00; c52 = c00; c53 = c00;
        }
        float[] wt = w;
        int[] ks = kOffsets;
        for (int kk = k0; kk < k1; kk++, wo += nr) {
            int o = ks[kk];
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L),
                    w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + o]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + o]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, x[a2 + o]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, x[a3 + o]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, x[a4 + o]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, x[a5 + o]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L); c12.intoArray(t, nr + 2 * L); c13.intoArray(t, nr + 3 * L);
        c20.intoArray(t, 2 * nr); c21.intoArray(t, 2 * nr + L); c22.intoArray(t, 2 * nr + 2 * L); c23.intoArray(t, 2 * nr + 3 * L);
        c30.intoArray(t, 3 * nr); c31.intoArray(t, 3 * nr + L); c32.intoArray(t, 3 * nr + 2 * L); c33.intoArray(t, 3 * nr + 3 * L);
        c40.intoArray(t, 4 * nr); c41.intoArray(t, 4 * nr + L); c42.intoArray(t, 4 * nr + 2 * L); c43.intoArray(t, 4 * nr + 3 * L);
        c50.intoArray(t, 5 * nr); c51.intoArray(t, 5 * nr + L); c52.intoArray(t, 5 * nr + 2 * L); c53.intoArray(t, 5 * nr + 3 * L);
    }

    /** 6 pixels × 2 vectors (16-register machines), as {@link #kernel6x4}; rows 2L floats apart in {@code t}. */
    private void kernel6x2(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, int k0, int k1, boolean resume, float[] t) {
        final int nr = 2 * L;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (resume) {
            c00 = FloatVector.fromArray(S, t, 0); c01 = FloatVector.fromArray(S, t, L);
            c10 = FloatVector.fromArray(S, t, nr); c11 = FloatVector.fromArray(S, t, nr + L);
            c20 = FloatVector.fromArray(S, t, 2 * nr); c21 = FloatVector.fromArray(S, t, 2 * nr + L);
            c30 = FloatVector.fromArray(S, t, 3 * nr); c31 = FloatVector.fromArray(S, t, 3 * nr + L);
            c40 = FloatVector.fromArray(S, t, 4 * nr); c41 = FloatVector.fromArray(S, t, 4 * nr + L);
            c50 = FloatVector.fromArray(S, t, 5 * nr); c51 = FloatVector.fromArray(S, t, 5 * nr + L);
        } else {
            c00 = FloatVector.zero(S); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00;
            c30 = c00; c31 = c00; c40 = c00; c41 = c00; c50 = c00; c51 = c00;
        }
        float[] wt = w;
        int[] ks = kOffsets;
        for (int kk = k0; kk < k1; kk++, wo += nr) {
            int o = ks[kk];
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + o]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, x[a1 + o]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, x[a2 + o]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, x[a3 + o]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
            v = FloatVector.broadcast(S, x[a4 + o]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41);
            v = FloatVector.broadcast(S, x[a5 + o]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L);
        c20.intoArray(t, 2 * nr); c21.intoArray(t, 2 * nr + L);
        c30.intoArray(t, 3 * nr); c31.intoArray(t, 3 * nr + L);
        c40.intoArray(t, 4 * nr); c41.intoArray(t, 4 * nr + L);
        c50.intoArray(t, 5 * nr); c51.intoArray(t, 5 * nr + L);
    }

    /**
     * 2 pixels × 4 vectors, as {@link #kernel6x4} (a tile's last 1 or 2 pixels: 8 FMA chains keep both FMA units busy,
     * where the 6-row kernel would compute 4 or 5 repeated pixels).
     */
    private void kernel2x4(float[] x, int a0, int a1, int wo, int k0, int k1, boolean resume, float[] t) {
        final int nr = 4 * L;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13;
        if (resume) {
            c00 = FloatVector.fromArray(S, t, 0); c01 = FloatVector.fromArray(S, t, L); c02 = FloatVector.fromArray(S, t, 2 * L); c03 = FloatVector.fromArray(S, t, 3 * L);
            c10 = FloatVector.fromArray(S, t, nr); c11 = FloatVector.fromArray(S, t, nr + L); c12 = FloatVector.fromArray(S, t, nr + 2 * L); c13 = FloatVector.fromArray(S, t, nr + 3 * L);
        } else {
            c00 = FloatVector.zero(S); c01 = c00; c02 = c00; c03 = c00; c10 = c00; c11 = c00; c12 = c00; c13 = c00;
        }
        float[] wt = w;
        int[] ks = kOffsets;
        for (int kk = k0; kk < k1; kk++, wo += nr) {
            int o = ks[kk];
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L),
                    w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + o]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + o]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L); c12.intoArray(t, nr + 2 * L); c13.intoArray(t, nr + 3 * L);
    }

    /** 2 pixels × 2 vectors (16-register machines), as {@link #kernel2x4}. */
    private void kernel2x2(float[] x, int a0, int a1, int wo, int k0, int k1, boolean resume, float[] t) {
        final int nr = 2 * L;
        FloatVector c00, c01, c10, c11;
        if (resume) {
            c00 = FloatVector.fromArray(S, t, 0); c01 = FloatVector.fromArray(S, t, L);
            c10 = FloatVector.fromArray(S, t, nr); c11 = FloatVector.fromArray(S, t, nr + L);
        } else {
            c00 = FloatVector.zero(S); c01 = c00; c10 = c00; c11 = c00;
        }
        float[] wt = w;
        int[] ks = kOffsets;
        for (int kk = k0; kk < k1; kk++, wo += nr) {
            int o = ks[kk];
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + o]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, x[a1 + o]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L);
    }

    /** The partial sums of Y's {@code rows} × {@code cols} block at {@code yo} into the tile (rows NR apart in t). */
    private void load(float[] y, int yo, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                int o = yo + r * cout + j;
                (j + L <= cols ? FloatVector.fromArray(S, y, o) : FloatVector.fromArray(S, y, o, S.indexInRange(j, cols))).intoArray(t, r * NR + j);
            }
        }
    }

    /** The tile's first {@code rows} rows and {@code cols} columns into Y as partial sums (no bias). */
    private void storePartial(float[] t, float[] y, int yo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, r * NR + j);
                int o = yo + r * cout + j;
                if (j + L <= cols) v.intoArray(y, o);
                else v.intoArray(y, o, S.indexInRange(j, cols));
            }
        }
    }

    /** Bias added to the tile's first {@code rows} rows and {@code cols} columns (rows NR apart in t), into Y. */
    private void store(float[] t, int bo, float[] y, int yo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, r * NR + j).add(FloatVector.fromArray(S, bias, bo + j));
                int o = yo + r * cout + j;
                if (j + L <= cols) v.intoArray(y, o);
                else v.intoArray(y, o, S.indexInRange(j, cols));
            }
        }
    }
}
