package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 1x1 convolution over NHWC read in place: a GEMM whose A (output pixels × input channels) is the
 * feature map itself — rows are input pixels, found by stride, never copied or packed. Only the
 * weights are packed, once, into panels of {@link #MAX_NRV} vectors of output channels (1 or 2
 * when M is that small), and a last, narrower panel of 1, 2 or NR/L vectors for what is left:
 *
 * <pre>
 *   panel p, row ci:  W[p·NR][ci] W[p·NR+1][ci] ... W[p·NR+NR-1][ci]
 *   data: | panel 0: C rows × NR | panel 1: C rows × NR | ... | last: C rows × NR' |   (columns ≥ M are 0)
 * </pre>
 *
 * A register tile is {@link #MR} output pixels × one panel; per input channel it loads the panel's
 * row (1, 2 or 4 vectors) and broadcasts MR input values. With the panel at 4 vectors on 512-bit
 * hardware (6×4 = 24 accumulators + 4 + 1 of 32 registers) and 2 on 128/256-bit (6×2 + 2 + 1 of 16)
 * the loop holds only loads, broadcasts and FMAs. A full tile is stored by the kernel with the bias
 * added in registers (and a ReLU/Clip without residual clamped there, the same max-then-min as
 * {@link Activation#applyInPlace}); partial tiles go through a tile buffer. Residual and other
 * activations follow in one pass over the tile's rows ({@link ConvEpilogue}).
 *
 * <p>This is what PackedGemm cannot do for a convolution: PackedGemm packs A, which for the narrow
 * N of most 1x1 layers (64 to 256 output channels) costs as much as the product (measured: 140
 * GFLOP/s for 3136×64×256 against 193 for 3136×256×64). Every output is one FMA chain over the
 * input channels in order: results do not depend on tiling or threads.
 */
public final class PointwiseConv implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Most vectors per panel: 4 when 32 registers allow it (512-bit), else 2. */
    static final int MAX_NRV = L >= 16 ? 4 : 2;
    static final int MR = 6;
    private static final long MIN_MACS_PER_SHARE = 1 << 17;
    /**
     * Floats of input and output rows per block of tiles: a block runs panel by panel, so that each weight panel is
     * read once per block while the block's rows stay in L2. Tile-by-tile over all panels re-read every panel per
     * 6 pixels: for deep 1x1 layers on 7x7 maps (960→320: 1.2 MB of weights, beyond the 1 MB L2) that streamed the
     * weights from L3 nine times per call.
     */
    private static final int BLOCK_FLOATS = 1 << 16;

    private final int batch, cin, cout, ih, iw, oh, ow, sh, sw, panels;
    private final boolean unitStride;
    /** Vectors and floats per full panel: 1 or 2 vectors when that covers the output channels, else {@link #MAX_NRV}. */
    private final int nrv, nr;
    /** Panels of {@code nr} columns, then (when M is not a multiple of nr) a last panel of {@code lastNr} columns: 1, 2 or nrv vectors. */
    private final int fullPanels, lastNr;
    private final float[] w, bias;
    private final Activation act;
    private final int blockTiles;
    /** The clamp of a ReLU (0, ∞) or Clip activation, applied in the stores when there is no residual. */
    private final float lo, hi;

    /**
     * The weights in panels of {@code nr} output channels (the last one {@code lastNr} wide): weight (m, c) at
     * {@code p·cin·nr + c·width + j} for m = p·nr + j. A copy, so exact. Depends on the channel counts only.
     */
    private record Panels(int cin, int cout, int nr, int lastNr) implements ConvWeights.Packing<float[]> {
        @Override
        public float[] pack(float[] weights, int wOff) {
            int fullPanels = cout / nr;
            float[] w = new float[fullPanels * cin * nr + cin * lastNr];
            for (int m = 0; m < cout; m++) {
                int p = m / nr, j = m % nr, width = p < fullPanels ? nr : lastNr;
                for (int c = 0; c < cin; c++) w[p * cin * nr + c * width + j] = weights[wOff + m * cin + c];
            }
            return w;
        }

        @Override
        public long bytes(float[] w) {
            return 4L * w.length;
        }

        @Override
        public boolean exact() {
            return true;
        }

        @Override
        public void unpack(float[] w, float[] dst) {
            int fullPanels = cout / nr;
            for (int m = 0; m < cout; m++) {
                int p = m / nr, j = m % nr, width = p < fullPanels ? nr : lastNr;
                for (int c = 0; c < cin; c++) dst[m * cin + c] = w[p * cin * nr + c * width + j];
            }
        }
    }

    public PointwiseConv(ConvShape s, ConvWeights weights, float[] b, int bOff, Activation act) {
        if (!supports(s)) throw new IllegalArgumentException("PointwiseConv needs a 2-D 1x1 conv with no padding and one group: " + s);
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        this.ih = s.inSpatial()[0];
        this.iw = s.inSpatial()[1];
        this.oh = s.outSpatial()[0];
        this.ow = s.outSpatial()[1];
        this.sh = s.strides()[0];
        this.sw = s.strides()[1];
        this.unitStride = sh == 1 && sw == 1;
        this.nrv = cout <= L ? 1 : cout <= 2 * L ? 2 : MAX_NRV;
        this.nr = nrv * L;
        this.fullPanels = cout / nr;
        int rem = cout - fullPanels * nr, remV = (rem + L - 1) / L;
        this.lastNr = (remV <= 1 ? remV : remV <= 2 ? 2 : nrv) * L;
        this.panels = fullPanels + (rem > 0 ? 1 : 0);
        // a narrow last panel (200 = 3·64 + 8 at 512 bits) takes a narrow kernel instead of padding to nr
        this.w = weights.form(new Panels(cin, cout, nr, lastNr), new Panels(cin, cout, nr, lastNr));
        this.bias = new float[fullPanels * nr + lastNr];
        if (s.hasBias()) System.arraycopy(b, bOff, bias, 0, cout);
        this.act = act;
        this.blockTiles = Math.max(1, BLOCK_FLOATS / (MR * (cin + cout)));
        this.lo = act.kind() == Activation.Kind.CLIP ? act.p1() : 0f;
        this.hi = act.kind() == Activation.Kind.CLIP ? act.p2() : Float.POSITIVE_INFINITY;
    }

    public static boolean supports(ConvShape s) {
        if (s.spatialRank() != 2 || s.groups() != 1 || s.kernelSize() != 1) return false;
        for (int i = 0; i < 2; i++) if (s.padsBegin()[i] != 0 || s.padsEnd()[i] != 0 || s.dilations()[i] != 1) return false;
        return true;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.POINTWISE_DIRECT;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int pixels = batch * oh * ow;
        int tiles = (pixels + MR - 1) / MR;
        long macs = (long) pixels * cin * cout;
        boolean clamp = clampsInStores(res != null);
        int shares = parallel.sharesFor(macs, MIN_MACS_PER_SHARE);
        if (shares > 1 && (long) cin * cout > (long) pixels * (cin + cout)) {
            // a small map under large weights (1x1 layers on 7x7 and 14x14 maps: 320→1280 has 1.6 MB of weights for
            // 0.3 MB of pixels): threads split the (panel, tile) units panel by panel, so that each streams only its
            // panels of the weights (one panel shared where a cut falls inside it), in even shares of work: whole
            // panels capped 2 threads at 1.67× on 960→320 (2 + 3 of 5 panels) and at 1.25× on 960→160 (4 + 4 + 2
            // vectors), and cuts between vectors ran narrow 1- and 2-vector kernels
            int n = shares;
            parallel.forRange(n, 1, n, (s0, s1) -> {
                for (int s = s0; s < s1; s++) unitShare(x, xOff, y, yOff, res, resOff, pixels, tiles, s, n, clamp);
            });
            return;
        }
        parallel.forRange(tiles, 1, shares,
                (t0, t1) -> pixels(x, xOff, y, yOff, res, resOff, t0 * MR, Math.min(pixels, t1 * MR), 0, panels, clamp));
    }

    /**
     * The mean of Y over its pixels per image and output channel ({@code y[yOff + n·M + m]}), Y never written whole:
     * each share takes whole panels of output channels, computes their columns of one image's map into its own
     * scratch (bias, activation as {@link #run}), and sums them pixel by pixel in order from 0, then divides by the
     * pixel count, as {@link Pooling#globalNhwc} does over a written map: the same bits as {@link #run} then that pool,
     * for any thread count. X in NHWC, no residual. For the last 1x1 of a network before its global pool
     * (MobileNetV2's 320→1280 on 7²: a 250 KB map written and read back, and a pool node on one thread).
     */
    public void runGlobalMean(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        int perImage = oh * ow;
        long macs = (long) batch * perImage * cin * cout;
        boolean clamp = clampsInStores(false);
        parallel.forRange(panels, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (p0, p1) -> {
            float[] map = ConvScratch.get(ConvScratch.POOL_IN, (long) perImage * cout);
            for (int n = 0; n < batch; n++) {
                int q0 = n * perImage;
                // the share's panels in run()'s own order (blocks of pixels that stay in L1, each over the panels; one
                // share is then exactly run()'s loop): panel by panel over all pixels read X from L2 once per panel and
                // measured 0.005–0.012 ms slower at 1 thread on 320→1280 at 7². Pixel q lands at map[(q - q0)·M].
                pixels(x, xOff, map, -q0 * cout, null, 0, q0, q0 + perImage, p0, p1, clamp);
                meanOverPixels(map, perImage, p0 * nr, Math.min(cout, p1 * nr), y, yOff + n * cout);
            }
        });
    }

    /** {@code y[yo + c] = (Σ_p map[p·M + c]) / pixels} for c in [c0, c1), summed from 0 in pixel order. */
    private void meanOverPixels(float[] map, int pixels, int c0, int c1, float[] y, int yo) {
        int full = c0 + (c1 - c0) / L * L;
        java.util.Arrays.fill(y, yo + c0, yo + c1, 0f);
        for (int p = 0; p < pixels; p++) {
            int row = p * cout;
            int c = c0;
            for (; c < full; c += L) {
                FloatVector.fromArray(S, y, yo + c).add(FloatVector.fromArray(S, map, row + c)).intoArray(y, yo + c);
            }
            for (; c < c1; c++) y[yo + c] += map[row + c];
        }
        float n = pixels;
        int c = c0;
        for (; c < full; c += L) FloatVector.fromArray(S, y, yo + c).div(n).intoArray(y, yo + c);
        for (; c < c1; c++) y[yo + c] /= n;
    }

    /** Vectors panel {@code p} computes (the last one's zero padding included). */
    private int panelVectors(int p) {
        return p < fullPanels ? nrv : lastNr / L;
    }

    /** Work (tiles × vectors) of panels {@code [0, p)}. */
    private long workBefore(int p, int tiles) {
        return (long) tiles * (Math.min(p, fullPanels) * nrv + (p > fullPanels ? lastNr / L : 0));
    }

    /**
     * Share {@code s} of {@code n} of the (panel, tile) units taken panel by panel (each panel's weights read once, its
     * tiles' inputs from L2: this split is for maps smaller than the weights), cut into even shares of work
     * (tiles × vectors) on tile boundaries. Each unit's residual and activation follow it, on its columns.
     */
    private void unitShare(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int pixels, int tiles, int s, int n,
                           boolean clamp) {
        long total = workBefore(panels, tiles), a = total * s / n, b = total * (s + 1) / n;
        int pa = 0;
        while (pa < panels && workBefore(pa + 1, tiles) <= a) pa++;
        int pb = pa;
        while (pb < panels && workBefore(pb + 1, tiles) <= b) pb++;
        // the first unit at or after work a, and the first at or after b: (panel, tile)
        int ta = pa < panels ? (int) ((a - workBefore(pa, tiles)) / panelVectors(pa)) : 0;
        int tb = pb < panels ? (int) ((b - workBefore(pb, tiles)) / panelVectors(pb)) : 0;
        float[] tileBuffer = ConvScratch.get(ConvScratch.TILE, MR * nr);
        for (int p = pa; p <= pb && p < panels; p++) {
            int t0 = p == pa ? ta : 0, t1 = p == pb ? tb : tiles;
            for (int t = t0; t < t1; t++) {
                int q = t * MR, rows = Math.min(MR, pixels - q);
                tile(x, xOff, y, yOff, res, resOff, q, rows, p, tileBuffer, clamp);
                if (!clamp) epilogue(y, yOff, res, resOff, q, q + rows, p, p + 1);
            }
        }
    }

    /**
     * Output pixels {@code [q0, q1)} (over the whole batch; pixel q of Y at {@code yOff + q·cout}) on the calling
     * thread, in tiles of {@link #MR} from q0. Each output is the same FMA chain wherever its tile starts, so a caller
     * may compute any range in any order ({@link InvertedResidualConv} computes a few rows at a time).
     */
    void pixels(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int q1, boolean clamp) {
        pixels(x, xOff, y, yOff, res, resOff, q0, q1, 0, panels, clamp);
    }

    /**
     * Output pixels {@code [q0, q1)}, panels {@code [p0, p1)} of output channels, in blocks of tiles. The residual and
     * activation run on what the call wrote: the whole tile (its rows are contiguous in Y) when it covers every panel,
     * else each row's columns of those panels; either way each element gets the same operations, so the bits do not
     * depend on the split.
     */
    private void pixels(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int q1, int p0, int p1, boolean clamp) {
        float[] tileBuffer = ConvScratch.get(ConvScratch.TILE, MR * nr);
        for (int b0 = q0; b0 < q1; b0 += blockTiles * MR) {
            int b1 = Math.min(q1, b0 + blockTiles * MR);
            for (int p = p0; p < p1; p++) {
                for (int q = b0; q < b1; q += MR) {
                    int rows = Math.min(MR, b1 - q);
                    tile(x, xOff, y, yOff, res, resOff, q, rows, p, tileBuffer, clamp);
                    // after the last panel, the tile's residual and activation while its rows are in L1
                    if (p == p1 - 1 && !clamp) epilogue(y, yOff, res, resOff, q, q + rows, p0, p1);
                }
            }
        }
    }

    /** Residual and activation on pixels {@code [q0, q1)}, panels {@code [p0, p1)}. */
    private void epilogue(float[] y, int yOff, float[] res, int resOff, int q0, int q1, int p0, int p1) {
        if (p0 == 0 && p1 == panels) {
            ConvEpilogue.finish(y, yOff + q0 * cout, res, resOff + q0 * cout, (q1 - q0) * cout, act);
            return;
        }
        int c0 = p0 * nr, c1 = Math.min(cout, p1 * nr);
        for (int q = q0; q < q1; q++) ConvEpilogue.finish(y, yOff + q * cout + c0, res, resOff + q * cout + c0, c1 - c0, act);
    }

    /** True when a ReLU or Clip is clamped in the stores (no residual): what {@link #pixels} takes as {@code clamp}. */
    boolean clampsInStores(boolean residual) {
        return !residual && (act.kind() == Activation.Kind.RELU || act.kind() == Activation.Kind.CLIP);
    }

    int inChannels() {
        return cin;
    }

    int outChannels() {
        return cout;
    }

    /** Unit strides (pixel q of Y reads pixel q of X). */
    boolean unitStride() {
        return unitStride;
    }

    /**
     * Input offset of output pixel {@code q} (over the whole batch). Unit strides map pixel q to input
     * pixel q: no division, which on maps with few channels cost more than the tile's FMAs.
     */
    private int inputOffset(int xOff, int q) {
        if (unitStride) return xOff + q * cin;
        int n = q / (oh * ow), p = q % (oh * ow), oy = p / ow, ox = p % ow;
        return xOff + ((n * ih + oy * sh) * iw + ox * sw) * cin;
    }

    /** Panel {@code p} of one tile (bias, and a ReLU/Clip clamp when {@code clamp}; the rest of the epilogue is {@link #epilogue}'s). */
    private void tile(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int rows, int p, float[] t,
                      boolean clamp) {
        int last = q0 + rows - 1;
        // rows past the end repeat the last pixel: computed, never stored
        int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, Math.min(q0 + 1, last)), a2 = inputOffset(xOff, Math.min(q0 + 2, last));
        int a3 = inputOffset(xOff, Math.min(q0 + 3, last)), a4 = inputOffset(xOff, Math.min(q0 + 4, last)), a5 = inputOffset(xOff, Math.min(q0 + 5, last));
        int c0 = p * nr, cols = Math.min(nr, cout - c0), width = p < fullPanels ? nr : lastNr, wo = p * cin * nr;
        // a full tile of a full-width panel is stored by the kernel itself (bias, and a ReLU/Clip without residual
        // clamped, in registers); a partial tile or a masked panel goes through the tile buffer
        boolean direct = rows == MR && cols == width;
        int yo = yOff + q0 * cout + c0;
        switch (width / L) {
            case 1 -> kernel6x1(x, a0, a1, a2, a3, a4, a5, wo, t, y, yo, c0, direct, clamp, lo, hi);
            case 2 -> kernel6x2(x, a0, a1, a2, a3, a4, a5, wo, t, y, yo, c0, direct, clamp, lo, hi);
            default -> {
                // a last tile of 1 or 2 pixels (49 = 8·6 + 1 on 7x7 maps) runs 2 rows instead of 6 (8 FMA chains keep
                // both FMA units busy): a third of the 6-row kernel's time
                if (rows <= 2) kernel2x4(x, a0, a1, wo, t);
                else kernel6x4(x, a0, a1, a2, a3, a4, a5, wo, t, y, yo, c0, direct, clamp, lo, hi);
            }
        }
        if (!direct) store(t, width, c0, y, yo, rows, cols, clamp);
    }

    /**
     * 6 rows × 4 vectors from weight offset {@code wo}: straight into Y at {@code yo} (rows {@code cout} apart) as
     * {@code acc + bias[bo..]}, clamped when {@code clamp}, when {@code direct}; else into {@code t}, rows 4L floats apart.
     */
    private void kernel6x4(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, float[] t, float[] y, int yo, int bo,
            boolean direct, boolean clamp, float lo, float hi) {
        final int nr = 4 * L;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00, c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00, c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        float[] wt = w;
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector b0 = FloatVector.fromArray(S, wt, wo), b1 = FloatVector.fromArray(S, wt, wo + L), b2 = FloatVector.fromArray(S, wt, wo + 2 * L), b3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01); c02 = v.fma(b2, c02); c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11); c12 = v.fma(b2, c12); c13 = v.fma(b3, c13);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21); c22 = v.fma(b2, c22); c23 = v.fma(b3, c23);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31); c32 = v.fma(b2, c32); c33 = v.fma(b3, c33);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41); c42 = v.fma(b2, c42); c43 = v.fma(b3, c43);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51); c52 = v.fma(b2, c52); c53 = v.fma(b3, c53);
        }
        if (direct) {
            // a full tile of a full panel goes straight to Y: bias (and a ReLU/Clip clamp) added in registers
            FloatVector d0 = FloatVector.fromArray(S, bias, bo), d1 = FloatVector.fromArray(S, bias, bo + L), d2 = FloatVector.fromArray(S, bias, bo + 2 * L), d3 = FloatVector.fromArray(S, bias, bo + 3 * L);
            c00 = c00.add(d0); c01 = c01.add(d1); c02 = c02.add(d2); c03 = c03.add(d3);
            c10 = c10.add(d0); c11 = c11.add(d1); c12 = c12.add(d2); c13 = c13.add(d3);
            c20 = c20.add(d0); c21 = c21.add(d1); c22 = c22.add(d2); c23 = c23.add(d3);
            c30 = c30.add(d0); c31 = c31.add(d1); c32 = c32.add(d2); c33 = c33.add(d3);
            c40 = c40.add(d0); c41 = c41.add(d1); c42 = c42.add(d2); c43 = c43.add(d3);
            c50 = c50.add(d0); c51 = c51.add(d1); c52 = c52.add(d2); c53 = c53.add(d3);
            if (clamp) {
                c00 = c00.max(lo).min(hi); c01 = c01.max(lo).min(hi); c02 = c02.max(lo).min(hi); c03 = c03.max(lo).min(hi);
                c10 = c10.max(lo).min(hi); c11 = c11.max(lo).min(hi); c12 = c12.max(lo).min(hi); c13 = c13.max(lo).min(hi);
                c20 = c20.max(lo).min(hi); c21 = c21.max(lo).min(hi); c22 = c22.max(lo).min(hi); c23 = c23.max(lo).min(hi);
                c30 = c30.max(lo).min(hi); c31 = c31.max(lo).min(hi); c32 = c32.max(lo).min(hi); c33 = c33.max(lo).min(hi);
                c40 = c40.max(lo).min(hi); c41 = c41.max(lo).min(hi); c42 = c42.max(lo).min(hi); c43 = c43.max(lo).min(hi);
                c50 = c50.max(lo).min(hi); c51 = c51.max(lo).min(hi); c52 = c52.max(lo).min(hi); c53 = c53.max(lo).min(hi);
            }
            c00.intoArray(y, yo); c01.intoArray(y, yo + L); c02.intoArray(y, yo + 2 * L); c03.intoArray(y, yo + 3 * L);
            c10.intoArray(y, yo + cout); c11.intoArray(y, yo + cout + L); c12.intoArray(y, yo + cout + 2 * L); c13.intoArray(y, yo + cout + 3 * L);
            c20.intoArray(y, yo + 2 * cout); c21.intoArray(y, yo + 2 * cout + L); c22.intoArray(y, yo + 2 * cout + 2 * L); c23.intoArray(y, yo + 2 * cout + 3 * L);
            c30.intoArray(y, yo + 3 * cout); c31.intoArray(y, yo + 3 * cout + L); c32.intoArray(y, yo + 3 * cout + 2 * L); c33.intoArray(y, yo + 3 * cout + 3 * L);
            c40.intoArray(y, yo + 4 * cout); c41.intoArray(y, yo + 4 * cout + L); c42.intoArray(y, yo + 4 * cout + 2 * L); c43.intoArray(y, yo + 4 * cout + 3 * L);
            c50.intoArray(y, yo + 5 * cout); c51.intoArray(y, yo + 5 * cout + L); c52.intoArray(y, yo + 5 * cout + 2 * L); c53.intoArray(y, yo + 5 * cout + 3 * L);
            return;
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L); c12.intoArray(t, nr + 2 * L); c13.intoArray(t, nr + 3 * L);
        c20.intoArray(t, 2 * nr); c21.intoArray(t, 2 * nr + L); c22.intoArray(t, 2 * nr + 2 * L); c23.intoArray(t, 2 * nr + 3 * L);
        c30.intoArray(t, 3 * nr); c31.intoArray(t, 3 * nr + L); c32.intoArray(t, 3 * nr + 2 * L); c33.intoArray(t, 3 * nr + 3 * L);
        c40.intoArray(t, 4 * nr); c41.intoArray(t, 4 * nr + L); c42.intoArray(t, 4 * nr + 2 * L); c43.intoArray(t, 4 * nr + 3 * L);
        c50.intoArray(t, 5 * nr); c51.intoArray(t, 5 * nr + L); c52.intoArray(t, 5 * nr + 2 * L); c53.intoArray(t, 5 * nr + 3 * L);
    }

    /** 2 rows × 4 vectors into {@code t} (rows 4L floats apart), as {@link #kernel6x4}'s tile-buffer path. */
    private void kernel2x4(float[] x, int a0, int a1, int wo, float[] t) {
        final int nr = 4 * L;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        float[] wt = w;
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector b0 = FloatVector.fromArray(S, wt, wo), b1 = FloatVector.fromArray(S, wt, wo + L), b2 = FloatVector.fromArray(S, wt, wo + 2 * L), b3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01); c02 = v.fma(b2, c02); c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11); c12 = v.fma(b2, c12); c13 = v.fma(b3, c13);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L); c12.intoArray(t, nr + 2 * L); c13.intoArray(t, nr + 3 * L);
    }

    /** 6 rows × 2 vectors, as {@link #kernel6x4}; rows 2L floats apart in {@code t}. */
    private void kernel6x2(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, float[] t, float[] y, int yo, int bo,
            boolean direct, boolean clamp, float lo, float hi) {
        final int nr = 2 * L;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        float[] wt = w;
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector b0 = FloatVector.fromArray(S, wt, wo), b1 = FloatVector.fromArray(S, wt, wo + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
        }
        if (direct) {
            // a full tile of a full panel goes straight to Y: bias (and a ReLU/Clip clamp) added in registers
            FloatVector d0 = FloatVector.fromArray(S, bias, bo), d1 = FloatVector.fromArray(S, bias, bo + L);
            c00 = c00.add(d0); c01 = c01.add(d1);
            c10 = c10.add(d0); c11 = c11.add(d1);
            c20 = c20.add(d0); c21 = c21.add(d1);
            c30 = c30.add(d0); c31 = c31.add(d1);
            c40 = c40.add(d0); c41 = c41.add(d1);
            c50 = c50.add(d0); c51 = c51.add(d1);
            if (clamp) {
                c00 = c00.max(lo).min(hi); c01 = c01.max(lo).min(hi);
                c10 = c10.max(lo).min(hi); c11 = c11.max(lo).min(hi);
                c20 = c20.max(lo).min(hi); c21 = c21.max(lo).min(hi);
                c30 = c30.max(lo).min(hi); c31 = c31.max(lo).min(hi);
                c40 = c40.max(lo).min(hi); c41 = c41.max(lo).min(hi);
                c50 = c50.max(lo).min(hi); c51 = c51.max(lo).min(hi);
            }
            c00.intoArray(y, yo); c01.intoArray(y, yo + L);
            c10.intoArray(y, yo + cout); c11.intoArray(y, yo + cout + L);
            c20.intoArray(y, yo + 2 * cout); c21.intoArray(y, yo + 2 * cout + L);
            c30.intoArray(y, yo + 3 * cout); c31.intoArray(y, yo + 3 * cout + L);
            c40.intoArray(y, yo + 4 * cout); c41.intoArray(y, yo + 4 * cout + L);
            c50.intoArray(y, yo + 5 * cout); c51.intoArray(y, yo + 5 * cout + L);
            return;
        }
        c00.intoArray(t, 0); c01.intoArray(t, L);
        c10.intoArray(t, nr); c11.intoArray(t, nr + L);
        c20.intoArray(t, 2 * nr); c21.intoArray(t, 2 * nr + L);
        c30.intoArray(t, 3 * nr); c31.intoArray(t, 3 * nr + L);
        c40.intoArray(t, 4 * nr); c41.intoArray(t, 4 * nr + L);
        c50.intoArray(t, 5 * nr); c51.intoArray(t, 5 * nr + L);
    }

    /** 6 rows × 1 vector (layers with at most L output channels, or the last L of a panel set), as {@link #kernel6x4}. */
    private void kernel6x1(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int wo, float[] t, float[] y, int yo, int bo,
            boolean direct, boolean clamp, float lo, float hi) {
        final int nr = L;
        FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00;
        float[] wt = w;
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector b0 = FloatVector.fromArray(S, wt, wo);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(b0, c00);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(b0, c10);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(b0, c20);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(b0, c30);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(b0, c40);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(b0, c50);
        }
        if (direct) {
            // a full tile of a full panel goes straight to Y: bias (and a ReLU/Clip clamp) added in registers
            FloatVector d0 = FloatVector.fromArray(S, bias, bo);
            c00 = c00.add(d0);
            c10 = c10.add(d0);
            c20 = c20.add(d0);
            c30 = c30.add(d0);
            c40 = c40.add(d0);
            c50 = c50.add(d0);
            if (clamp) {
                c00 = c00.max(lo).min(hi);
                c10 = c10.max(lo).min(hi);
                c20 = c20.max(lo).min(hi);
                c30 = c30.max(lo).min(hi);
                c40 = c40.max(lo).min(hi);
                c50 = c50.max(lo).min(hi);
            }
            c00.intoArray(y, yo);
            c10.intoArray(y, yo + cout);
            c20.intoArray(y, yo + 2 * cout);
            c30.intoArray(y, yo + 3 * cout);
            c40.intoArray(y, yo + 4 * cout);
            c50.intoArray(y, yo + 5 * cout);
            return;
        }
        c00.intoArray(t, 0);
        c10.intoArray(t, nr);
        c20.intoArray(t, 2 * nr);
        c30.intoArray(t, 3 * nr);
        c40.intoArray(t, 4 * nr);
        c50.intoArray(t, 5 * nr);
    }

    /**
     * Bias added to the tile's first {@code rows} rows and {@code cols} columns (rows {@code width} apart in t), clamped
     * when {@code clamp}, into Y.
     */
    private void store(float[] t, int width, int bo, float[] y, int yo, int rows, int cols, boolean clamp) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, r * width + j).add(FloatVector.fromArray(S, bias, bo + j));
                if (clamp) v = v.max(lo).min(hi);
                int o = yo + r * cout + j;
                if (j + L <= cols) v.intoArray(y, o);
                else v.intoArray(y, o, S.indexInRange(j, cols));
            }
        }
    }
}
