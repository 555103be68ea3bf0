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
 * <p>Threads take even shares of whole rows, at most one per {@code MIN_ROWS_PER_SHARE} rows with an expand. When
 * that leaves more than a quarter of the threads idle (a 28-row map on 8 cores), the layers run in turn instead, each
 * split over every thread, and the maps between them are spread over that many L2 caches.
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
    /** Floats of depthwise output rows per thread (the projection's input): 32 K floats (128 KB). */
    private static final int STRIP_BUDGET_FLOATS = 32 << 10;
    private static final long MIN_MACS_PER_SHARE = 1 << 17;
    /**
     * Fewest depthwise output rows per thread when there is an expand: each thread's first strip recomputes the
     * expanded rows its window shares with the previous thread's range (2 at stride 1, 1 at stride 2), at most a
     * quarter of its own at 8 rows. Matters with many cores (64 threads on a 56-row map would otherwise get single
     * rows and recompute twice what they use); at 2 threads the ranges are 28–56 rows anyway.
     */
    private static final int MIN_ROWS_PER_SHARE = 8;

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
        int rows = Integer.MAX_VALUE;
        if (expand != null) rows = (Math.max(3, EXPANDED_BUDGET_FLOATS / inRowFloats) - 3) / g.strideH() + 1;
        if (project != null) rows = Math.min(rows, STRIP_BUDGET_FLOATS / outRowFloats);
        this.stripRows = stripRows > 0 ? stripRows : Math.max(1, Math.min(rows, g.outH()));
        this.expandClamp = expand instanceof PointwiseConv e && e.clampsInStores(false);
        this.xNchw = expand instanceof StemConvDirect;
        this.macsPerOutRow = (long) g.outW() * c * 9
                + (expand == null ? 0 : (long) g.strideH() * g.inW() * xChannels * expandShape.kernelSize() * c)
                + (project == null ? 0 : (long) g.outW() * c * yChannels);
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
        if (res != null && project == null) throw new IllegalArgumentException("an inverted-residual block without a projection takes no residual");
        int outH = g.outH(), rows = batch * outH;
        int wanted = parallel.sharesFor(rows * macsPerOutRow, MIN_MACS_PER_SHARE), shares = wanted;
        // even shares of whole rows (56 rows on 2 threads: 28 + 28), at most one per MIN_ROWS_PER_SHARE rows with an
        // expand; a grain of 8 rows would cut 56 rows into 24 + 32 and cap 2 threads at 1.75×
        if (expand != null) shares = Math.min(shares, Math.max(1, rows / MIN_ROWS_PER_SHARE));
        if (4 * shares < 3 * wanted) {
            // more threads than the rows give strips (28 rows on 8 cores): the layers in turn, each split over all
            // threads by pixels or rows, whose maps are then spread over as many L2 caches
            layersInTurn(x, xOff, y, yOff, res, resOff, parallel);
            return;
        }
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

    /** Depthwise output rows {@code [oy0, oy1)} of one image, strip by strip. */
    private void image(float[] x, int xo, float[] y, int yo, float[] res, int ro, float[] expanded, float[] strip, int oy0, int oy1) {
        int sH = g.strideH(), padT = g.padT(), inH = g.inH(), inW = g.inW(), outW = g.outW();
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
                        if (expand instanceof PointwiseConv pw) {
                            pw.pixels(x, xo, expanded, -have0 * inRowFloats, null, 0, have1 * inW, hi * inW, expandClamp);
                        } else {
                            ((StemConvDirect) expand).rows(x, xo, xNchw, expanded, -have0 * inRowFloats, have1, hi);
                        }
                        have1 = hi;
                    }
                }
                // rows with no kernel row inside (pads past the kernel) read nothing
                src = expanded;
                srcOff = -have0 * inRowFloats;
            }
            if (project == null) {
                direct.run(src, srcOff, y, yo, null, 0, depthwise.activation(), s0, s1, 0, outW);
            } else {
                // depthwise row oy lands at strip[(oy - s0)·outW·c]; the projection reads pixel q there
                direct.run(src, srcOff, strip, -s0 * outRowFloats, null, 0, depthwise.activation(), s0, s1, 0, outW);
                project.pixels(strip, -s0 * outRowFloats, y, yo, res, ro, s0 * outW, s1 * outW, project.clampsInStores(res != null));
            }
        }
    }
}
