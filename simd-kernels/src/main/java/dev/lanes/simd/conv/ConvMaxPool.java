package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Parallel;
import java.util.Arrays;

/**
 * A convolution run by {@link BandGemmConv} or {@link StemConvPanels} followed by a 2-D MaxPool of its
 * output, in bands of pooled rows: each band computes the convolution rows its windows read into a
 * per-thread buffer and pools them while they are in L2. Without it, ResNet's stem (7x7/2 → 64@112²,
 * 3.2 MB) is written out and read back from L3 or memory by the pool. Rows two bands share (a 3x3/2
 * window overlaps its neighbour by one row) are carried over from one band to the next when the same
 * thread runs both, else computed by both: a row's sums are the same whichever band computes it, and
 * the pool takes the maximum over the same values, so the result is bit-identical to the two operators
 * in turn, for any band split or thread count. X in NCHW (read in place by the stem kernel, reordered to
 * NHWC first for the band kernel) or NHWC; Y in NHWC. With the stem kernel and a bias and activation that commute with
 * the maximum ({@link StemConvPanels#poolsBareSums}: ReLU or none) the rows hold the bare sums, written from the
 * registers, and only the pooled rows get bias and ReLU: a quarter of the values for a 3x3/2 pool.
 */
public final class ConvMaxPool {
    /** Convolution rows of one band: at most about this many bytes, so they stay in L2 next to the conv's own band. */
    static final long BAND_BYTES = 384 * 1024;
    private static final long MIN_MACS_PER_SHARE = 1 << 16;

    /** One of the two is set. */
    private final BandGemmConv conv;
    private final StemConvPanels stem;
    private final Geometry pool;
    private final int batch, cin, inPixels, oh, ow, c, ph, pw, bandRows, bufferRows;
    private final long macsPerConvRow;
    /** The stem's bare sums are pooled and only the pooled values get bias and activation ({@link StemConvPanels#poolsBareSums}). */
    private final boolean poolBareSums;

    private ConvMaxPool(ConvShape cs, BandGemmConv conv, StemConvPanels stem, PoolShape ps, int bandRows) {
        this.conv = conv;
        this.stem = stem;
        this.pool = Geometry.of(ps.inSpatial(), ps.outSpatial(), ps.kernel(), ps.strides(), ps.dilations(), ps.padsBegin());
        this.batch = cs.batch();
        this.cin = cs.inChannels();
        this.inPixels = cs.inSpatialSize();
        this.oh = cs.outSpatial()[0];
        this.ow = cs.outSpatial()[1];
        this.c = cs.outChannels();
        this.ph = pool.outH();
        this.pw = pool.outW();
        if (bandRows > 0) {
            this.bandRows = bandRows;
        } else {
            // pooled rows whose conv rows ((p - 1)·stride + window) fit the budget
            long rowBytes = 4L * ow * c;
            int convRows = (int) Math.max(1, BAND_BYTES / Math.max(1, rowBytes));
            int window = (pool.kH() - 1) * pool.dilH() + 1;
            this.bandRows = Math.max(1, (convRows - window) / pool.strideH() + 1);
        }
        this.macsPerConvRow = (long) ow * c * cin * cs.kernelSize();
        this.bufferRows = Math.max(1, Math.min(oh, (this.bandRows - 1) * pool.strideH() + (pool.kH() - 1) * pool.dilH() + 1));
        // a window over padding only pools to -∞ and must stay so: then the conv rows are finished before the pool
        this.poolBareSums = stem != null && stem.poolsBareSums() && everyWindowReadsInput(pool);
    }

    /** True when every pooled row's and column's window holds at least one input row and column. */
    private static boolean everyWindowReadsInput(Geometry g) {
        return everyWindowReadsInput(g.outH(), g.strideH(), g.padT(), g.dilH(), g.kH(), g.inH())
                && everyWindowReadsInput(g.outW(), g.strideW(), g.padL(), g.dilW(), g.kW(), g.inW());
    }

    /** Along one axis: every output position's window has a tap inside the input. */
    private static boolean everyWindowReadsInput(int out, int stride, int pad, int dil, int k, int in) {
        for (int o = 0; o < out; o++) {
            int i0 = o * stride - pad;
            if (DepthwiseConvGeneric.endTap(i0, dil, k, in) <= DepthwiseConvGeneric.firstTap(i0, dil)) return false;
        }
        return true;
    }

