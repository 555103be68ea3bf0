package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Parallel;

/**
 * An inverted-residual block — an optional expand 1x1 (or the network's stem, a direct convolution
 * of the RGB image: {@link StemConvDirect}), the depthwise 3x3, an optional projection 1x1 (with the
 * block's residual) — run as one kernel over row strips, so that the maps between the
 * three layers never leave L2. Unfused, MobileNetV2's 16→96 expand at 112×112 writes 4.8 MB that the
 * depthwise reads back from L3 (L2 is 1 MB per core), and the depthwise's 1.2–1.8 MB outputs at 56²
 * and 112² make the same trip to the projection: those layers run at the memory's pace.
 *
 * <p>Each thread owns a range of depthwise output rows and walks it in strips of {@link #stripRows}
 * rows. For a strip the depthwise needs input rows {@code [oy0·sH − padT, (oy1−1)·sH − padT + 3)}:
 * with an expand (or a stem) they are computed ({@link PointwiseConv#pixels}, {@link StemConvDirect#rows})
 * into a per-thread row buffer, the
 * rows shared with the previous strip (the window's overlap: 2 at stride 1, 1 at stride 2) moved to
 * its start rather than recomputed, and {@link DepthwiseDirect3x3} reads that buffer through an
 * offset that places input row {@code lo} at its start; without one it reads X in place. With a
 * projection the depthwise writes the strip's rows into a second buffer and the projection turns
 * them into Y's rows (adding the residual) right away; without one it writes Y.
 *
 * <p>Threads take one of four partitions ({@link BlockPartition}); {@link #partition} picks one per call by a rule
 * written for 2 to 64 cores, from what a thread reads from beyond its own L2 and how many calls (waits) a block costs:
 * <ol>
 * <li><b>Rows</b> (each thread its range of depthwise output rows, below) make every thread stream all of the block's
 * weights but hand only halo rows between cores. The <b>layers in turn</b> stream a t-th of the weights per thread
 * and read (t−1)/t of the expanded and of the depthwise map from other cores, in three calls. <b>Channels</b> stream
 * a t-th of the weights and hand over only the depthwise map, in two calls: each thread expands whole panels of the
 * expanded channels for every pixel and runs the depthwise on just those channels (a depthwise channel needs no
 * other), then the projection runs split by its own rule. So, whatever t: rows while the weights are no larger than
 * the depthwise map; else channels when whole expand panels cut evenly ({@link #evenPanels}); else rows while the
 * weights are no larger than both inner maps; else the layers in turn. Rows also need three quarters of the threads
 * busy (7 rows on 16 cores do not).
 * <li>Rows come as <b>strips</b> (one call), which recompute the expanded rows each window shares with the previous
 * range (2 at stride 1, 1 at stride 2) at every cut: chosen while that is at most 1/{@link #MAX_RECOMPUTE} of the
 * expand (14 rows on 2 threads at stride 1: 2 of 7). More than that (3.5 rows a thread would recompute 4/7 of the
 * expand, 1-row shares on 64 cores twice it), <b>two phases</b> over one row partition: each thread first expands
 * exactly the input rows its output rows own (the centre rows of their windows, {@link #ownedFrom}) into one whole
 * expanded map, then, after that call returns, runs the depthwise and the projection on its output rows, reading one
 * row of each neighbour: nothing is computed twice, two calls instead of three, and only those halo rows change cores
 * (the caller runs share 0 of both calls and a worker share 1, so rows tend to stay where they were written). When a
 * thread's expanded rows would not fit its L2 budget, strips, which hold a few rows at a time.
 * </ol>
 *
 * <p>Why a third: on this 2-vCPU VM every call that hands work between threads costs far more in a "slow state" that
 * comes and goes for minutes (bench/RESULTS.md) than in the fast one. Measured within one JVM, run by run alternated
 * (both sides see the same state; MobileNetV2, 2 threads, per-block medians): the 14² stride-1 blocks ran 0.050 ms
 * (384 channels) and 0.102 (576) in two phases in the fast state and 0.071–0.082 and 0.132–0.144 in the slow one; as
 * strips, recomputing 2/7 of the expand, 0.052 and 0.108 fast but 0.057–0.060 and 0.115–0.119 slow. Over the whole
 * model strips there gave 1.74–1.86 ms fast (two phases 1.72–1.84, the layers in turn 1.75–1.87) and 2.00–2.04 slow
 * (two phases 2.10–2.19, in turn 2.20–2.32). So at 2 threads MobileNetV2 runs its 112² to 14² blocks as strips, the
 * 14²→7² block in turn (its 576 expanded channels make 9 panels of 64, 5 + 4) and the 7² blocks by channels (15
 * panels, 8 + 7: 0.074–0.076 ms fast as in turn, 0.107–0.111 slow against 0.112–0.121). Two phases take over where
 * rows per thread get fewer (14² maps on 4 threads and more).
 *
 * <p>Every value is the FMA chain its layer's kernel computes for it wherever its tile or strip
 * starts, and activation tails give the bits of full vectors: the result is bit-identical to the
 * layers run one after the other, for any thread count.
 */
