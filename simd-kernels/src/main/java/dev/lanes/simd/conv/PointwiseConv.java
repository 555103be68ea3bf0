package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.ReadAhead;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
 * held in chunks of whole panels below {@link #CHUNK_BYTES} (not as one array, which G1 stores in whole regions
 * when it is large): a kernel reads panel p from its chunk at its offset.
 *
 * A register tile is {@link #MR} output pixels × one panel; per input channel it loads the panel's
 * row (1, 2 or 4 vectors) and broadcasts MR input values. With the panel at 4 vectors on 512-bit
 * hardware (6×4 = 24 accumulators + 4 + 1 of 32 registers) and 2 on 128/256-bit (6×2 + 2 + 1 of 16)
 * the loop holds only loads, broadcasts and FMAs. The accumulators start from the bias (no adds after the
 * loop: with K = 16 or 24, as in MobileNetV2's expands, the tile's epilogue weighs against its 16–24 FMAs
 * per accumulator). A full tile is stored by the kernel itself, partial tiles go through a tile buffer; a
 * ReLU/Clip without residual is clamped right after, on the tile's rows in L1 ({@link VectorClamp}: the
 * bits of {@link Activation#applyInPlace}'s max-then-min), or in registers before the stores where measured faster
 * (the 4-row tiles of 5- and 6-vector panels, {@link #kernel4x6Clamp}; a ReLU on 4-vector panels, {@link #kernel6x4Relu}). Residual and other activations follow in one
 * pass over the tile's rows ({@link ConvEpilogue}).
 *
 * <p>With 1.5 vectors of output channels (24 at 512 bits) a tile takes pixels in pairs instead ({@link #kernelPairs12}):
 * a pair's outputs are 3 whole vectors of Y, so no lane is padding. Measured at 1 thread on 12² maps (in L1), per
 * 112² map: 96→24 355 → 282 µs, 144→24 with a residual 520 → 431.
 *
 * <p>This is what PackedGemm cannot do for a convolution: PackedGemm packs A, which for the narrow
 * N of most 1x1 layers (64 to 256 output channels) costs as much as the product (measured: 140
 * GFLOP/s for 3136×64×256 against 193 for 3136×256×64). Every output is one FMA chain from its bias
 * over the input channels in order: results do not depend on tiling or threads.
 */
public final class PointwiseConv implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Most vectors per panel: 4 when 32 registers allow it (512-bit), else 2. */
    static final int MAX_NRV = L >= 16 ? 4 : 2;
    static final int MR = 6;
    /**
     * Panels of 2 vectors run 12 rows at a time where 32 registers hold the 24 accumulators (512-bit); on 128/256-bit
     * hardware every panel is 2 vectors and 16 registers hold 6 rows. Measured at 1 thread, 1x1s on 12² maps (in L1):
     * 96→24 410 → 357 µs per 112² map, 144→24 with a residual 606 → 530, 144→32 551 → 472.
     */
    private static final boolean TWELVE_ROWS = L >= 16;
    /**
     * Fewest input channels for 12-row tiles when {@link #run} writes a layer's whole map (not rows of a fused block, nor
     * the global mean's scratch map): with K = 16 the tile's 24 stores, mostly to lines not in cache, outweigh its 16 FMA
     * steps, and ppocr_v4_det's 16→32 HardSwish at 320² ran 0.60–0.71 ms in the model (by JVM run) against 0.57–0.59 with
     * 6-row tiles. In MobileNetV2's fused blocks the 16→96 expand's last 2-vector panel, into the block's row buffer, stays
     * faster at 12 rows (features.2 0.40–0.42 ms against 0.43).
     */
    private static final int MIN_TALL_K_FOR_A_MAP = 32;
    /**
     * A last panel of 6 (or 5) vectors in tiles of 4 rows ({@link #kernel4x6}: 24 accumulators, 6 weight vectors and a
     * broadcast in 32 registers) instead of a 4-vector panel and a 2- (or 1-) vector one: 512-bit only. Measured at 1
     * thread on 12² maps, ReLU6, per 112² map: 16→96 240 → 195–215 µs, 24→144 470–480 → 433.
     */
    private static final boolean SIX_WIDE = L >= 16;
    /**
     * Most input channels for a 5- or 6-vector panel: its weights (up to 24 KB) stay in L1 across the 4-row tiles. Deeper,
     * they come from L2, 6 vectors per 4 broadcasts instead of 4 per 6: MobileNetV2's 576→96 and 384→96 projections
     * (features.11–13) ran 5–8 µs slower each in the model with the 6-vector panel.
     */
    private static final int MAX_WIDE_K = 64;
    /** Lanes from the middle of a pixel pair's middle vector on: the second pixel's (see {@link #kernelPairs12}). */
    private static final VectorMask<Float> SECOND_PIXEL = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << (L / 2)) - 1));
    private static final long MIN_MACS_PER_SHARE = 1 << 17;
    /**
     * Floats of input and output rows per block of tiles: a block runs panel by panel, so that each weight panel is
     * read once per block while the block's rows stay in L2. Tile-by-tile over all panels re-read every panel per
     * 6 pixels: for deep 1x1 layers on 7x7 maps (960→320: 1.2 MB of weights, beyond the 1 MB L2) that streamed the
     * weights from L3 nine times per call.
     */
    private static final int BLOCK_FLOATS = 1 << 16;
    /**
     * Weights of at least this size read ahead in blocks of pixels ({@link #blocksReadAhead}): MobileNetV2's 320→1280 before
     * the global mean (1.6 MB: blocks of 36 and 13 pixels, each over 20 panels of 80 KB) and features.17's 960→320
     * projection (1.2 MB). Smaller ones were not measured.
     */
    private static final long BLOCKS_READ_AHEAD_BYTES = 1L << 20;
    /** Weights above this size are read panel by panel over all tiles on one thread too (see {@link #run}). */
    private static final long STREAMED_WEIGHTS_BYTES = 2L << 20;

    private final int batch, cin, cout, ih, iw, oh, ow, sh, sw, panels;
    private final boolean unitStride;
    /** Vectors and floats per full panel: 1 or 2 vectors when that covers the output channels, else {@link #MAX_NRV}. */
    private final int nrv, nr;
    /**
     * Panels of {@code nr} columns, then (when M is not a multiple of nr) a last panel of {@code lastNr} columns: 1, 2 or
     * nrv vectors, or 6 where a last 4-vector panel and 2 vectors merge ({@link #kernel4x6}).
     */
    private final int fullPanels, lastNr;
    /**
     * Panel p: {@code panelArray[p]} from {@code panelOffset[p]} (chunks of whole panels, see {@link Panels}); rows of
     * its width, one per input channel.
     */
    private final float[][] panelArray;
    private final int[] panelOffset;
    /** The weights of pixel pairs ({@link PairPanels}, small: M = 1.5 vectors), when {@link #pairs}; else null. */
    private final float[] w;
    private final float[] bias;
    private final Activation act;
    private final int blockTiles;
    /** The clamp of a ReLU (0, ∞) or Clip activation, applied in the stores when there is no residual. */
    private final float lo, hi;
    /**
     * A ReLU, or a Clip from +0.0 with no upper bound, applied in registers over its residual by full tiles of full 4-
     * and 2-vector panels ({@link #kernel6x4OverResidual}).
     */
    private final boolean reluInRegisters;
    /**
     * The same activation without a residual, clamped in registers by full tiles of full 4-vector panels
     * ({@link #kernel6x4Relu}); not for weights above {@link #STREAMED_WEIGHTS_BYTES} (ResNet-50's layer4 2048→512): there
     * the separate clamp pass measured 0.02–0.06 ms faster over its three layers, in three model runs (JarAlternation
     * resnet50, 1 thread both orders and 2 threads), while layers 1–3 gained 0.17–0.24 ms.
     */
    private final boolean reluInRegistersWithoutResidual;
    /**
     * One and a half vectors of output channels (24 at 512 bits: MobileNetV2's 96→24 and 144→24 projections): tiles
     * take pixels in pairs, whose 3 output vectors are contiguous in Y, instead of padding each pixel to 2 vectors.
     */
    private final boolean pairs;
    /**
     * {@link #runGlobalMean} and the rows {@link InvertedResidualConv} asks for read the next panel's pages ahead
     * ({@link ReadAhead}): weights of at least {@link #BLOCKS_READ_AHEAD_BYTES}, read from L3 or memory once per block of
     * pixels. Not {@link #run}'s blocks: ResNet-50's layer3 1x1s (1–2 MB) measured no different with it.
     */
    private final boolean blocksReadAhead;

    /**
     * Bytes of a chunk of panels, header included, at most: a quarter of G1's smallest region (1 MB). G1 stores an
     * array of half a region or more alone in whole regions (humongous): ResNet-50's 1x1 weights as one array of
     * exactly 1, 2, 4 or 8 MB (+ its header) took 2, 4, 6 and 10 MB of a 3 GB heap's 2 MB regions. Chunks this size
     * sit among other objects, and leave at most a chunk unused at a region's end.
     */
    static final int CHUNK_BYTES = 256 << 10;
    /** An array's header (compressed class pointers): the floats of a chunk stay below {@link #CHUNK_BYTES} with it. */
    private static final int ARRAY_HEADER_BYTES = 16;

    /**
     * The weights in panels of {@code nr} output channels (the last one {@code lastNr} wide): weight (m, c) at
     * {@code c·width + j} in panel p for m = p·nr + j. Panels are held in chunks of {@link #chunkPanels} whole panels
     * (a panel larger than a chunk alone), panel p at {@code (p % k)·cin·nr} in chunk {@code p / k}: the kernels read
     * one panel at a time, so where the panels lie is only the offsets. A copy, so exact. Depends on the channel
     * counts only.
     */
    private record Panels(int cin, int cout, int nr, int lastNr) implements ConvWeights.Packing<float[][]> {
        /** Panels of nr columns before the last one (which may be wider than nr). */
        int fullPanels() {
            return lastNr > nr ? cout / nr - 1 : cout / nr;
        }

        int panels() {
            return fullPanels() + (cout > fullPanels() * nr ? 1 : 0);
        }

        int width(int p) {
            return p < fullPanels() ? nr : lastNr;
        }

        /** Panels per chunk (k). */
        int chunkPanels() {
            return Math.max(1, (CHUNK_BYTES - ARRAY_HEADER_BYTES) / (4 * Math.max(1, cin * nr)));
        }

        /** Offset of weight (c, j) of panel p in its chunk. */
        int at(int p, int c, int j) {
            return p % chunkPanels() * cin * nr + c * width(p) + j;
        }

        @Override
        public float[][] pack(float[] weights, int wOff) {
            int panels = panels(), k = chunkPanels();
            float[][] chunks = new float[(panels + k - 1) / k][];
            for (int ch = 0; ch < chunks.length; ch++) {
                int last = Math.min(panels, (ch + 1) * k) - 1;
                chunks[ch] = new float[(last - ch * k) * cin * nr + cin * width(last)];
            }
            int full = fullPanels();
            for (int m = 0; m < cout; m++) {
                int p = Math.min(m / nr, full), j = m - p * nr;
                float[] chunk = chunks[p / k];
                for (int c = 0; c < cin; c++) chunk[at(p, c, j)] = weights[wOff + m * cin + c];
            }
            return chunks;
        }

        @Override
        public long bytes(float[][] chunks) {
            long b = 0;
            for (float[] c : chunks) b += 4L * c.length;
            return b;
        }

        @Override
        public boolean exact() {
            return true;
        }

        @Override
        public void unpack(float[][] chunks, float[] dst) {
            int k = chunkPanels(), full = fullPanels();
            for (int m = 0; m < cout; m++) {
                int p = Math.min(m / nr, full), j = m - p * nr;
                float[] chunk = chunks[p / k];
                for (int c = 0; c < cin; c++) dst[m * cin + c] = chunk[at(p, c, j)];
            }
        }
    }

    /**
     * The weights for pixel pairs ({@link #pairs}): per input channel the row of M = 1.5 L weights twice, as a pair of
     * output pixels lies in Y, weight (m, c) at {@code c·2M + m} and {@code c·2M + M + m}. A copy, so exact.
     */
    private record PairPanels(int cin, int cout) implements ConvWeights.Reordering {
        @Override
        public float[] pack(float[] weights, int wOff) {
            float[] w = new float[2 * cin * cout];
            for (int m = 0; m < cout; m++) {
                for (int c = 0; c < cin; c++) {
                    float v = weights[wOff + m * cin + c];
                    w[c * 2 * cout + m] = v;
                    w[c * 2 * cout + cout + m] = v;
                }
            }
            return w;
        }

        @Override
        public void unpack(float[] w, float[] dst) {
            for (int m = 0; m < cout; m++) for (int c = 0; c < cin; c++) dst[m * cin + c] = w[c * 2 * cout + m];
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
        int full = cout / nr, rem = cout - full * nr, remV = (rem + L - 1) / L;
        // 4 + 2 vectors (96 channels at 512 bits: MobileNetV2's 16→96 expand) as one panel of 6 in 4-row tiles, 4 + 1
        // (the last 80 of 144: its 24→144 expands) as one of 5
        boolean sixWide = SIX_WIDE && nrv == 4 && full > 0 && (remV == 1 || remV == 2) && cin <= MAX_WIDE_K;
        this.lastNr = sixWide ? (4 + remV) * L : (remV <= 1 ? remV : remV <= 2 ? 2 : nrv) * L;
        Panels layout = new Panels(cin, cout, nr, lastNr);
        this.fullPanels = layout.fullPanels();
        this.panels = layout.panels();
        // a narrow last panel (200 = 3·64 + 8 at 512 bits) takes a narrow kernel instead of padding to nr
        this.pairs = 2 * cout == 3 * L;
        if (pairs) {
            this.w = weights.form(new PairPanels(cin, cout));
            this.panelArray = null;
            this.panelOffset = null;
            this.bias = new float[2 * cout];
            if (s.hasBias()) {
                System.arraycopy(b, bOff, bias, 0, cout);
                System.arraycopy(b, bOff, bias, cout, cout);
            }
        } else {
            this.w = null;
            float[][] chunks = weights.form(layout);
            this.panelArray = new float[panels][];
            this.panelOffset = new int[panels];
            for (int p = 0; p < panels; p++) {
                panelArray[p] = chunks[p / layout.chunkPanels()];
                panelOffset[p] = layout.at(p, 0, 0);
            }
            this.bias = new float[fullPanels * nr + lastNr];
            if (s.hasBias()) System.arraycopy(b, bOff, bias, 0, cout);
        }
        this.act = act;
        this.blockTiles = Math.max(1, BLOCK_FLOATS / (MR * (cin + cout)));
        this.lo = act.kind() == Activation.Kind.CLIP ? act.p1() : 0f;
        this.hi = act.kind() == Activation.Kind.CLIP ? act.p2() : Float.POSITIVE_INFINITY;
        this.reluInRegisters = clampsInStores(false) && Float.floatToRawIntBits(lo) == 0 && hi == Float.POSITIVE_INFINITY;
        this.reluInRegistersWithoutResidual = reluInRegisters && 4L * cin * cout <= STREAMED_WEIGHTS_BYTES;
        this.blocksReadAhead = 4L * cin * cout >= BLOCKS_READ_AHEAD_BYTES;
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
        boolean overResidual = res == y && resOff == yOff;
        if (overResidual && pairs) throw new IllegalArgumentException("PointwiseConv with pixel pairs cannot write Y over its residual");
        boolean weightsDominate = (long) cin * cout > (long) pixels * (cin + cout);
        // on one thread too when the weights stream from beyond L2: blocks of tiles over every panel read all the weights
        // once per block (ResNet-50's layer4 1x1s, 4 MB of weights over 49 pixels: blocks of 24, 24 and 1 pixels, three
        // passes; panel by panel 0.02-0.05 ms faster each). Not at 1-2 MB: MobileNetV2's 960→320 on 7² (1.2 MB, blocks of
        // 48 and 1 pixels) measured 0.02 ms slower panel by panel, ResNet-50's 1024→512 on 14² (2 MB) the same
        if (weightsDominate && (shares > 1 || 4L * cin * cout > STREAMED_WEIGHTS_BYTES)) {
            // a small map under large weights (1x1 layers on 7x7 and 14x14 maps: 320→1280 has 1.6 MB of weights for
            // 0.3 MB of pixels): threads split the (panel, tile) units panel by panel, so that each streams only its
            // panels of the weights (one panel shared where a cut falls inside it), in even shares of work: whole
            // panels capped 2 threads at 1.67× on 960→320 (2 + 3 of 5 panels) and at 1.25× on 960→160 (4 + 4 + 2
            // vectors), and cuts between vectors ran narrow 1- and 2-vector kernels
            int n = shares;
            parallel.forRange(n, 1, n, (s0, s1) -> {
                for (int s = s0; s < s1; s++) unitShare(x, xOff, y, yOff, res, resOff, pixels, tiles, s, n, clamp, overResidual);
            });
            return;
        }
        if (overResidual) {
            parallel.forRange(tiles, 1, shares, (t0, t1) -> pixelsOverResidual(x, xOff, y, yOff, t0 * MR, Math.min(pixels, t1 * MR)));
            return;
        }
        parallel.forRange(tiles, 1, shares,
                (t0, t1) -> pixels(x, xOff, y, yOff, res, resOff, t0 * MR, Math.min(pixels, t1 * MR), 0, panels, clamp, true));
    }

    /**
     * True when {@link #run} may be given the residual as Y itself (the same array and offset): each tile then goes
     * through the tile buffer, and {@code y = act(tile + y)} is written from there, every output read as residual
     * before it is written, in the same operations as with a separate residual (the same bits). A graph lets a
     * convolution write over its dying residual so that Y's lines are the ones just read, not a third map's worth of
     * lines fetched only to be overwritten (ResNet's last 1x1 of a block: 3.2 MB maps at 56²). Pixel pairs excepted.
     */
    public boolean residualMayBeOutput() {
        return !pairs;
    }

    /**
     * Output pixels {@code [q0, q1)}, every panel, with the residual in Y itself: blocks of tiles as {@link #pixels},
     * each (tile, panel) computed into the tile buffer and finished over Y ({@link #finishOverResidual}).
     */
    private void pixelsOverResidual(float[] x, int xOff, float[] y, int yOff, int q0, int q1) {
        float[] tileBuffer = ConvScratch.get(ConvScratch.TILE, 2 * MR * Math.max(nr, lastNr));
        for (int b0 = q0; b0 < q1; b0 += blockTiles * MR) {
            int b1 = Math.min(q1, b0 + blockTiles * MR);
            for (int p = 0; p < panels; p++) {
                for (int q = b0; q < b1; q += MR) tileOverResidual(x, xOff, y, yOff, q, Math.min(MR, b1 - q), p, tileBuffer);
            }
        }
    }

    /**
     * Panel {@code p} of one tile, {@code y = act(tile + y)} on the tile's rows and the panel's columns: a full tile of a
     * full 4- or 2-vector panel in registers ({@link #kernel6x4OverResidual}) when the activation is a ReLU, anything
     * else through the tile buffer.
     */
    private void tileOverResidual(float[] x, int xOff, float[] y, int yOff, int q0, int rows, int p, float[] t) {
        int c0 = p * nr, width = panelWidth(p);
        if (reluInRegisters && rows == MR && cout - c0 >= width && (width == 4 * L || width == 2 * L)) {
            int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, q0 + 1), a2 = inputOffset(xOff, q0 + 2);
            int a3 = inputOffset(xOff, q0 + 3), a4 = inputOffset(xOff, q0 + 4), a5 = inputOffset(xOff, q0 + 5);
            int yo = yOff + q0 * cout + c0;
            if (width == 4 * L) kernel6x4OverResidual(x, a0, a1, a2, a3, a4, a5, p, c0, y, yo, cout);
            else kernel6x2OverResidual(x, a0, a1, a2, a3, a4, a5, p, c0, y, yo, cout);
            return;
        }
        compute(x, xOff, q0, rows, p, t, 0, width);
        finishOverResidual(t, width, y, yOff + q0 * cout + c0, rows, Math.min(width, cout - c0));
    }

    /**
     * {@code y = act(t + y)} for {@code rows} rows of {@code cols} columns, tile row r at {@code t[r·width]}, Y's at
     * {@code yo + r·cout}: what {@link ConvEpilogue#finish} does to a stored tile and a separate residual, operation for
     * operation.
     */
    private void finishOverResidual(float[] t, int width, float[] y, int yo, int rows, int cols) {
        // a ReLU/Clip clamps the whole vectors as they are stored (VectorClamp: the bits of the pass's max-then-min), no
        // call per row: per row and panel it cost more than the lines it saves (ResNet-50's layer1 1x1s: 12,500 calls)
        boolean clamp = clampsInStores(false);
        int full = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int to = r * width, o = yo + r * cout;
            for (int j = 0; j < full; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, to + j).add(FloatVector.fromArray(S, y, o + j));
                (clamp ? VectorClamp.apply(v, lo, hi) : v).intoArray(y, o + j);
            }
            for (int j = full; j < cols; j++) y[o + j] = t[to + j] + y[o + j];
            if (!clamp) act.applyInPlace(y, o, cols);
            else if (full < cols) act.applyInPlace(y, o + full, cols - full);
        }
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
                // measured 0.005–0.012 ms slower at 1 thread on 320→1280 at 7² (and, with the read-ahead, slower in the
                // model too: bench/RESULTS.md, "Deep 1x1s, session 16"). Pixel q lands at map[(q - q0)·M].
                pixels(x, xOff, map, -q0 * cout, null, 0, q0, q0 + perImage, p0, p1, clamp, false, blocksReadAhead);
                meanOverPixels(map, perImage, p0 * nr, panelEnd(p1), y, yOff + n * cout);
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

    /** The first output channel past panels {@code [0, p)}. */
    private int panelEnd(int p) {
        return Math.min(cout, p <= fullPanels ? p * nr : fullPanels * nr + lastNr);
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
                           boolean clamp, boolean overResidual) {
        long total = workBefore(panels, tiles), a = total * s / n, b = total * (s + 1) / n;
        int pa = 0;
        while (pa < panels && workBefore(pa + 1, tiles) <= a) pa++;
        int pb = pa;
        while (pb < panels && workBefore(pb + 1, tiles) <= b) pb++;
        // the first unit at or after work a, and the first at or after b: (panel, tile)
        int ta = pa < panels ? (int) ((a - workBefore(pa, tiles)) / panelVectors(pa)) : 0;
        int tb = pb < panels ? (int) ((b - workBefore(pb, tiles)) / panelVectors(pb)) : 0;
        float[] tileBuffer = ConvScratch.get(ConvScratch.TILE, MR * Math.max(nr, lastNr));
        int touched = 0;
        for (int p = pa; p <= pb && p < panels; p++) {
            int t0 = p == pa ? ta : 0, t1 = p == pb ? tb : tiles;
            // the first tile of a panel streams it from memory, the others read it from L2: after each of them but the
            // last, a share of the pages of the share's next panel (one load per page, ReadAhead), so that its first
            // tile does not start cold
            int np = p + 1;
            boolean ahead = !pairs && np < panels && (np < pb || np == pb && tb > 0) && t1 - t0 > 1;
            float[] nextArray = ahead ? panelArray[np] : null;
            int from = ahead ? panelOffset[np] : 0, len = ahead ? cin * panelWidth(np) : 0, spans = t1 - t0 - 1;
            for (int t = t0; t < t1; t++) {
                int q = t * MR, rows = Math.min(MR, pixels - q);
                if (overResidual) tileOverResidual(x, xOff, y, yOff, q, rows, p, tileBuffer);
                else {
                    if (pairs) pairTile(x, xOff, y, yOff, q, rows, tileBuffer, clamp);
                    else tile(x, xOff, y, yOff, res, resOff, q, rows, p, tileBuffer, clamp);
                    if (!clamp) epilogue(y, yOff, res, resOff, q, q + rows, p, p + 1);
                }
                int i = t - t0;
                if (ahead && i < spans) {
                    touched += ReadAhead.share(nextArray, from, len, i, spans);
                }
            }
        }
        ReadAhead.keep(touched);
    }

    /** Columns of panel {@code p} (its zero padding included). */
    private int panelWidth(int p) {
        return p < fullPanels ? nr : lastNr;
    }

    /**
     * Output pixels {@code [q0, q1)} (over the whole batch; pixel q of Y at {@code yOff + q·cout}) on the calling
     * thread, in tiles of {@link #MR} from q0. Each output is the same FMA chain wherever its tile starts, so a caller
     * may compute any range in any order ({@link InvertedResidualConv} computes a few rows at a time).
     */
    void pixels(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int q1, boolean clamp) {
        pixels(x, xOff, y, yOff, res, resOff, q0, q1, 0, panels, clamp, false, blocksReadAhead);
    }

    /** As {@link #pixels(float[], int, float[], int, float[], int, int, int, boolean)} for panels {@code [p0, p1)} only, no residual. */
    void pixels(float[] x, int xOff, float[] y, int yOff, int q0, int q1, int p0, int p1, boolean clamp) {
        pixels(x, xOff, y, yOff, null, 0, q0, q1, p0, p1, clamp, false);
    }

    /** Panels of output channels. */
    int panelCount() {
        return panels;
    }

    /** The first output channel of panel {@code p} ({@code cout} for {@code p = panelCount()}); whole vectors unless pixel pairs. */
    int panelStart(int p) {
        return panelEnd(p);
    }

    /**
     * Output pixels {@code [q0, q1)}, panels {@code [p0, p1)} of output channels, in blocks of tiles. The residual and
     * activation run on what the call wrote: the whole tile (its rows are contiguous in Y) when it covers every panel,
     * else each row's columns of those panels; either way each element gets the same operations, so the bits do not
     * depend on the split. {@code wholeMap}: {@link #run} writing the layer's map, where 12-row tiles need
     * {@link #MIN_TALL_K_FOR_A_MAP} input channels.
     */
    private void pixels(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int q1, int p0, int p1, boolean clamp,
                        boolean wholeMap) {
        pixels(x, xOff, y, yOff, res, resOff, q0, q1, p0, p1, clamp, wholeMap, false);
    }

    /**
     * As above; with {@code readAhead}, after each 6-row tile of a panel but the block's last, a share of the pages of
     * the panel that comes next (the next block's first after the block's last panel; {@link ReadAhead}), for weights
     * read from beyond L2 once per block.
     */
    private void pixels(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int q1, int p0, int p1, boolean clamp,
                        boolean wholeMap, boolean readAhead) {
        int blockPixels = blockTiles * MR;
        float[] tileBuffer = ConvScratch.get(ConvScratch.TILE, 2 * MR * Math.max(nr, lastNr));
        int touched = 0;
        for (int b0 = q0; b0 < q1; b0 += blockPixels) {
            int b1 = Math.min(q1, b0 + blockPixels);
            for (int p = p0; p < p1; p++) {
                int width = panelWidth(p);
                // a panel of 2 vectors (MobileNetV2's projections to 32 channels), or pixel pairs (to 24), takes 12 rows
                // at a time: 24 or 18 accumulators, and the tile's set-up and stores amortised over twice the pixels. (A
                // panel of 1 vector at 12 rows instead of 6 measured no faster on 32→16: 1 broadcast per FMA, not the
                // FMA latency, bounds it.)
                // a 5- or 6-vector panel with all its columns in Y takes 4-row tiles stored by the kernel (a partial one goes by
                // tile())
                boolean tall = TWELVE_ROWS && width == 2 * L && (!wholeMap || cin >= MIN_TALL_K_FOR_A_MAP);
                boolean six = width > nr && cout - p * nr == width;
                boolean finish = p == p1 - 1 && !clamp;
                // read-ahead where every tile is MR rows (not 12- or 4-row tiles, nor pixel pairs, whose shares would not
                // be one a tile)
                int np = p + 1 < p1 ? p + 1 : b1 < q1 ? p0 : -1;
                boolean ahead = readAhead && !pairs && !tall && !six && np >= 0 && b1 - b0 > MR;
                float[] nextArray = ahead ? panelArray[np] : null;
                int from = ahead ? panelOffset[np] : 0, len = ahead ? cin * panelWidth(np) : 0;
                int spans = (b1 - b0 + MR - 1) / MR - 1, i = 0;
                int pending = -1, pendingEnd = 0;
                for (int q = b0; q < b1; ) {
                    int rows = tall && b1 - q >= 2 * MR ? 2 * MR : six && b1 - q >= 4 ? 4 : Math.min(MR, b1 - q);
                    if (rows == 2 * MR) tile12(x, xOff, y, yOff, q, p, tileBuffer, clamp);
                    else if (six && rows == 4) tile4(x, xOff, y, yOff, q, p, width, clamp);
                    else if (pairs) pairTile(x, xOff, y, yOff, q, rows, tileBuffer, clamp);
                    else tile(x, xOff, y, yOff, res, resOff, q, rows, p, tileBuffer, clamp);
                    if (finish) {
                        // after the last panel, the residual and activation of the tile before this one (its rows still
                        // in L1): one tile late, so that they do not load what the kernel has only just stored. Right after
                        // a 12-row tile (24 stores) ppocr_v4_det's 16→32 HardSwish at 320² ran 0.57–0.78 ms in the model
                        // depending on the JVM run, the difference in the epilogue (perf); one tile late, 0.58–0.60
                        if (pending >= 0) epilogue(y, yOff, res, resOff, pending, pendingEnd, p0, p1);
                        pending = q;
                        pendingEnd = q + rows;
                    }
                    q += rows;
                    if (ahead && i < spans) {
                        touched += ReadAhead.share(nextArray, from, len, i, spans);
                    }
                    i++;
                }
                if (pending >= 0) epilogue(y, yOff, res, resOff, pending, pendingEnd, p0, p1);
            }
        }
        if (readAhead) ReadAhead.keep(touched);
    }

    /** Residual and activation on pixels {@code [q0, q1)}, panels {@code [p0, p1)}. */
    private void epilogue(float[] y, int yOff, float[] res, int resOff, int q0, int q1, int p0, int p1) {
        if (p0 == 0 && p1 == panels) {
            ConvEpilogue.finish(y, yOff + q0 * cout, res, resOff + q0 * cout, (q1 - q0) * cout, act);
            return;
        }
        int c0 = p0 * nr, c1 = panelEnd(p1);
        for (int q = q0; q < q1; q++) ConvEpilogue.finish(y, yOff + q * cout + c0, res, resOff + q * cout + c0, c1 - c0, act);
    }

    /** True when a ReLU or Clip is clamped in the stores (no residual): what {@link #pixels} takes as {@code clamp}. */
    boolean clampsInStores(boolean residual) {
        return !residual && (act.kind() == Activation.Kind.RELU || act.kind() == Activation.Kind.CLIP) && VectorClamp.exact(lo, hi);
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

    /** Panel {@code p} of one tile (with its bias, and a ReLU/Clip clamp when {@code clamp}; the rest of the epilogue is {@link #epilogue}'s). */
    private void tile(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int q0, int rows, int p, float[] t,
                      boolean clamp) {
        int c0 = p * nr, width = panelWidth(p), cols = Math.min(width, cout - c0);
        // a full tile of a full-width panel is stored by the kernel itself (a ReLU/Clip without residual clamped right
        // after, in L1); a partial tile or a masked panel goes through the tile buffer
        boolean direct = rows == MR && cols == width;
        int yo = yOff + q0 * cout + c0;
        if (direct && clamp && reluInRegistersWithoutResidual && width == 4 * L) {
            int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, q0 + 1), a2 = inputOffset(xOff, q0 + 2);
            int a3 = inputOffset(xOff, q0 + 3), a4 = inputOffset(xOff, q0 + 4), a5 = inputOffset(xOff, q0 + 5);
            kernel6x4Relu(x, a0, a1, a2, a3, a4, a5, p, c0, y, yo, cout);
            return;
        }
        if (direct) compute(x, xOff, q0, rows, p, y, yo, cout);
        else compute(x, xOff, q0, rows, p, t, 0, width);
        if (!direct) store(t, width, y, yo, rows, cols, clamp);
        else if (clamp) clampTile(y, yo, width);
    }

    /**
     * Panel {@code p} of pixels {@code [q0, q0 + rows)} with its bias into {@code d} at {@code o}, rows {@code stride}
     * apart: Y itself (a full tile of a full-width panel) or the tile buffer (stride = the panel's width).
     */
    private void compute(float[] x, int xOff, int q0, int rows, int p, float[] d, int o, int stride) {
        int last = q0 + rows - 1;
        // rows past the end repeat the last pixel: computed, never stored
        int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, Math.min(q0 + 1, last)), a2 = inputOffset(xOff, Math.min(q0 + 2, last));
        int a3 = inputOffset(xOff, Math.min(q0 + 3, last)), a4 = inputOffset(xOff, Math.min(q0 + 4, last)), a5 = inputOffset(xOff, Math.min(q0 + 5, last));
        int c0 = p * nr, width = panelWidth(p);
        switch (width / L) {
            case 1 -> kernel6x1(x, a0, a1, a2, a3, a4, a5, p, c0, d, o, stride);
            case 2 -> kernel6x2(x, a0, a1, a2, a3, a4, a5, p, c0, d, o, stride);
            case 5 -> {
                kernel4x5(x, a0, a1, a2, a3, Math.min(rows, 4), p, c0, d, o, stride);
                if (rows > 4) kernel4x5(x, a4, a5, a5, a5, rows - 4, p, c0, d, o + 4 * stride, stride);
            }
            case 6 -> {
                kernel4x6(x, a0, a1, a2, a3, Math.min(rows, 4), p, c0, d, o, stride);
                if (rows > 4) kernel4x6(x, a4, a5, a5, a5, rows - 4, p, c0, d, o + 4 * stride, stride);
            }
            default -> {
                // a last tile of 1 or 2 pixels (49 = 8·6 + 1 on 7x7 maps) runs 2 rows instead of 6 (8 FMA chains keep
                // both FMA units busy): a third of the 6-row kernel's time
                if (rows <= 2) kernel2x4(x, a0, a1, p, c0, d, o, stride);
                else kernel6x4(x, a0, a1, a2, a3, a4, a5, p, c0, d, o, stride);
            }
        }
    }

    /** Panel {@code p} (2 vectors wide, or pixel pairs) of pixels {@code [q0, q0 + 12)}, as {@link #tile}. */
    private void tile12(float[] x, int xOff, float[] y, int yOff, int q0, int p, float[] t, boolean clamp) {
        int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, q0 + 1), a2 = inputOffset(xOff, q0 + 2), a3 = inputOffset(xOff, q0 + 3);
        int a4 = inputOffset(xOff, q0 + 4), a5 = inputOffset(xOff, q0 + 5), a6 = inputOffset(xOff, q0 + 6), a7 = inputOffset(xOff, q0 + 7);
        int a8 = inputOffset(xOff, q0 + 8), a9 = inputOffset(xOff, q0 + 9), a10 = inputOffset(xOff, q0 + 10), a11 = inputOffset(xOff, q0 + 11);
        int yo = yOff + q0 * cout;
        if (pairs) {
            kernelPairs12(x, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, y, yo);
            if (clamp) VectorClamp.rows(y, yo, 0, 1, 2 * MR * cout, lo, hi);
            return;
        }
        int c0 = p * nr, width = panelWidth(p), cols = Math.min(width, cout - c0);
        boolean direct = cols == width;
        yo += c0;
        float[] d = direct ? y : t;
        int o = direct ? yo : 0, stride = direct ? cout : width;
        kernel12x2(x, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, p, c0, d, o, stride);
        if (!direct) store(t, width, y, yo, 2 * MR, cols, clamp);
        else if (clamp) VectorClamp.rows(y, yo, cout, 2 * MR, width, lo, hi);
    }

    /** The 5- or 6-vector panel {@code p} of pixels {@code [q0, q0 + 4)}, stored by the kernel, as {@link #tile}. */
    private void tile4(float[] x, int xOff, float[] y, int yOff, int q0, int p, int width, boolean clamp) {
        int c0 = p * nr, yo = yOff + q0 * cout + c0;
        int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, q0 + 1), a2 = inputOffset(xOff, q0 + 2), a3 = inputOffset(xOff, q0 + 3);
        if (clamp) {
            // clamped in registers: the clamp pass after the stores (VectorClamp.rows over the tile's 24 or 20 vectors,
            // loaded back from L1) measured slower (see kernel4x6Clamp)
            if (width == 6 * L) kernel4x6Clamp(x, a0, a1, a2, a3, p, c0, y, yo, cout);
            else kernel4x5Clamp(x, a0, a1, a2, a3, p, c0, y, yo, cout);
            return;
        }
        if (width == 6 * L) kernel4x6(x, a0, a1, a2, a3, 4, p, c0, y, yo, cout);
        else kernel4x5(x, a0, a1, a2, a3, 4, p, c0, y, yo, cout);
    }

    /**
     * Pixels {@code [q0, q0 + rows)}, rows at most {@link #MR}, with pixel pairs ({@link #pairs}): 6 pixels computed
     * (past the end repeating the last one) straight into Y when they are all there, else into the tile buffer and
     * copied.
     */
    private void pairTile(float[] x, int xOff, float[] y, int yOff, int q0, int rows, float[] t, boolean clamp) {
        int last = q0 + rows - 1;
        int a0 = inputOffset(xOff, q0), a1 = inputOffset(xOff, Math.min(q0 + 1, last)), a2 = inputOffset(xOff, Math.min(q0 + 2, last));
        int a3 = inputOffset(xOff, Math.min(q0 + 3, last)), a4 = inputOffset(xOff, Math.min(q0 + 4, last)), a5 = inputOffset(xOff, Math.min(q0 + 5, last));
        boolean direct = rows == MR;
        int yo = yOff + q0 * cout;
        float[] d = direct ? y : t;
        int o = direct ? yo : 0;
        kernelPairs6(x, a0, a1, a2, a3, a4, a5, d, o);
        // 6 pixels of 1.5 vectors: 9 whole vectors
        if (clamp) VectorClamp.rows(d, o, 0, 1, MR * cout, lo, hi);
        if (!direct) System.arraycopy(t, 0, y, yo, rows * cout);
    }

    /**
     * The ReLU/Clip of a full tile the kernel has just stored (in L1): a pass, because {@link VectorClamp}'s 48
     * compare-and-blends inlined into the 6x4 kernel pass C2's node budget (NodeCountInliningCutoff) and leave
     * vectors boxed, while max/min in registers are the slow Java-semantics sequences (see {@link VectorClamp}).
     */
    private void clampTile(float[] y, int yo, int width) {
        VectorClamp.rows(y, yo, cout, MR, width, lo, hi);
    }

    /**
     * 6 rows × 4 vectors of weight panel {@code p}, each accumulator starting from its bias ({@code bias[bo..]}), into
     * {@code d} at {@code o}, rows {@code stride} apart: Y itself (a full tile of a full panel) or the tile buffer.
     */
    private void kernel6x4(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int p, int bo, float[] d, int o, int stride) {
        final int nr = 4 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c40 = b0, c41 = b1, c42 = b2, c43 = b3, c50 = b0, c51 = b1, c52 = b2, c53 = b3;
        // the panel's chunk and offset read here, from fields: passed as two more arguments they cost 5-7 % on ResNet-50's
        // 1x1 layers (measured, ConvLayerProbe r50-1x1-64-256-56 and -256-1024-14 at 1 thread)
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + L); c02.intoArray(d, o + 2 * L); c03.intoArray(d, o + 3 * L);
        c10.intoArray(d, o + stride); c11.intoArray(d, o + stride + L); c12.intoArray(d, o + stride + 2 * L); c13.intoArray(d, o + stride + 3 * L);
        c20.intoArray(d, o + 2 * stride); c21.intoArray(d, o + 2 * stride + L); c22.intoArray(d, o + 2 * stride + 2 * L); c23.intoArray(d, o + 2 * stride + 3 * L);
        c30.intoArray(d, o + 3 * stride); c31.intoArray(d, o + 3 * stride + L); c32.intoArray(d, o + 3 * stride + 2 * L); c33.intoArray(d, o + 3 * stride + 3 * L);
        c40.intoArray(d, o + 4 * stride); c41.intoArray(d, o + 4 * stride + L); c42.intoArray(d, o + 4 * stride + 2 * L); c43.intoArray(d, o + 4 * stride + 3 * L);
        c50.intoArray(d, o + 5 * stride); c51.intoArray(d, o + 5 * stride + L); c52.intoArray(d, o + 5 * stride + 2 * L); c53.intoArray(d, o + 5 * stride + 3 * L);
    }

    /**
     * 6 rows × 4 vectors of weight panel {@code p} as {@link #kernel6x4}, over the residual in Y at {@code o} (rows
     * {@code s} apart), with a ReLU: each sum gets its residual vector added and is clamped at +0.0 in registers, then
     * stored where that residual was. The operations of {@link #finishOverResidual}, in its order ({@code t + y}, then
     * {@link VectorClamp#apply}'s compare-and-blend at lo = +0.0; the one at hi = +∞ never takes): the same bits.
     * Saves the tile buffer's 24 stores and 24 reloads per tile.
     *
     * <p>A method of its own, not a flag of {@link #kernel6x4}, and shaped so that C2 keeps the 24 accumulators in
     * registers: the 6 input offsets, the panel's offset, the loop bound and Y's array, offset and stride already take
     * the general registers, so nothing else may stay live across the loop. Reading the row stride ({@code cout}) and
     * the clamp's bound from fields after the loop kept {@code this} live: C2 then spilled input offsets, scheduled the 6
     * broadcasts at the top of the loop (24 + 4 + 6 > 32 vector registers) and spilled 2–3 accumulators to the stack
     * inside it (seen in the disassembly): 1.3–1.8× slower (session 12's version ran 25–50 % slower). Helper calls in the
     * epilogue (a method per vector, or {@link VectorClamp#atLeast}) are refused by C2's node budget at this size
     * ("NodeCountInliningCutoff"), the Vector API's own methods are not (force-inlined): so the epilogue is written out.
     */
    private void kernel6x4OverResidual(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int p, int bo, float[] y, int o, int s) {
        final int nr = 4 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c40 = b0, c41 = b1, c42 = b2, c43 = b3, c50 = b0, c51 = b1, c52 = b2, c53 = b3;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        FloatVector f = FloatVector.zero(S);
        c00 = c00.add(FloatVector.fromArray(S, y, o)); c00.blend(f, c00.compare(VectorOperators.LE, f)).intoArray(y, o);
        c01 = c01.add(FloatVector.fromArray(S, y, o + L)); c01.blend(f, c01.compare(VectorOperators.LE, f)).intoArray(y, o + L);
        c02 = c02.add(FloatVector.fromArray(S, y, o + 2 * L)); c02.blend(f, c02.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * L);
        c03 = c03.add(FloatVector.fromArray(S, y, o + 3 * L)); c03.blend(f, c03.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * L);
        c10 = c10.add(FloatVector.fromArray(S, y, o + s)); c10.blend(f, c10.compare(VectorOperators.LE, f)).intoArray(y, o + s);
        c11 = c11.add(FloatVector.fromArray(S, y, o + s + L)); c11.blend(f, c11.compare(VectorOperators.LE, f)).intoArray(y, o + s + L);
        c12 = c12.add(FloatVector.fromArray(S, y, o + s + 2 * L)); c12.blend(f, c12.compare(VectorOperators.LE, f)).intoArray(y, o + s + 2 * L);
        c13 = c13.add(FloatVector.fromArray(S, y, o + s + 3 * L)); c13.blend(f, c13.compare(VectorOperators.LE, f)).intoArray(y, o + s + 3 * L);
        c20 = c20.add(FloatVector.fromArray(S, y, o + 2 * s)); c20.blend(f, c20.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s);
        c21 = c21.add(FloatVector.fromArray(S, y, o + 2 * s + L)); c21.blend(f, c21.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + L);
        c22 = c22.add(FloatVector.fromArray(S, y, o + 2 * s + 2 * L)); c22.blend(f, c22.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + 2 * L);
        c23 = c23.add(FloatVector.fromArray(S, y, o + 2 * s + 3 * L)); c23.blend(f, c23.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + 3 * L);
        c30 = c30.add(FloatVector.fromArray(S, y, o + 3 * s)); c30.blend(f, c30.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s);
        c31 = c31.add(FloatVector.fromArray(S, y, o + 3 * s + L)); c31.blend(f, c31.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + L);
        c32 = c32.add(FloatVector.fromArray(S, y, o + 3 * s + 2 * L)); c32.blend(f, c32.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + 2 * L);
        c33 = c33.add(FloatVector.fromArray(S, y, o + 3 * s + 3 * L)); c33.blend(f, c33.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + 3 * L);
        c40 = c40.add(FloatVector.fromArray(S, y, o + 4 * s)); c40.blend(f, c40.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s);
        c41 = c41.add(FloatVector.fromArray(S, y, o + 4 * s + L)); c41.blend(f, c41.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + L);
        c42 = c42.add(FloatVector.fromArray(S, y, o + 4 * s + 2 * L)); c42.blend(f, c42.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + 2 * L);
        c43 = c43.add(FloatVector.fromArray(S, y, o + 4 * s + 3 * L)); c43.blend(f, c43.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + 3 * L);
        c50 = c50.add(FloatVector.fromArray(S, y, o + 5 * s)); c50.blend(f, c50.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s);
        c51 = c51.add(FloatVector.fromArray(S, y, o + 5 * s + L)); c51.blend(f, c51.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + L);
        c52 = c52.add(FloatVector.fromArray(S, y, o + 5 * s + 2 * L)); c52.blend(f, c52.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + 2 * L);
        c53 = c53.add(FloatVector.fromArray(S, y, o + 5 * s + 3 * L)); c53.blend(f, c53.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + 3 * L);
    }

    /**
     * 6 rows × 4 vectors of weight panel {@code p} as {@link #kernel6x4}, with a ReLU and no residual: each sum clamped at
     * +0.0 in registers ({@link VectorClamp#apply}'s compare-and-blend at lo = +0.0, the one at hi = +∞ never takes: the
     * bits of {@link #clampTile}'s pass), stored into Y at {@code o}, rows {@code s} apart. Saves that pass's 24 reloads
     * and stores per tile. Shaped as {@link #kernel6x4OverResidual}, for the same reasons.
     */
    private void kernel6x4Relu(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int p, int bo, float[] y, int o, int s) {
        final int nr = 4 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c40 = b0, c41 = b1, c42 = b2, c43 = b3, c50 = b0, c51 = b1, c52 = b2, c53 = b3;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        FloatVector f = FloatVector.zero(S);
        c00.blend(f, c00.compare(VectorOperators.LE, f)).intoArray(y, o);
        c01.blend(f, c01.compare(VectorOperators.LE, f)).intoArray(y, o + L);
        c02.blend(f, c02.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * L);
        c03.blend(f, c03.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * L);
        c10.blend(f, c10.compare(VectorOperators.LE, f)).intoArray(y, o + s);
        c11.blend(f, c11.compare(VectorOperators.LE, f)).intoArray(y, o + s + L);
        c12.blend(f, c12.compare(VectorOperators.LE, f)).intoArray(y, o + s + 2 * L);
        c13.blend(f, c13.compare(VectorOperators.LE, f)).intoArray(y, o + s + 3 * L);
        c20.blend(f, c20.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s);
        c21.blend(f, c21.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + L);
        c22.blend(f, c22.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + 2 * L);
        c23.blend(f, c23.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + 3 * L);
        c30.blend(f, c30.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s);
        c31.blend(f, c31.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + L);
        c32.blend(f, c32.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + 2 * L);
        c33.blend(f, c33.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + 3 * L);
        c40.blend(f, c40.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s);
        c41.blend(f, c41.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + L);
        c42.blend(f, c42.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + 2 * L);
        c43.blend(f, c43.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + 3 * L);
        c50.blend(f, c50.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s);
        c51.blend(f, c51.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + L);
        c52.blend(f, c52.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + 2 * L);
        c53.blend(f, c53.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + 3 * L);
    }

    /** 6 rows × 2 vectors over the residual in Y, as {@link #kernel6x4OverResidual}. */
    private void kernel6x2OverResidual(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int p, int bo, float[] y, int o, int s) {
        final int nr = 2 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51);
        }
        FloatVector f = FloatVector.zero(S);
        c00 = c00.add(FloatVector.fromArray(S, y, o)); c00.blend(f, c00.compare(VectorOperators.LE, f)).intoArray(y, o);
        c01 = c01.add(FloatVector.fromArray(S, y, o + L)); c01.blend(f, c01.compare(VectorOperators.LE, f)).intoArray(y, o + L);
        c10 = c10.add(FloatVector.fromArray(S, y, o + s)); c10.blend(f, c10.compare(VectorOperators.LE, f)).intoArray(y, o + s);
        c11 = c11.add(FloatVector.fromArray(S, y, o + s + L)); c11.blend(f, c11.compare(VectorOperators.LE, f)).intoArray(y, o + s + L);
        c20 = c20.add(FloatVector.fromArray(S, y, o + 2 * s)); c20.blend(f, c20.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s);
        c21 = c21.add(FloatVector.fromArray(S, y, o + 2 * s + L)); c21.blend(f, c21.compare(VectorOperators.LE, f)).intoArray(y, o + 2 * s + L);
        c30 = c30.add(FloatVector.fromArray(S, y, o + 3 * s)); c30.blend(f, c30.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s);
        c31 = c31.add(FloatVector.fromArray(S, y, o + 3 * s + L)); c31.blend(f, c31.compare(VectorOperators.LE, f)).intoArray(y, o + 3 * s + L);
        c40 = c40.add(FloatVector.fromArray(S, y, o + 4 * s)); c40.blend(f, c40.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s);
        c41 = c41.add(FloatVector.fromArray(S, y, o + 4 * s + L)); c41.blend(f, c41.compare(VectorOperators.LE, f)).intoArray(y, o + 4 * s + L);
        c50 = c50.add(FloatVector.fromArray(S, y, o + 5 * s)); c50.blend(f, c50.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s);
        c51 = c51.add(FloatVector.fromArray(S, y, o + 5 * s + L)); c51.blend(f, c51.compare(VectorOperators.LE, f)).intoArray(y, o + 5 * s + L);
    }

    /**
     * 4 rows × 6 vectors of weight panel {@code p} (the bias at {@code bias[bo..]}), the first {@code rows} stored, as
     * {@link #kernel6x4}: per input channel 6 weight loads and 4 broadcasts for 24 FMAs. With K = 16 (the 16→96 expand) a
     * 4 + 2 split ran its 2-vector panel 12 rows × 2 at a time, 12 broadcasts per 24 FMAs: 16→96 at 12², ReLU6, 240 →
     * 195–215 µs per 112² map.
     */
    private void kernel4x6(float[] x, int a0, int a1, int a2, int a3, int rows, int p, int bo, float[] d, int o, int stride) {
        final int nr = 6 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + 1 * L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L), b4 = FloatVector.fromArray(S, bias, bo + 4 * L), b5 = FloatVector.fromArray(S, bias, bo + 5 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c04 = b4, c05 = b5, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c14 = b4, c15 = b5, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c24 = b4, c25 = b5, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c34 = b4, c35 = b5;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + 1 * L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L), w4 = FloatVector.fromArray(S, wt, wo + 4 * L), w5 = FloatVector.fromArray(S, wt, wo + 5 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03); c04 = v.fma(w4, c04); c05 = v.fma(w5, c05);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13); c14 = v.fma(w4, c14); c15 = v.fma(w5, c15);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23); c24 = v.fma(w4, c24); c25 = v.fma(w5, c25);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33); c34 = v.fma(w4, c34); c35 = v.fma(w5, c35);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + 1 * L); c02.intoArray(d, o + 2 * L); c03.intoArray(d, o + 3 * L); c04.intoArray(d, o + 4 * L); c05.intoArray(d, o + 5 * L);
        if (rows > 1) {
            c10.intoArray(d, o + stride); c11.intoArray(d, o + stride + 1 * L); c12.intoArray(d, o + stride + 2 * L); c13.intoArray(d, o + stride + 3 * L); c14.intoArray(d, o + stride + 4 * L); c15.intoArray(d, o + stride + 5 * L);
        }
        if (rows > 2) {
            c20.intoArray(d, o + 2 * stride); c21.intoArray(d, o + 2 * stride + 1 * L); c22.intoArray(d, o + 2 * stride + 2 * L); c23.intoArray(d, o + 2 * stride + 3 * L); c24.intoArray(d, o + 2 * stride + 4 * L); c25.intoArray(d, o + 2 * stride + 5 * L);
        }
        if (rows > 3) {
            c30.intoArray(d, o + 3 * stride); c31.intoArray(d, o + 3 * stride + 1 * L); c32.intoArray(d, o + 3 * stride + 2 * L); c33.intoArray(d, o + 3 * stride + 3 * L); c34.intoArray(d, o + 3 * stride + 4 * L); c35.intoArray(d, o + 3 * stride + 5 * L);
        }
    }

    /**
     * 4 rows × 6 vectors of a full tile into Y, as {@link #kernel4x6}, clamped to [lo, hi] in registers before the stores
     * ({@link VectorClamp#apply} written out, force-inlined calls only: the bits of the clamp pass, which is max-then-min
     * for the exact bounds {@code clamp} implies), so the tile is not loaded back and stored again. With K = 16 to 24 (the
     * 16→96 and 24→144 expands of MobileNetV2's features.2–4, ReLU6) those 48 or 40 memory operations weigh against only
     * 16–24 FMA steps. Measured in the model (JarAlternation mobilenetv2 1 300, min / median ms): features.2
     * 0.496 / 0.560 → 0.475 / 0.546 with the 5-vector panel too, against 0.554 / 0.629 with both clamp passes; the same in
     * registers for the 6 × 4 tiles of 24→144 and 32→192 measured no faster (features.5 alone at 1 thread, BlockProbe).
     * A copy of {@link #kernel4x6}'s loop on purpose: one kernel with a {@code clamp} flag before its stores (the same
     * bits) ran features.2 0.480 → 0.493 and 0.485 → 0.497 ms min, both orders of `JarAlternation mobilenetv2 1 300`
     * (session 18's review, jar benchmarks-s18-fold.jar).
     */
    private void kernel4x6Clamp(float[] x, int a0, int a1, int a2, int a3, int p, int bo, float[] y, int o, int s) {
        final int nr = 6 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo + 0 * L), b1 = FloatVector.fromArray(S, bias, bo + 1 * L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L), b4 = FloatVector.fromArray(S, bias, bo + 4 * L), b5 = FloatVector.fromArray(S, bias, bo + 5 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c04 = b4, c05 = b5, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c14 = b4, c15 = b5, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c24 = b4, c25 = b5, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c34 = b4, c35 = b5;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo + 0 * L), w1 = FloatVector.fromArray(S, wt, wo + 1 * L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L), w4 = FloatVector.fromArray(S, wt, wo + 4 * L), w5 = FloatVector.fromArray(S, wt, wo + 5 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03); c04 = v.fma(w4, c04); c05 = v.fma(w5, c05);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13); c14 = v.fma(w4, c14); c15 = v.fma(w5, c15);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23); c24 = v.fma(w4, c24); c25 = v.fma(w5, c25);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33); c34 = v.fma(w4, c34); c35 = v.fma(w5, c35);
        }
        float lo = this.lo, hi = this.hi;
        c00 = c00.blend(lo, c00.compare(VectorOperators.LE, lo)); c00.blend(hi, c00.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 0 * L);
        c01 = c01.blend(lo, c01.compare(VectorOperators.LE, lo)); c01.blend(hi, c01.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 1 * L);
        c02 = c02.blend(lo, c02.compare(VectorOperators.LE, lo)); c02.blend(hi, c02.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 2 * L);
        c03 = c03.blend(lo, c03.compare(VectorOperators.LE, lo)); c03.blend(hi, c03.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 3 * L);
        c04 = c04.blend(lo, c04.compare(VectorOperators.LE, lo)); c04.blend(hi, c04.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 4 * L);
        c05 = c05.blend(lo, c05.compare(VectorOperators.LE, lo)); c05.blend(hi, c05.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 5 * L);
        c10 = c10.blend(lo, c10.compare(VectorOperators.LE, lo)); c10.blend(hi, c10.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 0 * L);
        c11 = c11.blend(lo, c11.compare(VectorOperators.LE, lo)); c11.blend(hi, c11.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 1 * L);
        c12 = c12.blend(lo, c12.compare(VectorOperators.LE, lo)); c12.blend(hi, c12.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 2 * L);
        c13 = c13.blend(lo, c13.compare(VectorOperators.LE, lo)); c13.blend(hi, c13.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 3 * L);
        c14 = c14.blend(lo, c14.compare(VectorOperators.LE, lo)); c14.blend(hi, c14.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 4 * L);
        c15 = c15.blend(lo, c15.compare(VectorOperators.LE, lo)); c15.blend(hi, c15.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 5 * L);
        c20 = c20.blend(lo, c20.compare(VectorOperators.LE, lo)); c20.blend(hi, c20.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 0 * L);
        c21 = c21.blend(lo, c21.compare(VectorOperators.LE, lo)); c21.blend(hi, c21.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 1 * L);
        c22 = c22.blend(lo, c22.compare(VectorOperators.LE, lo)); c22.blend(hi, c22.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 2 * L);
        c23 = c23.blend(lo, c23.compare(VectorOperators.LE, lo)); c23.blend(hi, c23.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 3 * L);
        c24 = c24.blend(lo, c24.compare(VectorOperators.LE, lo)); c24.blend(hi, c24.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 4 * L);
        c25 = c25.blend(lo, c25.compare(VectorOperators.LE, lo)); c25.blend(hi, c25.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 5 * L);
        c30 = c30.blend(lo, c30.compare(VectorOperators.LE, lo)); c30.blend(hi, c30.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 0 * L);
        c31 = c31.blend(lo, c31.compare(VectorOperators.LE, lo)); c31.blend(hi, c31.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 1 * L);
        c32 = c32.blend(lo, c32.compare(VectorOperators.LE, lo)); c32.blend(hi, c32.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 2 * L);
        c33 = c33.blend(lo, c33.compare(VectorOperators.LE, lo)); c33.blend(hi, c33.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 3 * L);
        c34 = c34.blend(lo, c34.compare(VectorOperators.LE, lo)); c34.blend(hi, c34.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 4 * L);
        c35 = c35.blend(lo, c35.compare(VectorOperators.LE, lo)); c35.blend(hi, c35.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 5 * L);
    }

    /**
     * 4 rows × 5 vectors of a full tile into Y, clamped in registers, as {@link #kernel4x6Clamp}.
     */
    private void kernel4x5Clamp(float[] x, int a0, int a1, int a2, int a3, int p, int bo, float[] y, int o, int s) {
        final int nr = 5 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo + 0 * L), b1 = FloatVector.fromArray(S, bias, bo + 1 * L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L), b4 = FloatVector.fromArray(S, bias, bo + 4 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c04 = b4, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c14 = b4, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c24 = b4, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c34 = b4;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo + 0 * L), w1 = FloatVector.fromArray(S, wt, wo + 1 * L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L), w4 = FloatVector.fromArray(S, wt, wo + 4 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03); c04 = v.fma(w4, c04);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13); c14 = v.fma(w4, c14);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23); c24 = v.fma(w4, c24);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33); c34 = v.fma(w4, c34);
        }
        float lo = this.lo, hi = this.hi;
        c00 = c00.blend(lo, c00.compare(VectorOperators.LE, lo)); c00.blend(hi, c00.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 0 * L);
        c01 = c01.blend(lo, c01.compare(VectorOperators.LE, lo)); c01.blend(hi, c01.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 1 * L);
        c02 = c02.blend(lo, c02.compare(VectorOperators.LE, lo)); c02.blend(hi, c02.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 2 * L);
        c03 = c03.blend(lo, c03.compare(VectorOperators.LE, lo)); c03.blend(hi, c03.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 3 * L);
        c04 = c04.blend(lo, c04.compare(VectorOperators.LE, lo)); c04.blend(hi, c04.compare(VectorOperators.GT, hi)).intoArray(y, o + 0 * s + 4 * L);
        c10 = c10.blend(lo, c10.compare(VectorOperators.LE, lo)); c10.blend(hi, c10.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 0 * L);
        c11 = c11.blend(lo, c11.compare(VectorOperators.LE, lo)); c11.blend(hi, c11.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 1 * L);
        c12 = c12.blend(lo, c12.compare(VectorOperators.LE, lo)); c12.blend(hi, c12.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 2 * L);
        c13 = c13.blend(lo, c13.compare(VectorOperators.LE, lo)); c13.blend(hi, c13.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 3 * L);
        c14 = c14.blend(lo, c14.compare(VectorOperators.LE, lo)); c14.blend(hi, c14.compare(VectorOperators.GT, hi)).intoArray(y, o + 1 * s + 4 * L);
        c20 = c20.blend(lo, c20.compare(VectorOperators.LE, lo)); c20.blend(hi, c20.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 0 * L);
        c21 = c21.blend(lo, c21.compare(VectorOperators.LE, lo)); c21.blend(hi, c21.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 1 * L);
        c22 = c22.blend(lo, c22.compare(VectorOperators.LE, lo)); c22.blend(hi, c22.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 2 * L);
        c23 = c23.blend(lo, c23.compare(VectorOperators.LE, lo)); c23.blend(hi, c23.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 3 * L);
        c24 = c24.blend(lo, c24.compare(VectorOperators.LE, lo)); c24.blend(hi, c24.compare(VectorOperators.GT, hi)).intoArray(y, o + 2 * s + 4 * L);
        c30 = c30.blend(lo, c30.compare(VectorOperators.LE, lo)); c30.blend(hi, c30.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 0 * L);
        c31 = c31.blend(lo, c31.compare(VectorOperators.LE, lo)); c31.blend(hi, c31.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 1 * L);
        c32 = c32.blend(lo, c32.compare(VectorOperators.LE, lo)); c32.blend(hi, c32.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 2 * L);
        c33 = c33.blend(lo, c33.compare(VectorOperators.LE, lo)); c33.blend(hi, c33.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 3 * L);
        c34 = c34.blend(lo, c34.compare(VectorOperators.LE, lo)); c34.blend(hi, c34.compare(VectorOperators.GT, hi)).intoArray(y, o + 3 * s + 4 * L);
    }

    /** 4 rows × 5 vectors, as {@link #kernel4x6}. */
    private void kernel4x5(float[] x, int a0, int a1, int a2, int a3, int rows, int p, int bo, float[] d, int o, int stride) {
        final int nr = 5 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + 1 * L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L), b4 = FloatVector.fromArray(S, bias, bo + 4 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c04 = b4, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c14 = b4, c20 = b0, c21 = b1, c22 = b2, c23 = b3, c24 = b4, c30 = b0, c31 = b1, c32 = b2, c33 = b3, c34 = b4;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + 1 * L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L), w4 = FloatVector.fromArray(S, wt, wo + 4 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03); c04 = v.fma(w4, c04);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13); c14 = v.fma(w4, c14);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23); c24 = v.fma(w4, c24);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33); c34 = v.fma(w4, c34);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + 1 * L); c02.intoArray(d, o + 2 * L); c03.intoArray(d, o + 3 * L); c04.intoArray(d, o + 4 * L);
        if (rows > 1) {
            c10.intoArray(d, o + stride); c11.intoArray(d, o + stride + 1 * L); c12.intoArray(d, o + stride + 2 * L); c13.intoArray(d, o + stride + 3 * L); c14.intoArray(d, o + stride + 4 * L);
        }
        if (rows > 2) {
            c20.intoArray(d, o + 2 * stride); c21.intoArray(d, o + 2 * stride + 1 * L); c22.intoArray(d, o + 2 * stride + 2 * L); c23.intoArray(d, o + 2 * stride + 3 * L); c24.intoArray(d, o + 2 * stride + 4 * L);
        }
        if (rows > 3) {
            c30.intoArray(d, o + 3 * stride); c31.intoArray(d, o + 3 * stride + 1 * L); c32.intoArray(d, o + 3 * stride + 2 * L); c33.intoArray(d, o + 3 * stride + 3 * L); c34.intoArray(d, o + 3 * stride + 4 * L);
        }
    }

    /** 2 rows × 4 vectors into the tile buffer, as {@link #kernel6x4}. */
    private void kernel2x4(float[] x, int a0, int a1, int p, int bo, float[] d, int o, int stride) {
        final int nr = 4 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L), b2 = FloatVector.fromArray(S, bias, bo + 2 * L), b3 = FloatVector.fromArray(S, bias, bo + 3 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3, c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L), w3 = FloatVector.fromArray(S, wt, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + L); c02.intoArray(d, o + 2 * L); c03.intoArray(d, o + 3 * L);
        c10.intoArray(d, o + stride); c11.intoArray(d, o + stride + L); c12.intoArray(d, o + stride + 2 * L); c13.intoArray(d, o + stride + 3 * L);
    }

    /** 12 rows × 2 vectors, as {@link #kernel6x4} (24 accumulators, as 6 × 4). */
    private void kernel12x2(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int p, int bo, float[] d, int o, int stride) {
        final int nr = 2 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c000 = b0, c001 = b1, c010 = b0, c011 = b1, c020 = b0, c021 = b1, c030 = b0, c031 = b1, c040 = b0, c041 = b1, c050 = b0, c051 = b1, c060 = b0, c061 = b1, c070 = b0, c071 = b1, c080 = b0, c081 = b1, c090 = b0, c091 = b1, c100 = b0, c101 = b1, c110 = b0, c111 = b1;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c000 = v.fma(w0, c000); c001 = v.fma(w1, c001);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c010 = v.fma(w0, c010); c011 = v.fma(w1, c011);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c020 = v.fma(w0, c020); c021 = v.fma(w1, c021);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c030 = v.fma(w0, c030); c031 = v.fma(w1, c031);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c040 = v.fma(w0, c040); c041 = v.fma(w1, c041);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c050 = v.fma(w0, c050); c051 = v.fma(w1, c051);
            v = FloatVector.broadcast(S, x[a6 + k]);
            c060 = v.fma(w0, c060); c061 = v.fma(w1, c061);
            v = FloatVector.broadcast(S, x[a7 + k]);
            c070 = v.fma(w0, c070); c071 = v.fma(w1, c071);
            v = FloatVector.broadcast(S, x[a8 + k]);
            c080 = v.fma(w0, c080); c081 = v.fma(w1, c081);
            v = FloatVector.broadcast(S, x[a9 + k]);
            c090 = v.fma(w0, c090); c091 = v.fma(w1, c091);
            v = FloatVector.broadcast(S, x[a10 + k]);
            c100 = v.fma(w0, c100); c101 = v.fma(w1, c101);
            v = FloatVector.broadcast(S, x[a11 + k]);
            c110 = v.fma(w0, c110); c111 = v.fma(w1, c111);
        }
        c000.intoArray(d, o); c001.intoArray(d, o + L);
        c010.intoArray(d, o + stride); c011.intoArray(d, o + stride + L);
        c020.intoArray(d, o + 2 * stride); c021.intoArray(d, o + 2 * stride + L);
        c030.intoArray(d, o + 3 * stride); c031.intoArray(d, o + 3 * stride + L);
        c040.intoArray(d, o + 4 * stride); c041.intoArray(d, o + 4 * stride + L);
        c050.intoArray(d, o + 5 * stride); c051.intoArray(d, o + 5 * stride + L);
        c060.intoArray(d, o + 6 * stride); c061.intoArray(d, o + 6 * stride + L);
        c070.intoArray(d, o + 7 * stride); c071.intoArray(d, o + 7 * stride + L);
        c080.intoArray(d, o + 8 * stride); c081.intoArray(d, o + 8 * stride + L);
        c090.intoArray(d, o + 9 * stride); c091.intoArray(d, o + 9 * stride + L);
        c100.intoArray(d, o + 10 * stride); c101.intoArray(d, o + 10 * stride + L);
        c110.intoArray(d, o + 11 * stride); c111.intoArray(d, o + 11 * stride + L);
    }

    /** 6 rows × 2 vectors, as {@link #kernel6x4}. */
    private void kernel6x2(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int p, int bo, float[] d, int o, int stride) {
        final int nr = 2 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo), b1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + L);
        c10.intoArray(d, o + stride); c11.intoArray(d, o + stride + L);
        c20.intoArray(d, o + 2 * stride); c21.intoArray(d, o + 2 * stride + L);
        c30.intoArray(d, o + 3 * stride); c31.intoArray(d, o + 3 * stride + L);
        c40.intoArray(d, o + 4 * stride); c41.intoArray(d, o + 4 * stride + L);
        c50.intoArray(d, o + 5 * stride); c51.intoArray(d, o + 5 * stride + L);
    }

    /**
     * 12 pixels of 1.5 vectors of output channels ({@link #pairs}) into {@code d} at {@code o}, contiguous: pixels 2i and
     * 2i + 1 are 3 vectors, the first pixel's first L channels, its last L/2 with the second's first L/2, the second's
     * last L. Per input channel the middle vector's multiplier is the two pixels' broadcasts blended at L/2; the
     * weights ({@link PairPanels}) and the bias run in the same pattern. 18 accumulators, 3 FMAs per pixel pair and
     * input channel where padding each pixel to 2 vectors took 4.
     */
    private void kernelPairs12(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, float[] d, int o) {
        final int nr = 3 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, 0), b1 = FloatVector.fromArray(S, bias, L), b2 = FloatVector.fromArray(S, bias, 2 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c10 = b0, c11 = b1, c12 = b2, c20 = b0, c21 = b1, c22 = b2, c30 = b0, c31 = b1, c32 = b2, c40 = b0, c41 = b1, c42 = b2, c50 = b0, c51 = b1, c52 = b2;
        float[] wt = w;
        VectorMask<Float> second = SECOND_PIXEL;
        for (int k = 0, wo = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L);
            FloatVector u = FloatVector.broadcast(S, x[a0 + k]); FloatVector v = FloatVector.broadcast(S, x[a1 + k]);
            c00 = u.fma(w0, c00); c01 = u.blend(v, second).fma(w1, c01); c02 = v.fma(w2, c02);
            u = FloatVector.broadcast(S, x[a2 + k]); v = FloatVector.broadcast(S, x[a3 + k]);
            c10 = u.fma(w0, c10); c11 = u.blend(v, second).fma(w1, c11); c12 = v.fma(w2, c12);
            u = FloatVector.broadcast(S, x[a4 + k]); v = FloatVector.broadcast(S, x[a5 + k]);
            c20 = u.fma(w0, c20); c21 = u.blend(v, second).fma(w1, c21); c22 = v.fma(w2, c22);
            u = FloatVector.broadcast(S, x[a6 + k]); v = FloatVector.broadcast(S, x[a7 + k]);
            c30 = u.fma(w0, c30); c31 = u.blend(v, second).fma(w1, c31); c32 = v.fma(w2, c32);
            u = FloatVector.broadcast(S, x[a8 + k]); v = FloatVector.broadcast(S, x[a9 + k]);
            c40 = u.fma(w0, c40); c41 = u.blend(v, second).fma(w1, c41); c42 = v.fma(w2, c42);
            u = FloatVector.broadcast(S, x[a10 + k]); v = FloatVector.broadcast(S, x[a11 + k]);
            c50 = u.fma(w0, c50); c51 = u.blend(v, second).fma(w1, c51); c52 = v.fma(w2, c52);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + 1 * L); c02.intoArray(d, o + 2 * L);
        c10.intoArray(d, o + 3 * L); c11.intoArray(d, o + 4 * L); c12.intoArray(d, o + 5 * L);
        c20.intoArray(d, o + 6 * L); c21.intoArray(d, o + 7 * L); c22.intoArray(d, o + 8 * L);
        c30.intoArray(d, o + 9 * L); c31.intoArray(d, o + 10 * L); c32.intoArray(d, o + 11 * L);
        c40.intoArray(d, o + 12 * L); c41.intoArray(d, o + 13 * L); c42.intoArray(d, o + 14 * L);
        c50.intoArray(d, o + 15 * L); c51.intoArray(d, o + 16 * L); c52.intoArray(d, o + 17 * L);
    }

    /** 6 pixels of 1.5 vectors, as {@link #kernelPairs12}. */
    private void kernelPairs6(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, float[] d, int o) {
        final int nr = 3 * L;
        FloatVector b0 = FloatVector.fromArray(S, bias, 0), b1 = FloatVector.fromArray(S, bias, L), b2 = FloatVector.fromArray(S, bias, 2 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c10 = b0, c11 = b1, c12 = b2, c20 = b0, c21 = b1, c22 = b2;
        float[] wt = w;
        VectorMask<Float> second = SECOND_PIXEL;
        for (int k = 0, wo = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo), w1 = FloatVector.fromArray(S, wt, wo + L), w2 = FloatVector.fromArray(S, wt, wo + 2 * L);
            FloatVector u = FloatVector.broadcast(S, x[a0 + k]); FloatVector v = FloatVector.broadcast(S, x[a1 + k]);
            c00 = u.fma(w0, c00); c01 = u.blend(v, second).fma(w1, c01); c02 = v.fma(w2, c02);
            u = FloatVector.broadcast(S, x[a2 + k]); v = FloatVector.broadcast(S, x[a3 + k]);
            c10 = u.fma(w0, c10); c11 = u.blend(v, second).fma(w1, c11); c12 = v.fma(w2, c12);
            u = FloatVector.broadcast(S, x[a4 + k]); v = FloatVector.broadcast(S, x[a5 + k]);
            c20 = u.fma(w0, c20); c21 = u.blend(v, second).fma(w1, c21); c22 = v.fma(w2, c22);
        }
        c00.intoArray(d, o); c01.intoArray(d, o + 1 * L); c02.intoArray(d, o + 2 * L);
        c10.intoArray(d, o + 3 * L); c11.intoArray(d, o + 4 * L); c12.intoArray(d, o + 5 * L);
        c20.intoArray(d, o + 6 * L); c21.intoArray(d, o + 7 * L); c22.intoArray(d, o + 8 * L);
    }

    /** 6 rows × 1 vector (layers with at most L output channels, or the last L of a panel set), as {@link #kernel6x4}. */
    private void kernel6x1(float[] x, int a0, int a1, int a2, int a3, int a4, int a5, int p, int bo, float[] d, int o, int stride) {
        final int nr = L;
        FloatVector b0 = FloatVector.fromArray(S, bias, bo);
        FloatVector c00 = b0, c10 = b0, c20 = b0, c30 = b0, c40 = b0, c50 = b0;
        float[] wt = panelArray[p];
        int wo = panelOffset[p];
        for (int k = 0; k < cin; k++, wo += nr) {
            FloatVector w0 = FloatVector.fromArray(S, wt, wo);
            FloatVector v = FloatVector.broadcast(S, x[a0 + k]);
            c00 = v.fma(w0, c00);
            v = FloatVector.broadcast(S, x[a1 + k]);
            c10 = v.fma(w0, c10);
            v = FloatVector.broadcast(S, x[a2 + k]);
            c20 = v.fma(w0, c20);
            v = FloatVector.broadcast(S, x[a3 + k]);
            c30 = v.fma(w0, c30);
            v = FloatVector.broadcast(S, x[a4 + k]);
            c40 = v.fma(w0, c40);
            v = FloatVector.broadcast(S, x[a5 + k]);
            c50 = v.fma(w0, c50);
        }
        c00.intoArray(d, o);
        c10.intoArray(d, o + stride);
        c20.intoArray(d, o + 2 * stride);
        c30.intoArray(d, o + 3 * stride);
        c40.intoArray(d, o + 4 * stride);
        c50.intoArray(d, o + 5 * stride);
    }

    /**
     * The tile buffer's first {@code rows} rows and {@code cols} columns (rows {@code width} apart in t, bias included),
     * clamped when {@code clamp}, into Y. The clamp runs on the buffer first, as its own pass ({@link VectorClamp#rows}:
     * the buffer's rows are whole vectors), so that the copy loop holds no call: with {@code VectorClamp.apply} inside
     * it, C2 left the call out of line in a model where most stores do not clamp ("low call site frequency") and boxed
     * every vector the loop copied, clamped or not — 7 MB per call of ppocr_v4_det's 48→48 1x1 at 160², whose 48
     * channels always come through here (1.26 CPU ms per call after the model against 0.82 alone).
     */
    private void store(float[] t, int width, float[] y, int yo, int rows, int cols, boolean clamp) {
        if (clamp) VectorClamp.rows(t, 0, width, rows, width, lo, hi);
        int full = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int to = r * width, o = yo + r * cout;
            for (int j = 0; j < full; j += L) FloatVector.fromArray(S, t, to + j).intoArray(y, o + j);
            if (full < cols) FloatVector.fromArray(S, t, to + full).intoArray(y, o + full, S.indexInRange(full, cols));
        }
    }
}
