package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A stem with a large window and many output channels (ResNet's 7x7/2, 3 → 64), directly from the
 * image: tiles of {@link #MR} output pixels × one panel of {@link #NRV} output-channel vectors, each
 * input value broadcast against the panel's weights for its tap. X is read in NCHW (the model's input,
 * no reorder of a 3-channel image) or NHWC; Y is NHWC.
 *
 * <p>Each band of output rows first copies the input rows it reads, with their zero padding, one row
 * per input channel:
 * <pre>
 *   band: | input row iy0,   channel 0: pl zeros | X[0][iy0][0 .. iw) | zeros up to bandW |
 *         | input row iy0,   channel 1: ...                                                 |
 *         | input row iy0+1, channel 0: ...                                                 |
 *   weights, panel p: row k = (ky·C + ci)·kW + kx holds W[p·NR .. p·NR+NR)[ci][ky][kx] (zeros past M)
 * </pre>
 * so a tap moves every pixel of a tile by the same constant ({@code (ky·C + ci)·bandW + kx}) and
 * the tile walks K with no border test. Against {@link BandGemmConv} on the same shape this saves the
 * reorder of the image to NHWC (a 3-channel transpose with no whole vector of channels). Every output is one
 * FMA chain over K in order, the same whatever the band or thread split: results are bit-identical for any
 * thread count.
 *
 * <p>The tile kernels hold nothing but the FMA loop and store their bare sums to a scratch tile; {@link #store}
 * adds the bias and the ReLU from there. (For {@link ConvMaxPool} they store whole panels straight into its buffer and
 * the pool's output is finished instead: {@link #bareRows}.) With the 24 {@code add} and 24 {@code max} of a whole tile inside the
 * kernel (until session 12), C2's code for it depended on what ran before: compiled while a model ran, ResNet-50's
 * stem took ~1.6 CPU ms, compiled on the layer alone ~1.3, in the same JVM for every operator built afterwards (code,
 * not data). The slow compile's log showed class-check trap history in the Vector API's shared
 * {@code VectorOperators.opKind} (reached by every binary {@code lanewise}) and, past 100 such sites, preallocated
 * exception paths; the fast one neither. In the model, two JVMs, two builds of each: 1.56–1.70 ms with the epilogue
 * in the kernel, 1.37–1.41 with it here (JarAlternation resnet50 1 100).
 */
public final class StemConvPanels implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Vectors per panel: 4 when 32 registers allow it (6×4 accumulators + 4 + 1), else 2 (6×2 + 2 + 1 of 16). */
    static final int NRV = L >= 16 ? 4 : 2;
    static final int NR = NRV * L;
    static final int MR = 6;
    /** Most input channels: beyond, the band kernel's GEMM over NHWC is as good. */
    public static final int MAX_IN_CHANNELS = 4;
    /** Target size of a band of input rows. */
    static final long BAND_BYTES = 64 * 1024;
    private static final long MIN_MACS_PER_SHARE = 1 << 18;

    private final int batch, cin, cout, ih, iw, oh, ow, kh, kw, sh, sw, pt, pl;
    private final int k, panels, bandW, bandRows;
    private final int[] kOffsets;
    private final float[] w, bias;
    private final Activation act;

    public StemConvPanels(ConvShape s, float[] weights, int wOff, float[] b, int bOff, Activation act) {
        if (!supports(s)) {
            throw new IllegalArgumentException("StemConvPanels needs a 2-D conv with one group, at most " + MAX_IN_CHANNELS
                    + " input channels and unit dilations: " + s);
        }
        int[] in = s.inSpatial(), out = s.outSpatial(), ker = s.kernel(), st = s.strides(), pb = s.padsBegin();
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
        this.pt = pb[0];
        this.pl = pb[1];
        this.k = kh * kw * cin;
        this.panels = (cout + NR - 1) / NR;
        // wide enough for the last output column's last tap (right padding included)
        this.bandW = Math.max(pl + iw, (ow - 1) * sw + kw);
        long rowBytes = 4L * bandW * cin * sh;
        this.bandRows = (int) Math.max(1, Math.min(oh, BAND_BYTES / Math.max(1, rowBytes)));
        this.kOffsets = new int[k];
        this.w = new float[panels * k * NR];
        int taps = kh * kw;
        for (int ky = 0; ky < kh; ky++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int kx = 0; kx < kw; kx++) {
                    int kk = (ky * cin + ci) * kw + kx;
                    kOffsets[kk] = (ky * cin + ci) * bandW + kx;
                    for (int co = 0; co < cout; co++) {
                        w[((co / NR) * k + kk) * NR + co % NR] = weights[wOff + (co * cin + ci) * taps + ky * kw + kx];
                    }
                }
            }
        }
        this.bias = new float[panels * NR];
        if (s.hasBias()) System.arraycopy(b, bOff, bias, 0, cout);
        this.act = act;
    }

    /** 2-D, one group, at most {@link #MAX_IN_CHANNELS} input channels, unit dilations. */
    public static boolean supports(ConvShape s) {
        if (s.spatialRank() != 2 || s.groups() != 1 || s.inChannels() > MAX_IN_CHANNELS) return false;
        int[] d = s.dilations();
        return d[0] == 1 && d[1] == 1;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.STEM_PANELS;
    }

    /** X, Y and the residual in NHWC. */
    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        runBands(x, xOff, false, y, yOff, res, resOff, parallel);
    }

    /** X in NCHW, Y and the residual in NHWC: no reorder of the input. */
    public void runNchwInput(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        runBands(x, xOff, true, y, yOff, res, resOff, parallel);
    }

    private void runBands(float[] x, int xOff, boolean nchw, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        long macs = (long) batch * oh * ow * k * cout;
        int shares = parallel.sharesFor(macs, MIN_MACS_PER_SHARE);
        // as many bands as make their count a multiple of the shares, so every thread gets the same rows
        int perImage = BandGemmConv.evenBandsPerImage(oh, batch, bandRows, shares);
        parallel.forRange(batch * perImage, 1, shares, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int img = t / perImage, b = t % perImage;
                int oy0 = BandGemmConv.bandStart(b, oh, perImage), oy1 = BandGemmConv.bandStart(b + 1, oh, perImage);
                if (oy0 >= oy1) continue;
                int yo = yOff + (img * oh + oy0) * ow * cout;
                boolean reluInStore = res == null && act.kind() == Activation.Kind.RELU;
                band(x, xOff, nchw, img, oy0, oy1, y, yo, reluInStore ? 0f : Float.NEGATIVE_INFINITY, false);
                int ro = resOff + (img * oh + oy0) * ow * cout;
                if (res != null || !(act.isIdentity() || reluInStore)) ConvEpilogue.finish(y, yo, res, ro, (oy1 - oy0) * ow * cout, act);
            }
        });
    }

    /**
     * Output rows {@code [oy0, oy1)} of image {@code img} (X NCHW when {@code nchw}, else NHWC), with bias and
     * activation, on the calling thread, row oy at {@code yOff + (oy - oy0)·outW·M}: a fused consumer
     * ({@link ConvMaxPool}) computes a band of rows into its own buffer. The same sums as {@link #run}.
     */
    public void rows(float[] x, int xOff, boolean nchw, int img, int oy0, int oy1, float[] y, int yOff) {
        if (oy0 >= oy1) return;
        boolean reluInStore = act.kind() == Activation.Kind.RELU;
        band(x, xOff, nchw, img, oy0, oy1, y, yOff, reluInStore ? 0f : Float.NEGATIVE_INFINITY, false);
        if (!(act.isIdentity() || reluInStore)) ConvEpilogue.finish(y, yOff, null, 0, (oy1 - oy0) * ow * cout, act);
    }

    /**
     * True when a MaxPool may run on the bare sums and {@link #finishPooled} add the bias and activation to its output
     * instead: the activation is none or ReLU and every bias is finite. Then {@code s ↦ max(s + bias, lo)} is
     * non-decreasing in the order {@code Math.max} uses (-0 below +0, NaN kept), so the maximum of the finished
     * values of a window is the finished maximum of its sums, bit for bit. An infinite bias breaks it (-∞ + ∞ is NaN
     * in one window element, while the maximum over the window may be finite).
     */
    public boolean poolsBareSums() {
        if (!(act.isIdentity() || act.kind() == Activation.Kind.RELU)) return false;
        for (int i = 0; i < cout; i++) {
            if (!Float.isFinite(bias[i])) return false;
        }
        return true;
    }

    /**
     * As {@link #rows} without bias and activation: the bare sums, which the panels write straight from the tile's
     * registers into Y (no scratch tile) when a panel is whole. ResNet-50's stem pools them and finishes the 4× fewer
     * pooled values ({@link #finishPooled}): {@code ConvMaxPoolProbe 1 400}, 1.32–1.39 → 1.26–1.30 ms a call
     * (bench/RESULTS.md, "ResNet-50's stem, session 14").
     */
    public void bareRows(float[] x, int xOff, boolean nchw, int img, int oy0, int oy1, float[] y, int yOff) {
        if (oy0 < oy1) band(x, xOff, nchw, img, oy0, oy1, y, yOff, Float.NEGATIVE_INFINITY, true);
    }

    /** {@code max(y + bias, lo)} for {@code pixels} pixels of M channels from {@code yo}: the bias and activation of {@link #bareRows}' sums. */
    public void finishPooled(float[] y, int yo, int pixels) {
        store(y, yo, cout, 0, act.kind() == Activation.Kind.RELU ? 0f : Float.NEGATIVE_INFINITY, y, yo, pixels, cout);
    }

    /**
     * Output rows {@code [oy0, oy1)} of image {@code img} at {@code yo}: {@code max(sum + bias, lo)}, lo 0 when a ReLU
     * with no residual is done as the tile is stored (the bits of {@link Activation#applyInPlace}'s ReLU), else -∞; the
     * bare sums when {@code bare}.
     */
    private void band(float[] x, int xOff, boolean nchw, int img, int oy0, int oy1, float[] y, int yo, float lo, boolean bare) {
        int n = (oy1 - oy0 - 1) * sh + kh;
        float[] a = ConvScratch.get(ConvScratch.BAND, (long) n * cin * bandW);
        copyRows(x, xOff + img * cin * ih * iw, nchw, oy0 * sh - pt, n, a);
        float[] tile = ConvScratch.get(ConvScratch.TILE, MR * NR);
        int pixels = (oy1 - oy0) * ow, last = pixels - 1;
        for (int q0 = 0; q0 < pixels; q0 += MR) {
            int rows = Math.min(MR, pixels - q0);
            // pixels past the band's end repeat its last pixel: the same sums, stored to the tile only or to that pixel again
            int q1 = Math.min(q0 + 1, last), q2 = Math.min(q0 + 2, last), q3 = Math.min(q0 + 3, last), q4 = Math.min(q0 + 4, last);
            int q5 = Math.min(q0 + 5, last);
            int a0 = pixelOffset(q0), a1 = pixelOffset(q1), a2 = pixelOffset(q2), a3 = pixelOffset(q3), a4 = pixelOffset(q4), a5 = pixelOffset(q5);
            for (int p = 0; p < panels; p++) {
                int c0 = p * NR, cols = Math.min(NR, cout - c0), o = yo + q0 * cout + c0;
                if (bare && cols == NR) {
                    int b = yo + c0;
                    if (NRV == 4) kernel6x4(a, a0, a1, a2, a3, a4, a5, p * k * NR, y, o, b + q1 * cout, b + q2 * cout, b + q3 * cout, b + q4 * cout, b + q5 * cout);
                    else kernel6x2(a, a0, a1, a2, a3, a4, a5, p * k * NR, y, o, b + q1 * cout, b + q2 * cout, b + q3 * cout, b + q4 * cout, b + q5 * cout);
                    continue;
                }
                if (NRV == 4) kernel6x4(a, a0, a1, a2, a3, a4, a5, p * k * NR, tile, 0, NR, 2 * NR, 3 * NR, 4 * NR, 5 * NR);
                else kernel6x2(a, a0, a1, a2, a3, a4, a5, p * k * NR, tile, 0, NR, 2 * NR, 3 * NR, 4 * NR, 5 * NR);
                if (bare) copyTile(tile, y, o, rows, cols);
                else store(tile, 0, NR, c0, lo, y, o, rows, cols);
            }
        }
    }

    /** Offset in the band of band pixel {@code q}'s first tap. */
    private int pixelOffset(int q) {
        int r = q / ow, c = q % ow;
        return r * sh * cin * bandW + c * sw;
    }

    /** Input rows {@code iy0 .. iy0+n) of one image, each channel's row padded: pl zeros before, zeros after up to bandW. */
    private void copyRows(float[] x, int xImage, boolean nchw, int iy0, int n, float[] a) {
        int left = Math.min(pl, bandW), copy = Math.max(0, Math.min(iw, bandW - pl));
        for (int r = 0; r < n; r++) {
            int iy = iy0 + r;
            for (int ci = 0; ci < cin; ci++) {
                int o = (r * cin + ci) * bandW;
                if (iy < 0 || iy >= ih) {
                    java.util.Arrays.fill(a, o, o + bandW, 0f);
                    continue;
                }
                java.util.Arrays.fill(a, o, o + left, 0f);
                if (nchw) {
                    System.arraycopy(x, xImage + (ci * ih + iy) * iw, a, o + left, copy);
                } else {
                    for (int ix = 0, s = xImage + iy * iw * cin + ci; ix < copy; ix++, s += cin) a[o + left + ix] = x[s];
                }
                java.util.Arrays.fill(a, o + left + copy, o + bandW, 0f);
            }
        }
    }

    /**
     * 6 pixels × 4 vectors over all of K: the bare sums of pixel i into {@code t} at {@code oi} (the scratch tile for
     * {@link #store}, or Y itself). Nothing but the FMA loop and the stores: see the class comment.
     */
    private void kernel6x4(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, float[] t,
            int o0, int o1, int o2, int o3, int o4, int o5) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        final int nr = 4 * L;
        float[] wt = w;
        int[] ks = kOffsets;
        for (int kk = 0; kk < ks.length; kk++, wo += nr) {
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
        c00.intoArray(t, o0); c01.intoArray(t, o0 + L); c02.intoArray(t, o0 + 2 * L); c03.intoArray(t, o0 + 3 * L);
        c10.intoArray(t, o1); c11.intoArray(t, o1 + L); c12.intoArray(t, o1 + 2 * L); c13.intoArray(t, o1 + 3 * L);
        c20.intoArray(t, o2); c21.intoArray(t, o2 + L); c22.intoArray(t, o2 + 2 * L); c23.intoArray(t, o2 + 3 * L);
        c30.intoArray(t, o3); c31.intoArray(t, o3 + L); c32.intoArray(t, o3 + 2 * L); c33.intoArray(t, o3 + 3 * L);
        c40.intoArray(t, o4); c41.intoArray(t, o4 + L); c42.intoArray(t, o4 + 2 * L); c43.intoArray(t, o4 + 3 * L);
        c50.intoArray(t, o5); c51.intoArray(t, o5 + L); c52.intoArray(t, o5 + 2 * L); c53.intoArray(t, o5 + 3 * L);
    }

    /** 6 pixels × 2 vectors (16-register machines), as {@link #kernel6x4}. */
    private void kernel6x2(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, float[] t,
            int o0, int o1, int o2, int o3, int o4, int o5) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        final int nr = 2 * L;
        float[] wt = w;
        int[] ks = kOffsets;
        for (int kk = 0; kk < ks.length; kk++, wo += nr) {
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
        c00.intoArray(t, o0); c01.intoArray(t, o0 + L);
        c10.intoArray(t, o1); c11.intoArray(t, o1 + L);
        c20.intoArray(t, o2); c21.intoArray(t, o2 + L);
        c30.intoArray(t, o3); c31.intoArray(t, o3 + L);
        c40.intoArray(t, o4); c41.intoArray(t, o4 + L);
        c50.intoArray(t, o5); c51.intoArray(t, o5 + L);
    }

    /** The tile's first {@code rows} rows and {@code cols} columns (rows NR apart in t) into Y as they are: a part panel's bare sums. */
    private void copyTile(float[] t, float[] y, int yo, int rows, int cols) {
        for (int r = 0; r < rows; r++) System.arraycopy(t, r * NR, y, yo + r * cout, cols);
    }

    /**
     * {@code max(sum + bias, lo)} of {@code rows} rows and {@code cols} columns of sums (row r at {@code so + r·ss}: the
     * scratch tile, rows NR apart, or {@link #finishPooled}'s pooled Y in place, rows M apart) with the bias from
     * {@code bo}, into Y rows M apart from {@code yo}.
     */
    private void store(float[] src, int so, int ss, int bo, float lo, float[] y, int yo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                int s = so + r * ss + j, o = yo + r * cout + j;
                if (j + L <= cols) {
                    FloatVector.fromArray(S, src, s).add(FloatVector.fromArray(S, bias, bo + j)).max(lo).intoArray(y, o);
                } else {
                    var m = S.indexInRange(j, cols);
                    FloatVector.fromArray(S, src, s, m).add(FloatVector.fromArray(S, bias, bo + j)).max(lo).intoArray(y, o, m);
                }
            }
        }
    }
}