public final class InvertedResidualConv {
    /**
     * Floats of expanded rows per thread: 96 K floats (384 KB), so that these rows, the depthwise's strip, the
     * weights and the output rows share the 1 MB L2.
     */
    private static final int EXPANDED_BUDGET_FLOATS = 96 << 10;
    /**
     * Floats of depthwise output rows per thread (the projection's input): 32 K floats (128 KB), or half the block's
     * weights when that is more ({@link #stripBudgetFloats}).
     */
    private static final int STRIP_BUDGET_FLOATS = 32 << 10;
    private static final long MIN_MACS_PER_SHARE = 1 << 17;
    /** Strips when they recompute at most 1/MAX_RECOMPUTE of the expand (see the class comment). */
    private static final int MAX_RECOMPUTE = 3;
    /** Channel shares at most 1/MAX_PANEL_EXCESS above an even share ({@link #evenPanels}). */
    private static final int MAX_PANEL_EXCESS = 12;

    /** The layer before the depthwise: a {@link PointwiseConv} (an expand) or a {@link StemConvDirect} (a stem); null for none. */
    private final ConvKernel expand;
    private final PointwiseConv project;
    private final DepthwiseConv depthwise;
    private final DepthwiseDirect3x3 direct;
    private final Geometry g;
    private final int batch, xChannels, c, yChannels, inRowFloats, outRowFloats, stripRows;
    /** Floats of one image of X (a stem's image is larger than the depthwise's input map). */
    private final int xImageFloats;
    private final boolean expandClamp, xNchw;
    private final long macsPerOutRow;
    /**
     * Floats of the block's weights, of its maps between layers (the expanded map, the depthwise's with a projection),
     * and of the depthwise's output.
     */
    private final long weightFloats, innerMapFloats, depthwiseMapFloats;

    private InvertedResidualConv(int batch, ConvShape expandShape, ConvKernel expand, DepthwiseConv depthwise, PointwiseConv project,
                                 int stripRows) {
        this.expand = expand;
        this.depthwise = depthwise;
        this.project = project;
        this.direct = depthwise.direct();
        this.g = depthwise.geometry();
        this.batch = batch;
        this.c = depthwise.channels();
        this.xChannels = expand != null ? expandShape.inChannels() : c;
        this.xImageFloats = expand != null ? xChannels * expandShape.inSpatialSize() : c * g.inPixels();
        this.yChannels = project != null ? project.outChannels() : c;
        this.inRowFloats = g.inW() * c;
        this.outRowFloats = g.outW() * c;
        this.weightFloats = 9L * c + (expand == null ? 0 : (long) xChannels * expandShape.kernelSize() * c) + (project == null ? 0 : (long) c * yChannels);
        int rows = Integer.MAX_VALUE;
        if (expand != null) rows = (Math.max(3, EXPANDED_BUDGET_FLOATS / inRowFloats) - 3) / g.strideH() + 1;
        if (project != null) rows = Math.min(rows, (int) Math.min(Integer.MAX_VALUE, stripBudgetFloats(weightFloats) / outRowFloats));
        this.stripRows = stripRows > 0 ? stripRows : Math.max(1, Math.min(rows, g.outH()));
        this.expandClamp = expand instanceof PointwiseConv e && e.clampsInStores(false);
        this.xNchw = expand instanceof StemConvDirect;
        this.macsPerOutRow = (long) g.outW() * c * 9
                + (expand == null ? 0 : (long) g.strideH() * g.inW() * xChannels * expandShape.kernelSize() * c)
                + (project == null ? 0 : (long) g.outW() * c * yChannels);
        this.innerMapFloats = (expand == null ? 0 : (long) batch * g.inPixels() * c) + (project == null ? 0 : (long) batch * g.outPixels() * c);
        this.depthwiseMapFloats = (long) batch * g.outPixels() * c;
    }

