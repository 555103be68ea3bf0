package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Parallel;
import java.util.Arrays;

/**
 * A convolution run by {@link BandGemmConv} followed by a 2-D MaxPool of its output, in bands of pooled
 * rows: each band computes the convolution rows its windows read into a per-thread buffer and pools them
 * while they are in L2. Without it, ResNet's stem (7x7/2 → 64@112², 3.2 MB) is written out and read back
 * from L3 or memory by the pool. Rows two bands share (a 3x3/2 window overlaps its neighbour by one row)
 * are computed by both: a row's sums are the same whichever band computes it (see BandGemmConv), and the
 * pool takes the maximum over the same values, so the result is bit-identical to the two operators in
 * turn, for any band split or thread count. X (NHWC, or NCHW reordered first) and Y in NHWC.
 */
public final class ConvMaxPool {
    /** Convolution rows of one band: at most about this many bytes, so they stay in L2 next to the conv's own band. */
    static final long BAND_BYTES = 384 * 1024;
    private static final long MIN_MACS_PER_SHARE = 1 << 16;

    private final BandGemmConv conv;
    private final Geometry pool;
    private final int batch, cin, inPixels, oh, ow, c, ph, pw, bandRows;
    private final long macsPerConvRow;

    private ConvMaxPool(ConvShape cs, BandGemmConv conv, PoolShape ps, int bandRows) {
        this.conv = conv;
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
    }

    /**
     * The fused form of a convolution and the MaxPool of its output, or null when they do not fit it: the
     * convolution must run {@link BandGemmConv} (2-D), the pool be a 2-D MaxPool of exactly the
     * convolution's output. {@code bandRows}: pooled rows per band (0: as many as {@link #BAND_BYTES} allows);
     * tests use a few rows to run many bands on small maps.
     */
    public static ConvMaxPool of(ConvShape cs, ConvKernel kernel, PoolShape ps, int bandRows) {
        if (bandRows < 0) throw new IllegalArgumentException("ConvMaxPool band rows must be >= 0, got " + bandRows);
        if (!(kernel instanceof BandGemmConv band) || cs.spatialRank() != 2 || ps.mode() != PoolShape.Mode.MAX
                || ps.inSpatial().length != 2 || !Arrays.equals(ps.inputShape(), cs.outputShape())) {
            return null;
        }
        return new ConvMaxPool(cs, band, ps, bandRows);
    }

    /** Pooled rows per band. */
    public int bandRows() {
        return bandRows;
    }

    /** Y (the pool's output, NHWC) from X, NCHW when {@code xNchw} (reordered to NHWC first) else NHWC. */
    public void run(float[] x, int xOff, boolean xNchw, float[] y, int yOff, Parallel parallel) {
        float[] xs = x;
        int xo = xOff;
        if (xNchw) {
            xs = ConvScratch.get(ConvScratch.NHWC_IN, (long) batch * cin * inPixels);
            xo = 0;
            Layouts.toNhwc(x, xOff, batch, cin, inPixels, xs, 0, parallel);
        }
        float[] xn = xs;
        int xno = xo;
        int perImage = (ph + bandRows - 1) / bandRows, tasks = batch * perImage;
        long macs = (long) batch * oh * macsPerConvRow;
        parallel.forRange(tasks, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int img = t / perImage, p0 = t % perImage * bandRows;
                band(xn, xno, y, yOff, img, p0, Math.min(ph, p0 + bandRows));
            }
        });
    }

    /** Pooled rows {@code [p0, p1)} of image {@code img}: their convolution rows into this thread's buffer, then the pool. */
    private void band(float[] x, int xOff, float[] y, int yOff, int img, int p0, int p1) {
        int r0 = Math.max(0, p0 * pool.strideH() - pool.padT());
        int r1 = Math.min(oh, (p1 - 1) * pool.strideH() - pool.padT() + (pool.kH() - 1) * pool.dilH() + 1);
        int rowFloats = ow * c;
        float[] rows = ConvScratch.get(ConvScratch.POOL_IN, (long) Math.max(1, r1 - r0) * rowFloats);
        if (r0 < r1) conv.rows(x, xOff, img, r0, r1, rows, 0);
        // the pool reads conv row r at (r - r0)·rowFloats: only rows [r0, r1) are ever read
        Pooling.max(rows, -r0 * rowFloats, c, pool, y, yOff + img * ph * pw * c, p0, p1, null, 0, img, false);
    }
}
