package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
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
 * NHWC first for the band kernel) or NHWC; Y in NHWC.
 */
public final class ConvMaxPool {
    /** Convolution rows of one band: at most about this many bytes, so they stay in L2 next to the conv's own band. */
    static final long BAND_BYTES = 384 * 1024;
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    private static final long MIN_MACS_PER_SHARE = 1 << 16;

    /** One of the two is set. */
    private final BandGemmConv conv;
    private final StemConvPanels stem;
    private final Geometry pool;
    private final int batch, cin, inPixels, oh, ow, c, ph, pw, bandRows, bufferRows;
    private final long macsPerConvRow;

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
    }

    /**
     * The fused form of a convolution and the MaxPool of its output, or null when they do not fit it: the
     * convolution must run {@link BandGemmConv} or {@link StemConvPanels} (2-D), the pool be a 2-D MaxPool of exactly the
     * convolution's output. {@code bandRows}: pooled rows per band (0: as many as {@link #BAND_BYTES} allows);
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

    /** Pooled rows per band. */
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
        int perImage = (ph + bandRows - 1) / bandRows, tasks = batch * perImage;
        long macs = (long) batch * oh * macsPerConvRow;
        parallel.forRange(tasks, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (t0, t1) -> {
            // the conv rows, then one row of their vertical maxima
            float[] rows = ConvScratch.get(ConvScratch.POOL_IN, (long) (bufferRows + 1) * ow * c);
            int held0 = 0, held1 = 0, heldImg = -1;   // conv rows [held0, held1) of image heldImg are in the buffer
            for (int t = t0; t < t1; t++) {
                int img = t / perImage, p0 = t % perImage * bandRows, p1 = Math.min(ph, p0 + bandRows);
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
     * Pooled row {@code p} from the conv rows in {@code rows} (row r at {@code (r - r0)·ow·C}): the maxima of its
     * window's rows first, one vector of a row at a time ({@code vOff}: a row of scratch), then of each window's
     * columns. The maximum of the same values in another order is the same (NaN wins either way), so these are
     * the bits of {@link Pooling#max}; a window with no tap inside the map gives -∞ as there.
     */
    private void pooledRow(float[] rows, int r0, int vOff, float[] y, int yo, int p) {
        int rowFloats = ow * c;
        int iy0 = p * pool.strideH() - pool.padT();
        int ky0 = DepthwiseConvGeneric.firstTap(iy0, pool.dilH()), ky1 = DepthwiseConvGeneric.endTap(iy0, pool.dilH(), pool.kH(), oh);
        if (ky1 <= ky0) {
            Arrays.fill(y, yo, yo + pw * c, Float.NEGATIVE_INFINITY);
            return;
        }
        int first = (iy0 + ky0 * pool.dilH() - r0) * rowFloats, step = pool.dilH() * rowFloats, n = ky1 - ky0;
        float[] v = rows;
        int vo = first;
        if (n > 1) {
            v = rows;
            vo = vOff;
            int i = 0;
            if (n == 2) {
                for (; i <= rowFloats - L; i += L) {
                    FloatVector.fromArray(S, rows, first + i).max(FloatVector.fromArray(S, rows, first + step + i)).intoArray(rows, vOff + i);
                }
            } else if (n == 3) {
                // the common window (3 rows): one pass with no inner loop
                for (; i <= rowFloats - L; i += L) {
                    FloatVector.fromArray(S, rows, first + i).max(FloatVector.fromArray(S, rows, first + step + i))
                            .max(FloatVector.fromArray(S, rows, first + 2 * step + i)).intoArray(rows, vOff + i);
                }
            } else {
                for (; i <= rowFloats - L; i += L) {
                    FloatVector m = FloatVector.fromArray(S, rows, first + i);
                    for (int j = 1; j < n; j++) m = m.max(FloatVector.fromArray(S, rows, first + j * step + i));
                    m.intoArray(rows, vOff + i);
                }
            }
            for (; i < rowFloats; i++) {
                float m = rows[first + i];
                for (int j = 1; j < n; j++) m = Math.max(m, rows[first + j * step + i]);
                rows[vOff + i] = m;
            }
        }
        int full = c - c % L;
        for (int px = 0; px < pw; px++) {
            int ix0 = px * pool.strideW() - pool.padL();
            int kx0 = DepthwiseConvGeneric.firstTap(ix0, pool.dilW()), kx1 = DepthwiseConvGeneric.endTap(ix0, pool.dilW(), pool.kW(), ow);
            int o = yo + px * c;
            if (kx1 <= kx0) {
                Arrays.fill(y, o, o + c, Float.NEGATIVE_INFINITY);
                continue;
            }
            int src = vo + (ix0 + kx0 * pool.dilW()) * c, colStep = pool.dilW() * c, cols = kx1 - kx0;
            int cb = 0;
            if (cols == 3) {
                for (; cb < full; cb += L) {
                    FloatVector.fromArray(S, v, src + cb).max(FloatVector.fromArray(S, v, src + colStep + cb))
                            .max(FloatVector.fromArray(S, v, src + 2 * colStep + cb)).intoArray(y, o + cb);
                }
            }
            for (; cb < full; cb += L) {
                FloatVector m = FloatVector.fromArray(S, v, src + cb);
                for (int j = 1; j < cols; j++) m = m.max(FloatVector.fromArray(S, v, src + j * colStep + cb));
                m.intoArray(y, o + cb);
            }
            if (cb < c) {
                VectorMask<Float> mask = S.indexInRange(cb, c);
                FloatVector m = FloatVector.fromArray(S, v, src + cb, mask);
                for (int j = 1; j < cols; j++) m = m.max(FloatVector.fromArray(S, v, src + j * colStep + cb, mask));
                m.intoArray(y, o + cb, mask);
            }
        }
    }

    private void convRows(float[] x, int xOff, boolean nchw, int img, int r0, int r1, float[] rows, int off) {
        if (stem != null) stem.rows(x, xOff, nchw, img, r0, r1, rows, off);
        else conv.rows(x, xOff, img, r0, r1, rows, off);
    }
}