    /**
     * Floats of depthwise output rows a strip may hold: {@link #STRIP_BUDGET_FLOATS}, or half the block's weights when
     * that is more. Every strip streams all of the block's weights through the core; under large weights (MobileNetV2's
     * 14² and 7² blocks: 0.4–1.8 MB, L2 is 1 MB) they come from L3 again for each strip, and fewer, taller strips save
     * more than their rows cost in L2. Measured alone at 1 thread (`BlockProbe`, min of 1200 calls, strip rows 4 → 7):
     * 160→960→160 at 7² 162–169 → 154–159 µs, 160→960→320 231–236 → 225–227; 96→576→96 at 14², 4 → 5–14 rows:
     * 237–239 → 226–235 µs. Blocks with small weights keep 128 KB (24→144→24 at 56², 4 → 8 rows: 363 → 376–386 µs).
     */
    private static long stripBudgetFloats(long weightFloats) {
        return Math.max(STRIP_BUDGET_FLOATS, weightFloats / 2);
    }

    /**
     * The fused kernel of a block, or null when its layers do not form the pattern this kernel runs: a
     * depthwise layer that runs {@link DepthwiseDirect3x3} (3x3, dilation 1, channels a multiple of the vector
     * length, width stride 1 or 2), with an expand (null for none) that is a unit-stride {@link PointwiseConv}
     * or a {@link StemConvDirect} whose output is the depthwise's input, and/or a projection (null for none) that is a unit-stride
     * {@link PointwiseConv} over the depthwise's output; at least one of the two. {@code stripRows}: depthwise
     * output rows per strip, 0 for the kernel's L2 budget.
     */
    public static InvertedResidualConv of(ConvShape expandShape, ConvKernel expand, ConvShape depthwiseShape, ConvKernel depthwise,
                                          ConvShape projectShape, ConvKernel project, int stripRows) {
        if (!(depthwise instanceof DepthwiseConv d) || d.direct() == null || (expand == null && project == null)) return null;
        PointwiseConv p = null;
        if (expand != null) {
            boolean rows = expand instanceof PointwiseConv pw && pw.unitStride() || expand instanceof StemConvDirect;
            if (!rows || expandShape.batch() != depthwiseShape.batch() || expandShape.outChannels() != depthwiseShape.inChannels()
                    || !java.util.Arrays.equals(depthwiseShape.inSpatial(), expandShape.outSpatial())) {
                return null;
            }
        }
        if (project != null) {
            if (!(project instanceof PointwiseConv pw) || !pw.unitStride() || projectShape.batch() != depthwiseShape.batch()
                    || projectShape.inChannels() != depthwiseShape.outChannels()
                    || !java.util.Arrays.equals(projectShape.inSpatial(), depthwiseShape.outSpatial())) {
                return null;
            }
            p = pw;
        }
        return new InvertedResidualConv(depthwiseShape.batch(), expandShape, expand, d, p, stripRows);
    }

    /** Depthwise output rows per strip. */
    public int stripRows() {
        return stripRows;
    }

    /** True when X is read in NCHW (a stem before the depthwise reads the image in place), else NHWC. */
    public boolean readsNchw() {
        return xNchw;
    }

