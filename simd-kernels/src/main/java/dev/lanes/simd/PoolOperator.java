package dev.lanes.simd;

import dev.lanes.reference.PoolShape;
import dev.lanes.simd.conv.Geometry;
import dev.lanes.simd.conv.Layouts;
import dev.lanes.simd.conv.Pooling;
import java.util.Objects;

/**
 * MaxPool / AveragePool / GlobalMaxPool / GlobalAveragePool prepared for one {@link PoolShape}.
 *
 * <p>The windowed pools run over NHWC ({@link #runNhwc}); {@link #runNchw} reorders around them.
 * Global pools read NCHW planes directly (each plane is contiguous) and NHWC images channel-vector
 * by channel-vector, so neither layout needs a reorder. MaxPool's second output (ONNX's argmax
 * indices, int64 flat indices into X counted in NCHW) comes from {@link #maxWithIndicesNchw} and
 * {@link #maxWithIndicesNhwc}; the indices array has the layout of Y.
 *
 * <p>Work is split over output rows of all images (or planes), so results do not depend on the
 * thread count. Immutable; safe to run from several threads.
 */
public final class PoolOperator {
    private static final long MIN_WORK_PER_SHARE = 1 << 16;

    private final PoolShape shape;
    private final Geometry g;
    private final boolean global;
    private final int[] padEnd;

    private PoolOperator(PoolShape s) {
        this.shape = s;
        this.g = Geometry.of(s.inSpatial(), s.outSpatial(), s.kernel(), s.strides(), s.dilations(), s.padsBegin());
        boolean whole = true;
        int[] in = s.inSpatial(), k = s.kernel();
        for (int i = 0; i < in.length; i++) whole &= k[i] == in[i] && s.padsBegin()[i] == 0 && s.padsEnd()[i] == 0 && s.dilations()[i] == 1;
        this.global = whole;
        int[] pe = s.padsEnd();
        this.padEnd = new int[3];
        for (int i = 0; i < pe.length; i++) padEnd[3 - pe.length + i] = pe[i];
    }

    public static PoolOperator prepare(PoolShape s) {
        return new PoolOperator(Objects.requireNonNull(s, "Pool shape"));
    }

    public PoolShape shape() {
        return shape;
    }

    /** Y from X, both NCHW. */
    public void runNchw(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        check(x, xOff, y, yOff, parallel);
        int planes = shape.batch() * shape.channels();
        if (planes == 0) return;
        if (global) {
            boolean max = shape.mode() == PoolShape.Mode.MAX;
            int size = shape.inSpatialSize();
            parallel.forRange(planes, 1, parallel.sharesFor((long) planes * size, MIN_WORK_PER_SHARE),
                    (p0, p1) -> Pooling.globalNchw(max, x, xOff, size, y, yOff, p0, p1));
            return;
        }
        Layouts.runNchw((xs, xo, ys, yo, r, ro, p) -> rows(xs, xo, ys, yo, null, 0, p), shape.batch(), shape.channels(), shape.inSpatialSize(), shape.channels(),
                shape.outSpatialSize(), x, xOff, y, yOff, null, 0, parallel);
    }

    /** Y from X, both NHWC. */
    public void runNhwc(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        check(x, xOff, y, yOff, parallel);
        if (shape.batch() * shape.channels() == 0) return;
        if (global) {
            boolean max = shape.mode() == PoolShape.Mode.MAX;
            int c = shape.channels(), pixels = shape.inSpatialSize();
            parallel.forRange(shape.batch(), 1, parallel.sharesFor((long) shape.batch() * c * pixels, MIN_WORK_PER_SHARE), (n0, n1) -> {
                for (int n = n0; n < n1; n++) Pooling.globalNhwc(max, x, xOff + n * pixels * c, pixels, c, y, yOff + n * c);
            });
            return;
        }
        rows(x, xOff, y, yOff, null, 0, parallel);
    }

    /** MaxPool's two outputs, NHWC: indices at Y's positions, values ONNX's flat NCHW indices into X. */
    public void maxWithIndicesNhwc(float[] x, int xOff, float[] y, int yOff, long[] indices, int iOff, Parallel parallel) {
        if (shape.mode() != PoolShape.Mode.MAX) throw new IllegalArgumentException("indices exist for MaxPool only, not " + shape);
        check(x, xOff, y, yOff, parallel);
        Objects.requireNonNull(indices, "MaxPool indices");
        long out = (long) shape.batch() * shape.channels() * shape.outSpatialSize();
        if (iOff < 0 || iOff + out > indices.length) {
            throw new IllegalArgumentException("MaxPool indices need " + out + " values from offset " + iOff + ", array has " + indices.length);
        }
        rows(x, xOff, y, yOff, indices, iOff, parallel);
    }

    /** MaxPool's two outputs, NCHW. */
    public void maxWithIndicesNchw(float[] x, int xOff, float[] y, int yOff, long[] indices, int iOff, Parallel parallel) {
        int n = shape.batch(), c = shape.channels(), in = shape.inSpatialSize(), out = shape.outSpatialSize();
        float[] xs = new float[n * c * in], ys = new float[n * c * out];
        long[] is = new long[n * c * out];
        check(x, xOff, y, yOff, parallel);
        Layouts.toNhwc(x, xOff, n, c, in, xs, 0, parallel);
        maxWithIndicesNhwc(xs, 0, ys, 0, is, 0, parallel);
        Layouts.toNchw(ys, 0, n, c, out, y, yOff, parallel);
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < out; p++) {
                for (int ch = 0; ch < c; ch++) indices[iOff + (b * c + ch) * out + p] = is[(b * out + p) * c + ch];
            }
        }
    }

    private void rows(float[] x, int xOff, float[] y, int yOff, long[] idx, int iOff, Parallel parallel) {
        int c = shape.channels(), rowsPerImage = g.outD() * g.outH(), rows = shape.batch() * rowsPerImage;
        boolean max = shape.mode() == PoolShape.Mode.MAX;
        long work = (long) rows * g.outW() * c * g.taps();
        parallel.forRange(rows, 1, parallel.sharesFor(work, MIN_WORK_PER_SHARE), (r0, r1) -> {
            for (int r = r0; r < r1; ) {
                int n = r / rowsPerImage, first = r % rowsPerImage, last = Math.min(rowsPerImage, first + (r1 - r));
                int xo = xOff + n * g.inPixels() * c, yo = yOff + n * g.outPixels() * c;
                if (max) Pooling.max(x, xo, c, g, y, yo, first, last, idx, iOff + n * g.outPixels() * c, n, shape.storageOrder() == 1);
                else Pooling.average(x, xo, c, g, padEnd, shape.countIncludePad(), y, yo, first, last);
                r += last - first;
            }
        });
    }

    private void check(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        Objects.requireNonNull(parallel, "parallel");
        range("X", x, xOff, (long) shape.batch() * shape.channels() * shape.inSpatialSize());
        range("Y", y, yOff, (long) shape.batch() * shape.channels() * shape.outSpatialSize());
    }

    private void range(String what, float[] a, int off, long n) {
        Checks.operatorRange("Pool", what, a, off, n, shape);
    }

    @Override
    public String toString() {
        return "PoolOperator[" + (global ? "global, " : "") + shape + "]";
    }
}