    /**
     * The fused form of a convolution and the MaxPool of its output, or null when they do not fit it: the
     * convolution must run {@link BandGemmConv} or {@link StemConvPanels} (2-D), the pool be a 2-D MaxPool of exactly the
     * convolution's output. {@code bandRows}: pooled rows per band at most (0: as many as {@link #BAND_BYTES} allows);
     * tests use a few rows to run many bands on small maps.
     */
    public static ConvMaxPool of(ConvShape cs, ConvKernel kernel, PoolShape ps, int bandRows) {
        if (bandRows < 0) throw new IllegalArgumentException("ConvMaxPool band rows must be >= 0, got " + bandRows);
        if (!(kernel instanceof BandGemmConv || kernel instanceof StemConvPanels) || cs.spatialRank() != 2 || ps.mode() != PoolShape.Mode.MAX
                || ps.inSpatial().length != 2 || !Arrays.equals(ps.inputShape(), cs.outputShape())) {
            return null;
        }
        return new ConvMaxPool(cs, kernel instanceof BandGemmConv b ? b : null, kernel instanceof StemConvPanels p ? p : null, ps, bandRows);
    }

    /** Pooled rows per band at most (bands are evened out for the thread count). */
    public int bandRows() {
        return bandRows;
    }

    /** Y (the pool's output, NHWC) from X, NCHW when {@code xNchw} (reordered to NHWC first for the band kernel) else NHWC. */
    public void run(float[] x, int xOff, boolean xNchw, float[] y, int yOff, Parallel parallel) {
        float[] xs = x;
        int xo = xOff;
        boolean nchw = xNchw;
        if (xNchw && stem == null) {
            xs = ConvScratch.get(ConvScratch.NHWC_IN, (long) batch * cin * inPixels);
            xo = 0;
            nchw = false;
            Layouts.toNhwc(x, xOff, batch, cin, inPixels, xs, 0, parallel);
        }
        float[] xn = xs;
        int xno = xo;
        boolean xLayoutNchw = nchw;
        long macs = (long) batch * oh * macsPerConvRow;
        int shares = parallel.sharesFor(macs, MIN_MACS_PER_SHARE);
        // bands of even size (at most bandRows pooled rows), as many as make their count a multiple of the shares: with
        // bands of bandRows and a short last one, ResNet-50's 56 pooled rows went 6+6+6+6+6 | 6+6+6+6+2 to 2 threads,
        // 30 rows against 26
        int perImage = BandGemmConv.evenBandsPerImage(ph, batch, bandRows, shares), tasks = batch * perImage;
        parallel.forRange(tasks, 1, shares, (t0, t1) -> {
            // the conv rows, then one row of their vertical maxima
            float[] rows = ConvScratch.get(ConvScratch.POOL_IN, (long) (bufferRows + 1) * ow * c);
            int held0 = 0, held1 = 0, heldImg = -1;   // conv rows [held0, held1) of image heldImg are in the buffer
            for (int t = t0; t < t1; t++) {
                int img = t / perImage, b = t % perImage;
                int p0 = BandGemmConv.bandStart(b, ph, perImage), p1 = BandGemmConv.bandStart(b + 1, ph, perImage);
                int r0 = Math.max(0, p0 * pool.strideH() - pool.padT());
                int r1 = Math.min(oh, (p1 - 1) * pool.strideH() - pool.padT() + (pool.kH() - 1) * pool.dilH() + 1);
                int from = r0;
                if (img == heldImg && held0 <= r0 && r0 < held1) {
                    // the previous band's last rows are this band's first: move them to the front instead of recomputing
                    int keep = Math.min(held1, r1) - r0;
                    System.arraycopy(rows, (r0 - held0) * ow * c, rows, 0, keep * ow * c);
                    from = r0 + keep;
                }
                if (from < r1) convRows(xn, xno, xLayoutNchw, img, from, r1, rows, (from - r0) * ow * c);
                held0 = r0;
                held1 = Math.max(r0, r1);
                heldImg = img;
                for (int p = p0; p < p1; p++) pooledRow(rows, r0, bufferRows * ow * c, y, yOff + (img * ph + p) * pw * c, p);
            }
        });
    }

    /**
     * Pooled row {@code p} from the conv rows in {@code rows} (row r at {@code (r - r0)·ow·C}) by {@link Pooling#maxRow}
     * (rows first, then columns; {@code vOff}: a row of scratch): the bits of the standalone MaxPool.
     */
    private void pooledRow(float[] rows, int r0, int vOff, float[] y, int yo, int p) {
        Pooling.maxRow(rows, -r0 * ow * c, c, pool, p, rows, vOff, y, yo);
        if (poolBareSums) stem.finishPooled(y, yo, pw);
    }

    private void convRows(float[] x, int xOff, boolean nchw, int img, int r0, int r1, float[] rows, int off) {
        if (poolBareSums) stem.bareRows(x, xOff, nchw, img, r0, r1, rows, off);
        else if (stem != null) stem.rows(x, xOff, nchw, img, r0, r1, rows, off);
        else conv.rows(x, xOff, img, r0, r1, rows, off);
    }
}