    /**
     * X (the block's input: NCHW when {@link #readsNchw()}, else NHWC), Y (its output) and the residual (null for
     * none; only with a projection) in NHWC.
     */
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        run(x, xOff, y, yOff, res, resOff, parallel, null);
    }

    /**
     * As {@link #run(float[], int, float[], int, float[], int, Parallel)} with the partition {@code forced} (null: the
     * kernel's rule, {@link #partition}). A forced partition takes a share per row up to the thread count whatever the
     * work, so that tests reach every cut on small maps.
     */
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel, BlockPartition forced) {
        if (res != null && project == null) throw new IllegalArgumentException("an inverted-residual block without a projection takes no residual");
        int rows = batch * g.outH();
        int wanted = forced != null ? parallel.threads() : wantedShares(parallel);
        BlockPartition how = forced != null ? forced : partition(wanted);
        // even shares of whole rows (56 rows on 2 threads: 28 + 28); a grain of 8 rows would cut 56 rows into 24 + 32
        // and cap 2 threads at 1.75×
        int shares = Math.min(wanted, rows);
        switch (how) {
            case LAYERS_IN_TURN -> layersInTurn(x, xOff, y, yOff, res, resOff, parallel);
            case CHANNELS -> {
                if (expand instanceof PointwiseConv pw && wanted > 1) channels(pw, x, xOff, y, yOff, res, resOff, parallel, wanted);
                else layersInTurn(x, xOff, y, yOff, res, resOff, parallel);
            }
            case TWO_PHASE -> {
                if (expand == null || shares <= 1) strips(x, xOff, y, yOff, res, resOff, parallel, shares);
                else twoPhase(x, xOff, y, yOff, res, resOff, parallel, shares);
            }
            case STRIPS -> strips(x, xOff, y, yOff, res, resOff, parallel, shares);
        }
    }

    /** The partition the kernel's rule picks for {@code parallel} (see the class comment). */
    public BlockPartition partition(Parallel parallel) {
        return partition(wantedShares(parallel));
    }

    /** Shares the block's work is worth on {@code parallel}: at least {@code MIN_MACS_PER_SHARE} multiply-adds each. */
    private int wantedShares(Parallel parallel) {
        return parallel.sharesFor((long) batch * g.outH() * macsPerOutRow, MIN_MACS_PER_SHARE);
    }

    /** The rule of the class comment for {@code wanted} shares of work. */
    private BlockPartition partition(int wanted) {
        int rows = batch * g.outH();
        if (wanted <= 1) return BlockPartition.STRIPS;
        int shares = Math.min(wanted, rows), sH = g.strideH();
        // whole rows, or whole panels of expanded channels, for at least three quarters of the threads
        boolean rowsFit = 4 * shares >= 3 * wanted;
        boolean channelsFit = expand instanceof PointwiseConv pw && evenPanels(pw.panelCount(), wanted);
        // bytes a thread reads from beyond its L2 (class comment): rows all the weights, channels 1/t of them and
        // (t−1)/t of the depthwise's map, the layers in turn that and (t−1)/t of the expanded map
        if (!rowsFit || weightFloats > depthwiseMapFloats) {
            if (channelsFit) return BlockPartition.CHANNELS;
            if (!rowsFit || weightFloats > innerMapFloats) return BlockPartition.LAYERS_IN_TURN;
        }
        // no expand: strips recompute nothing
        if (expand == null) return BlockPartition.STRIPS;
        // strips recompute the window's overlap (3 − sH expanded rows) at each cut, against rows·sH / shares rows of
        // their own: at most 1/MAX_RECOMPUTE of the expand is worth one call less
        long own = (long) rows * sH, overlap = (long) Math.max(0, 3 - sH) * shares;
        if (overlap * MAX_RECOMPUTE <= own) return BlockPartition.STRIPS;
        // a share's expanded rows written whole must stay in its L2 until its depthwise reads them; wider ones (not
        // met in MobileNetV2 below 8 rows a share) take strips, which hold a few rows at a time
        long shareFloats = ((own + shares - 1) / shares + 2) * inRowFloats;
        return shareFloats <= EXPANDED_BUDGET_FLOATS ? BlockPartition.TWO_PHASE : BlockPartition.STRIPS;
    }

    /**
     * True when whole panels cut into {@code wanted} shares keep three quarters of the threads busy and the largest
     * share at most 1/{@link #MAX_PANEL_EXCESS} above an even one: 960 channels in 15 panels on 2 threads (8 + 7, 7 %
     * above), not 576 in 9 (5 + 4, 11 %: 0.078–0.082 ms against 0.075–0.079 in turn on MobileNetV2's features.14).
     */
    private static boolean evenPanels(int panels, int wanted) {
        int shares = Math.min(wanted, panels), most = (panels + shares - 1) / shares;
        return 4 * shares >= 3 * wanted && (long) most * shares * MAX_PANEL_EXCESS <= (long) panels * (MAX_PANEL_EXCESS + 1);
    }

    /** Each share's output rows strip by strip, expanding the rows each strip's window needs ({@link #image}). */
    private void strips(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel, int shares) {
        int outH = g.outH(), rows = batch * outH;
        parallel.forRange(rows, 1, shares, (r0, r1) -> {
            float[] expanded = expand == null ? null
                    : ConvScratch.get(ConvScratch.ROWS, (long) ((stripRows - 1) * g.strideH() + 3) * inRowFloats);
            float[] strip = project == null ? null : ConvScratch.get(ConvScratch.STRIP, (long) stripRows * outRowFloats);
            for (int r = r0; r < r1; ) {
                int n = r / outH, first = r % outH, last = Math.min(outH, first + (r1 - r));
                int yo = yOff + n * g.outPixels() * yChannels;
                image(x, xOff + n * xImageFloats, y, yo, res, resOff + n * g.outPixels() * yChannels, expanded, strip, first, last);
                r += last - first;
            }
        });
    }

    /**
     * {@link BlockPartition#TWO_PHASE}: one row partition, two calls. First each share expands the input rows its output
     * rows own ({@link #ownedFrom}) into one whole expanded map in the caller's scratch; then each share runs the
     * depthwise and the projection on its output rows, reading one neighbour's row on each side. Both calls cut the
     * rows the same way, so share s reads back what share s wrote (the caller runs share 0 of both; with one worker
     * per further share the rows tend to stay on their core).
     */
    private void twoPhase(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel, int shares) {
        int outH = g.outH(), rows = batch * outH, mapFloats = g.inPixels() * c;
        float[] expanded = ConvScratch.get(ConvScratch.ROWS, (long) batch * mapFloats);
        parallel.forRange(rows, 1, shares, (r0, r1) -> {
            for (int r = r0; r < r1; ) {
                int n = r / outH, first = r % outH, last = Math.min(outH, first + (r1 - r));
                int lo = ownedFrom(first), hi = ownedFrom(last), xo = xOff + n * xImageFloats;
                if (hi > lo) expandRows(x, xo, expanded, n * mapFloats, lo, hi);
                r += last - first;
            }
        });
        parallel.forRange(rows, 1, shares, (r0, r1) -> {
            float[] strip = project == null ? null : ConvScratch.get(ConvScratch.STRIP, (long) stripRows * outRowFloats);
            for (int r = r0; r < r1; ) {
                int n = r / outH, first = r % outH, last = Math.min(outH, first + (r1 - r));
                int yo = yOff + n * g.outPixels() * yChannels, ro = resOff + n * g.outPixels() * yChannels;
                for (int s0 = first; s0 < last; s0 += stripRows) {
                    depthwiseStrip(expanded, n * mapFloats, y, yo, res, ro, strip, s0, Math.min(last, s0 + stripRows));
                }
                r += last - first;
            }
        });
    }

    /**
     * The first expanded row owned by the share whose output rows start at {@code oy}: the centre row of oy's window,
     * so that a share reads one row of the previous share's (and at stride 1 one of the next's) and no more; 0 for the
     * first share, and for {@code oy = outH} the end of the rows any window reads.
     */
    private int ownedFrom(int oy) {
        int sH = g.strideH(), padT = g.padT(), inH = g.inH();
        if (oy == 0) return 0;
        if (oy == g.outH()) return Math.max(0, Math.min(inH, (oy - 1) * sH - padT + 3));
        return Math.max(0, Math.min(inH, oy * sH - padT + 1));
    }

    /**
     * {@link BlockPartition#CHANNELS}: each share expands panels {@code [p0, p1)} of the expanded channels for every
     * pixel into one whole map, and runs the depthwise on those channels into a second one (or Y); then the projection
     * runs on that map split by its own rule (a small map under large weights: by panels of its output channels).
     */
    private void channels(PointwiseConv pw, float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel, int shares) {
        int mapFloats = g.inPixels() * c, outFloats = g.outPixels() * c, outH = g.outH(), outW = g.outW(), pixels = batch * g.inPixels();
        float[] expanded = ConvScratch.get(ConvScratch.ROWS, (long) batch * mapFloats);
        float[] dw = project == null ? y : ConvScratch.get(ConvScratch.STRIP, (long) batch * outFloats);
        int dwOff = project == null ? yOff : 0;
        parallel.forRange(pw.panelCount(), 1, shares, (p0, p1) -> {
            int ch0 = pw.panelStart(p0), ch1 = pw.panelStart(p1);
            pw.pixels(x, xOff, expanded, 0, 0, pixels, p0, p1, expandClamp);
            for (int n = 0; n < batch; n++) {
                direct.run(expanded, n * mapFloats, dw, dwOff + n * outFloats, null, 0, depthwise.activation(), 0, outH, 0, outW, ch0, ch1);
            }
        });
        if (project != null) project.run(dw, 0, y, yOff, res, resOff, parallel);
    }

    /**
     * The block's layers one after the other through two whole maps in the caller's scratch: the same values as the
     * strips (each layer's kernel computes every value the same way wherever its tile starts).
     */
    private void layersInTurn(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        float[] src = x;
        int srcOff = xOff;
        if (expand != null) {
            float[] expanded = ConvScratch.get(ConvScratch.ROWS, (long) batch * g.inPixels() * c);
            if (expand instanceof StemConvDirect stem) stem.runNchwInput(x, xOff, expanded, 0, null, 0, parallel);
            else expand.run(x, xOff, expanded, 0, null, 0, parallel);
            src = expanded;
            srcOff = 0;
        }
        if (project == null) {
            depthwise.run(src, srcOff, y, yOff, null, 0, parallel);
            return;
        }
        float[] dw = ConvScratch.get(ConvScratch.STRIP, (long) batch * g.outPixels() * c);
        depthwise.run(src, srcOff, dw, 0, null, 0, parallel);
        project.run(dw, 0, y, yOff, res, resOff, parallel);
    }

    /** Rows {@code [lo, hi)} of one image's expanded map from its X at {@code xo}, row r at {@code buf[bufOff + r·inW·c]}. */
    private void expandRows(float[] x, int xo, float[] buf, int bufOff, int lo, int hi) {
        if (expand instanceof PointwiseConv pw) pw.pixels(x, xo, buf, bufOff, null, 0, lo * g.inW(), hi * g.inW(), expandClamp);
        else ((StemConvDirect) expand).rows(x, xo, xNchw, buf, bufOff, lo, hi);
    }

    /** Depthwise output rows {@code [oy0, oy1)} of one image, strip by strip. */
    private void image(float[] x, int xo, float[] y, int yo, float[] res, int ro, float[] expanded, float[] strip, int oy0, int oy1) {
        int sH = g.strideH(), padT = g.padT(), inH = g.inH();
        // the expanded buffer holds rows [have0, have1) from its start
        int have0 = 0, have1 = 0;
        for (int s0 = oy0; s0 < oy1; s0 += stripRows) {
            int s1 = Math.min(oy1, s0 + stripRows);
            float[] src = x;
            int srcOff = xo;
            if (expand != null) {
                int lo = Math.max(0, s0 * sH - padT), hi = Math.min(inH, (s1 - 1) * sH - padT + 3);
                if (hi > lo) {
                    if (lo >= have0 && lo < have1) {
                        System.arraycopy(expanded, (lo - have0) * inRowFloats, expanded, 0, (have1 - lo) * inRowFloats);
                        have0 = lo;
                    } else {
                        have0 = lo;
                        have1 = lo;
                    }
                    if (hi > have1) {
                        // row r of the expanded map lands at expanded[(r - have0)·inW·c]
                        expandRows(x, xo, expanded, -have0 * inRowFloats, have1, hi);
                        have1 = hi;
                    }
                }
                // rows with no kernel row inside (pads past the kernel) read nothing
                src = expanded;
                srcOff = -have0 * inRowFloats;
            }
            depthwiseStrip(src, srcOff, y, yo, res, ro, strip, s0, s1);
        }
    }

    /**
     * Depthwise output rows {@code [s0, s1)} of one image from its input map at {@code srcOff} (row r of the map at
     * {@code srcOff + r·inW·c}), into Y, or with a projection through {@code strip} and the projection into Y.
     */
    private void depthwiseStrip(float[] src, int srcOff, float[] y, int yo, float[] res, int ro, float[] strip, int s0, int s1) {
        int outW = g.outW();
        if (project == null) {
            direct.run(src, srcOff, y, yo, null, 0, depthwise.activation(), s0, s1, 0, outW);
        } else {
            // depthwise row oy lands at strip[(oy - s0)·outW·c]; the projection reads pixel q there
            direct.run(src, srcOff, strip, -s0 * outRowFloats, null, 0, depthwise.activation(), s0, s1, 0, outW);
            project.pixels(strip, -s0 * outRowFloats, y, yo, res, ro, s0 * outW, s1 * outW, project.clampsInStores(res != null));
        }
    }
}
