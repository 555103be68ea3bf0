package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;

/**
 * A prepared depthwise convolution ({@code groups = C}, any multiplier). A 3x3 kernel with
 * dilation 1, width stride 1 or 2 and C a multiple of the vector length (MobileNet's layers) runs
 * {@link DepthwiseDirect3x3}, a 5x5 one under the same conditions (PP-OCR's layers) {@link DepthwiseDirect5x5}.
 * Otherwise, with multiplier 1 on a
 * 1-D or 2-D map it runs {@link DepthwiseBand} (rows of 3 or 5 taps unrolled by
 * {@link DepthwiseConv3x3} / {@link DepthwiseConv5x5}, other widths looped); multipliers above 1
 * and 3-D maps go through {@link DepthwiseConvGeneric}. Work is split over output rows of all
 * images and, for the band, over strips of units within a row; each output is computed the same
 * way whatever the split, so results do not depend on the thread count.
 */
public final class DepthwiseConv implements ConvKernel {
    /** Least multiply-adds worth a thread of its own. */
    private static final long MIN_MACS_PER_SHARE = 1 << 16;

    private final ConvAlgorithm algorithm;
    private final Geometry g;
    private final int batch, cin, mult, cout;
    private final DepthwiseBand band;
    private final DepthwiseDirect3x3 direct;
    private final DepthwiseDirect5x5 direct5;
    private final float[] w, bias;
    private final int[] channelMap;
    private final Activation act;
    private final long macsPerRow;

    public DepthwiseConv(ConvShape s, float[] weights, int wOff, float[] b, int bOff, Activation act, ConvAlgorithm algorithm) {
        if (!s.isDepthwise()) throw new IllegalArgumentException("DepthwiseConv needs groups = input channels, got " + s);
        this.g = Geometry.of(s.inSpatial(), s.outSpatial(), s.kernel(), s.strides(), s.dilations(), s.padsBegin());
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.mult = s.channelMultiplier();
        this.cout = s.outChannels();
        boolean square2d = g.isTwoD() && mult == 1;
        if (algorithm == ConvAlgorithm.DEPTHWISE_3X3 && !(square2d && g.kH() == 3 && g.kW() == 3)
                || algorithm == ConvAlgorithm.DEPTHWISE_5X5 && !(square2d && g.kH() == 5 && g.kW() == 5)
                || algorithm != ConvAlgorithm.DEPTHWISE_3X3 && algorithm != ConvAlgorithm.DEPTHWISE_5X5
                        && algorithm != ConvAlgorithm.DEPTHWISE_GENERIC) {
            throw new IllegalArgumentException("DepthwiseConv cannot run " + s + " as " + algorithm);
        }
        this.algorithm = algorithm;
        this.act = act;
        this.macsPerRow = (long) g.outW() * cout * g.taps();
        this.direct = algorithm == ConvAlgorithm.DEPTHWISE_3X3 && DepthwiseDirect3x3.supports(g, cin)
                ? new DepthwiseDirect3x3(g, cin, weights, wOff, s.hasBias() ? b : null, bOff) : null;
        this.direct5 = algorithm == ConvAlgorithm.DEPTHWISE_5X5 && DepthwiseDirect5x5.supports(g, cin)
                ? new DepthwiseDirect5x5(g, cin, weights, wOff, s.hasBias() ? b : null, bOff) : null;
        if (direct != null || direct5 != null) {
            this.band = null;
            this.w = null;
            this.bias = null;
            this.channelMap = null;
        } else if (square2d) {
            this.band = new DepthwiseBand(g, cin, weights, wOff, s.hasBias() ? b : null, bOff);
            this.w = null;
            this.bias = null;
            this.channelMap = null;
        } else {
            this.band = null;
            this.w = DepthwiseConvGeneric.pack(weights, wOff, cout, g.taps());
            this.bias = DepthwiseConvGeneric.packBias(s.hasBias() ? b : null, bOff, cout);
            this.channelMap = DepthwiseConvGeneric.channelMap(cout, mult);
        }
    }

    /** The direct 3x3 kernel this layer runs, or null when it runs the band or the generic path. */
    DepthwiseDirect3x3 direct() {
        return direct;
    }

    /** Input channels (= output channels: multiplier 1 is what the direct kernel runs). */
    int channels() {
        return cin;
    }

    Geometry geometry() {
        return g;
    }

    Activation activation() {
        return act;
    }

    int batch() {
        return batch;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int rowsPerImage = g.outD() * g.outH();
        int rows = batch * rowsPerImage;
        int shares = parallel.sharesFor(rows * macsPerRow, MIN_MACS_PER_SHARE);
        if (direct != null || direct5 != null) {
            // whole rows per thread while there are rows enough, as the 1x1 layers around it split their pixels: each
            // core reads the rows it wrote, and no row is cut below a strip of 8 columns (14 columns cut 8 + 6 run
            // pixel by pixel: 2 threads were slower than 1); columns only when rows are fewer than threads
            int colGrain = rows >= shares ? g.outW() : DepthwiseDirect3x3.STRIP;
            parallel.forTiles(rows, 1, g.outW(), colGrain, shares, (r0, r1, c0, c1) -> {
                for (int r = r0; r < r1; ) {
                    int n = r / rowsPerImage, first = r % rowsPerImage, last = Math.min(rowsPerImage, first + (r1 - r));
                    int xo = xOff + n * g.inPixels() * cin, yo = yOff + n * g.outPixels() * cout, ro = resOff + n * g.outPixels() * cout;
                    if (direct != null) direct.run(x, xo, y, yo, res, ro, act, first, last, c0, c1);
                    else direct5.run(x, xo, y, yo, res, ro, act, first, last, c0, c1);
                    r += last - first;
                }
            });
            return;
        }
        if (band != null) {
            parallel.forTiles(rows, 1, band.units(), DepthwiseBand.STRIP, shares, (r0, r1, u0, u1) -> {
                for (int r = r0; r < r1; ) {
                    int n = r / rowsPerImage, first = r % rowsPerImage, last = Math.min(rowsPerImage, first + (r1 - r));
                    int xo = xOff + n * g.inPixels() * cin, yo = yOff + n * g.outPixels() * cout, ro = resOff + n * g.outPixels() * cout;
                    band.run(x, xo, y, yo, res, ro, act, first, last, u0, u1);
                    r += last - first;
                }
            });
            return;
        }
        parallel.forRange(rows, 1, shares, (r0, r1) -> {
            for (int r = r0; r < r1; ) {
                int n = r / rowsPerImage, first = r % rowsPerImage, last = Math.min(rowsPerImage, first + (r1 - r));
                int xo = xOff + n * g.inPixels() * cin, yo = yOff + n * g.outPixels() * cout, ro = resOff + n * g.outPixels() * cout;
                DepthwiseConvGeneric.rows(x, xo, cin, mult, channelMap, w, bias, g, y, yo, res, ro, act, first, last);
                r += last - first;
            }
        });
    }
}
