package dev.lanes.simd.conv;

import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * MaxPool (optionally with ONNX's argmax indices) and AveragePool over NHWC, any window, stride,
 * dilation, padding and ceil mode, 1 to 3 spatial axes; vectorised over channels, the window's
 * inside part found once per output pixel. MaxPool without indices over 1-D and 2-D maps is
 * separable ({@link #maxRow}: rows, then columns), which {@link ConvMaxPool} also runs on the rows it holds. Global pools over NCHW planes (contiguous: no reorder
 * needed) and over NHWC.
 *
 * <p>Semantics follow the reference: MaxPool takes the largest tap inside the input, NaN winning and
 * the first largest winning ties (so its index is the first one); a window with no tap inside the
 * input gives -∞ and index -1. AveragePool divides by the taps inside the input, or with
 * {@code countIncludePad} by those inside {@code [-padBegin, in + padEnd)}.
 */
public final class Pooling {
    private Pooling() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> SI = VectorWidth.INT;
    private static final int L = S.length();

    /**
     * Output rows {@code [row0, row1)} (row = oz·outH + oy) of one NHWC image of {@code c} channels.
     * For the indices ({@code idx} not null, written at the output's NHWC positions from
     * {@code idxOff}) the image is number {@code n} of the batch and {@code columnMajor} is ONNX's
     * storage_order 1.
     */
    public static void max(float[] x, int xOff, int c, Geometry g, float[] y, int yOff, int row0, int row1,
                           long[] idx, int idxOff, int n, boolean columnMajor) {
        if (idx == null && g.isTwoD()) {
            maxPlane(x, xOff, c, g, y, yOff, row0, row1);
            return;
        }
        int inPlane = g.inPixels();
        for (int row = row0; row < row1; row++) {
            int oz = row / g.outH(), oy = row % g.outH();
            int iz0 = oz * g.strideD() - g.padD(), iy0 = oy * g.strideH() - g.padT();
            int kz0 = DepthwiseConvGeneric.firstTap(iz0, g.dilD()), kz1 = DepthwiseConvGeneric.endTap(iz0, g.dilD(), g.kD(), g.inD());
            int ky0 = DepthwiseConvGeneric.firstTap(iy0, g.dilH()), ky1 = DepthwiseConvGeneric.endTap(iy0, g.dilH(), g.kH(), g.inH());
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padL();
                int kx0 = DepthwiseConvGeneric.firstTap(ix0, g.dilW()), kx1 = DepthwiseConvGeneric.endTap(ix0, g.dilW(), g.kW(), g.inW());
                int o = ((oz * g.outH() + oy) * g.outW() + ox) * c;
                for (int cb = 0; cb < c; cb += L) {
                    VectorMask<Float> m = S.indexInRange(cb, c);
                    FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                    IntVector where = IntVector.broadcast(SI, -1);
                    boolean first = true;
                    for (int kz = kz0; kz < kz1; kz++) {
                        int iz = iz0 + kz * g.dilD();
                        for (int ky = ky0; ky < ky1; ky++) {
                            int iy = iy0 + ky * g.dilH();
                            for (int kx = kx0; kx < kx1; kx++) {
                                int ix = ix0 + kx * g.dilW();
                                int pix = (iz * g.inH() + iy) * g.inW() + ix;
                                FloatVector v = FloatVector.fromArray(S, x, xOff + pix * c + cb, m);
                                if (idx == null) {
                                    best = first ? v : best.max(v);
                                } else {
                                    int spatial = columnMajor ? (ix * g.inH() + iy) * g.inD() + iz : pix;
                                    VectorMask<Float> take = first ? S.maskAll(true)
                                            : v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                                    best = best.blend(v, take);
                                    where = where.blend(IntVector.broadcast(SI, spatial), take.cast(SI));
                                }
                                first = false;
                            }
                        }
                    }
                    best.intoArray(y, yOff + o + cb, m);
                    if (idx != null) {
                        for (int l = 0; l < L && cb + l < c; l++) {
                            int s = where.lane(l);
                            idx[idxOff + o + cb + l] = s < 0 ? -1 : ((long) n * c + cb + l) * inPlane + s;
                        }
                    }
                }
            }
        }
    }

    /**
     * MaxPool without indices over a 1-D or 2-D map: where windows overlap along the width (ResNet's 3x3/2) one output
     * row at a time through {@link #maxRow} (a per-thread row of scratch holds its vertical maxima), else each window
     * whole ({@link #maxWindows}). Measured on one thread (minimum per call): 3x3/2 on 64×112² 116 → 77-84 µs,
     * 5x5/1 on 256×20² 122 → 65 µs; 2x2/2 on 128×56² 30 µs whole windows, 34-36 µs separable.
     */
    private static void maxPlane(float[] x, int xOff, int c, Geometry g, float[] y, int yOff, int row0, int row1) {
        if ((g.kW() - 1) * g.dilW() + 1 <= g.strideW()) {
            maxWindows(x, xOff, c, g, y, yOff, row0, row1);
            return;
        }
        float[] scratch = ConvScratch.get(ConvScratch.POOL_ROW, (long) g.inW() * c);
        for (int oy = row0; oy < row1; oy++) maxRow(x, xOff, c, g, oy, scratch, 0, y, yOff + oy * g.outW() * c);
    }

    /**
     * Output row {@code oy} of a 1-D or 2-D MaxPool without indices, separable: first the maxima of the window's rows
     * inside the map, column by column over the whole input row, into {@code scratch} from {@code sOff}
     * ({@code inW·C} floats; with one row inside, that row is read in place), then each output pixel's maximum over its
     * window's columns inside the row. Each input vector is read once per output row instead of once per window that
     * holds it. The maximum of the same values in another order is the same ({@code max} is Java's: NaN wins, and
     * -0 and +0 give +0 either way), so the bits are those of a window taken whole; a window with no tap inside the map
     * gives -∞. Map row {@code iy} (NHWC, {@code inW·C} floats) starts at {@code xRow0 + iy·inW·C}: only rows inside
     * the window are read, so a caller holding some rows of a map in a buffer passes a {@code xRow0} that places them.
     */
    static void maxRow(float[] x, int xRow0, int c, Geometry g, int oy, float[] scratch, int sOff, float[] y, int yo) {
        int rowFloats = g.inW() * c, pw = g.outW();
        int iy0 = oy * g.strideH() - g.padT();
        int ky0 = DepthwiseConvGeneric.firstTap(iy0, g.dilH()), ky1 = DepthwiseConvGeneric.endTap(iy0, g.dilH(), g.kH(), g.inH());
        if (ky1 <= ky0) {
            java.util.Arrays.fill(y, yo, yo + pw * c, Float.NEGATIVE_INFINITY);
            return;
        }
        int first = xRow0 + (iy0 + ky0 * g.dilH()) * rowFloats, step = g.dilH() * rowFloats, n = ky1 - ky0;
        float[] v = x;
        int vo = first;
        if (n > 1) {
            v = scratch;
            vo = sOff;
            verticalMax(x, first, step, n, rowFloats, scratch, sOff);
        }
        int full = c - c % L;
        for (int px = 0; px < pw; px++) {
            int ix0 = px * g.strideW() - g.padL();
            int kx0 = DepthwiseConvGeneric.firstTap(ix0, g.dilW()), kx1 = DepthwiseConvGeneric.endTap(ix0, g.dilW(), g.kW(), g.inW());
            int o = yo + px * c;
            if (kx1 <= kx0) {
                java.util.Arrays.fill(y, o, o + c, Float.NEGATIVE_INFINITY);
                continue;
            }
            int src = vo + (ix0 + kx0 * g.dilW()) * c, colStep = g.dilW() * c, cols = kx1 - kx0;
            int cb = 0;
            if (cols == 3) {
                // the common window (3 columns): no inner loop
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

    /** {@code out[i] = max over j < n of x[first + j·step + i]} for {@code i < len} (n at least 2). */
    private static void verticalMax(float[] x, int first, int step, int n, int len, float[] out, int oOff) {
        int i = 0;
        if (n == 2) {
            for (; i <= len - L; i += L) {
                FloatVector.fromArray(S, x, first + i).max(FloatVector.fromArray(S, x, first + step + i)).intoArray(out, oOff + i);
            }
        } else if (n == 3) {
            // the common window (3 rows): one pass with no inner loop
            for (; i <= len - L; i += L) {
                FloatVector.fromArray(S, x, first + i).max(FloatVector.fromArray(S, x, first + step + i))
                        .max(FloatVector.fromArray(S, x, first + 2 * step + i)).intoArray(out, oOff + i);
            }
        } else {
            for (; i <= len - L; i += L) {
                FloatVector m = FloatVector.fromArray(S, x, first + i);
                for (int j = 1; j < n; j++) m = m.max(FloatVector.fromArray(S, x, first + j * step + i));
                m.intoArray(out, oOff + i);
            }
        }
        for (; i < len; i++) {
            float m = x[first + i];
            for (int j = 1; j < n; j++) m = Math.max(m, x[first + j * step + i]);
            out[oOff + i] = m;
        }
    }

    /**
     * MaxPool without indices over a 1-D or 2-D map whose windows do not overlap along the width (2x2/2, say: a
     * separable pass would only add a store and a load per column): per output pixel, the taps inside the input are
     * maxed four channel vectors at a time (four independent chains hide max's latency), with whole vectors and no
     * mask but on a last short block. {@code max} is Java's: NaN wins, as in the reference; an empty window gives -∞.
     */
    private static void maxWindows(float[] x, int xOff, int c, Geometry g, float[] y, int yOff, int row0, int row1) {
        int iw = g.inW(), dh = g.dilH(), dw = g.dilW(), full = c - c % L, quads = c - c % (4 * L);
        for (int oy = row0; oy < row1; oy++) {
            int iy0 = oy * g.strideH() - g.padT();
            int ky0 = DepthwiseConvGeneric.firstTap(iy0, dh), ky1 = DepthwiseConvGeneric.endTap(iy0, dh, g.kH(), g.inH());
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padL();
                int kx0 = DepthwiseConvGeneric.firstTap(ix0, dw), kx1 = DepthwiseConvGeneric.endTap(ix0, dw, g.kW(), iw);
                int o = yOff + (oy * g.outW() + ox) * c;
                if (ky1 <= ky0 || kx1 <= kx0) {
                    java.util.Arrays.fill(y, o, o + c, Float.NEGATIVE_INFINITY);
                    continue;
                }
                // offset of the window's first inside tap; taps then step by dh rows and dw pixels
                int first = xOff + ((iy0 + ky0 * dh) * iw + ix0 + kx0 * dw) * c, rowStep = dh * iw * c, colStep = dw * c;
                int rows = ky1 - ky0, cols = kx1 - kx0;
                int cb = 0;
                for (; cb < quads; cb += 4 * L) maxQuad(x, first + cb, rows, cols, rowStep, colStep, y, o + cb);
                for (; cb < full; cb += L) maxOne(x, first + cb, rows, cols, rowStep, colStep, y, o + cb);
                if (cb < c) {
                    VectorMask<Float> m = S.indexInRange(cb, c);
                    FloatVector best = FloatVector.fromArray(S, x, first + cb, m);
                    for (int r = 0; r < rows; r++) {
                        for (int k = 0; k < cols; k++) best = best.max(FloatVector.fromArray(S, x, first + cb + r * rowStep + k * colStep, m));
                    }
                    best.intoArray(y, o + cb, m);
                }
            }
        }
    }

    /** Max of four adjacent channel vectors over a rows × cols window of taps from {@code p}. */
    private static void maxQuad(float[] x, int p, int rows, int cols, int rowStep, int colStep, float[] y, int o) {
        FloatVector b0 = FloatVector.fromArray(S, x, p), b1 = FloatVector.fromArray(S, x, p + L),
                b2 = FloatVector.fromArray(S, x, p + 2 * L), b3 = FloatVector.fromArray(S, x, p + 3 * L);
        for (int r = 0; r < rows; r++) {
            for (int k = 0, t = p + r * rowStep; k < cols; k++, t += colStep) {
                b0 = b0.max(FloatVector.fromArray(S, x, t));
                b1 = b1.max(FloatVector.fromArray(S, x, t + L));
                b2 = b2.max(FloatVector.fromArray(S, x, t + 2 * L));
                b3 = b3.max(FloatVector.fromArray(S, x, t + 3 * L));
            }
        }
        b0.intoArray(y, o);
        b1.intoArray(y, o + L);
        b2.intoArray(y, o + 2 * L);
        b3.intoArray(y, o + 3 * L);
    }

    /** Max of one channel vector over a rows × cols window of taps from {@code p}. */
    private static void maxOne(float[] x, int p, int rows, int cols, int rowStep, int colStep, float[] y, int o) {
        FloatVector b = FloatVector.fromArray(S, x, p);
        for (int r = 0; r < rows; r++) {
            for (int k = 0, t = p + r * rowStep; k < cols; k++, t += colStep) b = b.max(FloatVector.fromArray(S, x, t));
        }
        b.intoArray(y, o);
    }

    /** AveragePool rows {@code [row0, row1)} of one NHWC image; see {@link #max} for the layout. */
    public static void average(float[] x, int xOff, int c, Geometry g, int[] padEnd, boolean countIncludePad,
                               float[] y, int yOff, int row0, int row1) {
        for (int row = row0; row < row1; row++) {
            int oz = row / g.outH(), oy = row % g.outH();
            int iz0 = oz * g.strideD() - g.padD(), iy0 = oy * g.strideH() - g.padT();
            int kz0 = DepthwiseConvGeneric.firstTap(iz0, g.dilD()), kz1 = DepthwiseConvGeneric.endTap(iz0, g.dilD(), g.kD(), g.inD());
            int ky0 = DepthwiseConvGeneric.firstTap(iy0, g.dilH()), ky1 = DepthwiseConvGeneric.endTap(iy0, g.dilH(), g.kH(), g.inH());
            int cz = countIncludePad ? inPadded(iz0, g.dilD(), g.kD(), g.padD(), g.inD() + padEnd[0]) : Math.max(0, kz1 - kz0);
            int cy = countIncludePad ? inPadded(iy0, g.dilH(), g.kH(), g.padT(), g.inH() + padEnd[1]) : Math.max(0, ky1 - ky0);
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padL();
                int kx0 = DepthwiseConvGeneric.firstTap(ix0, g.dilW()), kx1 = DepthwiseConvGeneric.endTap(ix0, g.dilW(), g.kW(), g.inW());
                int cx = countIncludePad ? inPadded(ix0, g.dilW(), g.kW(), g.padL(), g.inW() + padEnd[2]) : Math.max(0, kx1 - kx0);
                float count = (float) cz * cy * cx;
                int o = ((oz * g.outH() + oy) * g.outW() + ox) * c;
                for (int cb = 0; cb < c; cb += L) {
                    VectorMask<Float> m = S.indexInRange(cb, c);
                    FloatVector sum = FloatVector.zero(S);
                    for (int kz = kz0; kz < kz1; kz++) {
                        int iz = iz0 + kz * g.dilD();
                        for (int ky = ky0; ky < ky1; ky++) {
                            int rowBase = xOff + ((iz * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * c + cb;
                            for (int kx = kx0; kx < kx1; kx++) {
                                sum = sum.add(FloatVector.fromArray(S, x, rowBase + (ix0 + kx * g.dilW()) * c, m));
                            }
                        }
                    }
                    sum.div(count).intoArray(y, yOff + o + cb, m);
                }
            }
        }
    }

    /** Taps k below {@code k} with {@code i0 + k·d} in {@code [-pad, end)}: the padded window's size along one axis. */
    private static int inPadded(int i0, int d, int k, int pad, int end) {
        int n = 0;
        for (int t = 0; t < k; t++) {
            int p = i0 + t * d;
            if (p >= -pad && p < end) n++;
        }
        return n;
    }

    /** Global max or average of each of {@code planes} contiguous NCHW planes of {@code size} floats. */
    public static void globalNchw(boolean max, float[] x, int xOff, int size, float[] y, int yOff, int plane0, int plane1) {
        for (int p = plane0; p < plane1; p++) {
            int base = xOff + p * size;
            int full = size - size % L;
            FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
            int i = 0;
            for (; i < full; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, base + i);
                acc = max ? acc.max(v) : acc.add(v);
            }
            float r;
            if (max) {
                r = acc.reduceLanes(VectorOperators.MAX);
                for (; i < size; i++) r = Math.max(r, x[base + i]);
                y[yOff + p] = r;
            } else {
                r = acc.reduceLanes(VectorOperators.ADD);
                for (; i < size; i++) r += x[base + i];
                y[yOff + p] = r / size;
            }
        }
    }

    /**
     * Global max or average over the {@code pixels} pixels of one NHWC image of {@code c} channels:
     * pixel by pixel into Y, so X is read once from start to end (a channel block at a time strode
     * through every pixel's row, 8 KB apart at 2048 channels). Each channel still starts from -∞ or 0
     * and takes the pixels in order, so the sums are the same.
     */
    public static void globalNhwc(boolean max, float[] x, int xOff, int pixels, int c, float[] y, int yOff) {
        int full = c - c % L;
        java.util.Arrays.fill(y, yOff, yOff + c, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int p = 0; p < pixels; p++) {
            int row = xOff + p * c;
            int cb = 0;
            for (; cb < full; cb += L) {
                FloatVector v = FloatVector.fromArray(S, x, row + cb), acc = FloatVector.fromArray(S, y, yOff + cb);
                (max ? acc.max(v) : acc.add(v)).intoArray(y, yOff + cb);
            }
            for (; cb < c; cb++) y[yOff + cb] = max ? Math.max(y[yOff + cb], x[row + cb]) : y[yOff + cb] + x[row + cb];
        }
        if (max) return;
        float n = pixels;
        int cb = 0;
        for (; cb < full; cb += L) FloatVector.fromArray(S, y, yOff + cb).div(n).intoArray(y, yOff + cb);
        for (; cb < c; cb++) y[yOff + cb] /= n;
    }
}
