package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Parallel;

/**
 * An inverted-residual block's expand 1x1 followed by its depthwise 3x3, run as one kernel over row
 * strips so that the expanded map never leaves L2. Unfused, MobileNetV2's 16→96 expand at 112×112
 * writes 4.8 MB that the depthwise then reads back from L3 (L2 is 1 MB per core), and both layers
 * run at the memory's pace. Here each thread owns a range of depthwise output rows and walks it in
 * strips of {@link #stripRows} rows; for a strip it needs the expanded rows
 * {@code [oy0·sH − padT, (oy1−1)·sH − padT + 3)}, computes the ones it does not hold yet with
 * {@link PointwiseConv#pixels} into a per-thread row buffer, and runs {@link DepthwiseDirect3x3}
 * over that buffer (its rows addressed from an offset that places input row {@code lo} at the
 * buffer's start). The rows the next strip shares with this one (the 3x3 window's overlap: 2 at
 * stride 1, 1 at stride 2) are moved to the buffer's start instead of recomputed; only the first
 * strip of a thread's range recomputes its halo.
 *
 * <p>Every expanded value is the FMA chain {@link PointwiseConv} computes for it whatever tile it
 * falls in, and every depthwise output the chain {@link DepthwiseDirect3x3} computes for it: the
 * result is bit-identical to the two layers run one after the other, for any thread count.
 */
public final class ExpandDepthwiseConv {
    /**
     * Floats of expanded rows per thread: 96 K floats (384 KB), so that the buffer, the expand's weights and
     * the depthwise's output rows share the 1 MB L2.
     */
    private static final int ROWS_BUDGET_FLOATS = 96 << 10;
    private static final long MIN_MACS_PER_SHARE = 1 << 17;

    private final PointwiseConv expand;
    private final DepthwiseConv depthwise;
    private final DepthwiseDirect3x3 direct;
    private final Geometry g;
    private final int batch, cin, c, rowFloats, stripRows;
    private final boolean clamp;
    private final long macsPerOutRow;

    private ExpandDepthwiseConv(ConvShape e, PointwiseConv expand, DepthwiseConv depthwise, int stripRows) {
        this.expand = expand;
        this.depthwise = depthwise;
        this.direct = depthwise.direct();
        this.g = depthwise.geometry();
        this.batch = e.batch();
        this.cin = e.inChannels();
        this.c = e.outChannels();
        this.rowFloats = g.inW() * c;
        int rows = Math.max(3, ROWS_BUDGET_FLOATS / rowFloats);
        this.stripRows = stripRows > 0 ? stripRows : Math.max(1, (rows - 3) / g.strideH() + 1);
        this.clamp = expand.clampsInStores(false);
        this.macsPerOutRow = (long) g.outW() * c * 9 + (long) g.strideH() * g.inW() * cin * c;
    }

    /**
     * The fused kernel of an expand layer and the depthwise layer that reads its output, or null when they
     * do not form the pattern this kernel runs: a unit-stride {@link PointwiseConv} whose output is exactly
     * the input of a depthwise layer that runs {@link DepthwiseDirect3x3} (3x3, dilation 1, channels a
     * multiple of the vector length, width stride 1 or 2).
     */
    public static ExpandDepthwiseConv of(ConvShape expandShape, ConvKernel expand, ConvShape depthwiseShape, ConvKernel depthwise) {
        return of(expandShape, expand, depthwiseShape, depthwise, 0);
    }

    /** As {@link #of(ConvShape, ConvKernel, ConvShape, ConvKernel)} with a given number of output rows per strip (0: by the L2 budget). */
    public static ExpandDepthwiseConv of(ConvShape expandShape, ConvKernel expand, ConvShape depthwiseShape, ConvKernel depthwise,
                                         int stripRows) {
        if (!(expand instanceof PointwiseConv e) || !(depthwise instanceof DepthwiseConv d)) return null;
        if (!e.unitStride() || d.direct() == null || depthwiseShape.batch() != expandShape.batch()
                || depthwiseShape.inChannels() != expandShape.outChannels()
                || !java.util.Arrays.equals(depthwiseShape.inSpatial(), expandShape.outSpatial())) {
            return null;
        }
        return new ExpandDepthwiseConv(expandShape, e, d, stripRows);
    }

    /** Depthwise output rows per strip. */
    public int stripRows() {
        return stripRows;
    }

    /** X (the expand's input) and Y (the depthwise's output) in NHWC. */
    public void run(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        int outH = g.outH(), rows = batch * outH;
        int shares = parallel.sharesFor(rows * macsPerOutRow, MIN_MACS_PER_SHARE);
        parallel.forRange(rows, 1, shares, (r0, r1) -> {
            float[] buffer = ConvScratch.get(ConvScratch.ROWS, (long) ((stripRows - 1) * g.strideH() + 3) * rowFloats);
            for (int r = r0; r < r1; ) {
                int n = r / outH, first = r % outH, last = Math.min(outH, first + (r1 - r));
                image(x, xOff + n * g.inPixels() * cin, y, yOff + n * g.outPixels() * c, buffer, first, last);
                r += last - first;
            }
        });
    }

    /** Depthwise output rows {@code [oy0, oy1)} of one image, strip by strip. */
    private void image(float[] x, int xo, float[] y, int yo, float[] buffer, int oy0, int oy1) {
        int sH = g.strideH(), padT = g.padT(), inH = g.inH(), inW = g.inW();
        // the buffer holds expanded rows [have0, have1) from its start
        int have0 = 0, have1 = 0;
        for (int s0 = oy0; s0 < oy1; s0 += stripRows) {
            int s1 = Math.min(oy1, s0 + stripRows);
            int lo = Math.max(0, s0 * sH - padT), hi = Math.min(inH, (s1 - 1) * sH - padT + 3);
            if (hi > lo) {
                if (lo >= have0 && lo < have1) {
                    System.arraycopy(buffer, (lo - have0) * rowFloats, buffer, 0, (have1 - lo) * rowFloats);
                    have0 = lo;
                } else {
                    have0 = lo;
                    have1 = lo;
                }
                if (hi > have1) {
                    // pixel q of this image lands at buffer[(q - have0·inW)·c]
                    expand.pixels(x, xo, buffer, -have0 * rowFloats, null, 0, have1 * inW, hi * inW, clamp);
                    have1 = hi;
                }
            }
            // rows with no kernel row inside (pads past the kernel) read nothing
            direct.run(buffer, -have0 * rowFloats, y, yo, null, 0, depthwise.activation(), s0, s1, 0, g.outW());
        }
    }
}
