package dev.lanes.simd;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.conv.PointwiseConv;
import java.util.Objects;

/**
 * A prepared 1x1 convolution and the global average pool of its output as one pass
 * ({@link PointwiseConv#runGlobalMean}): the convolution's map is never written out whole, and the pool runs on
 * every thread with its share of the channels. Bit-identical to the convolution's {@code runNhwc} followed by
 * {@link PoolOperator#runNhwc} of a global average pool, for any thread count.
 */
public final class ConvGlobalPoolOperator {
    private final ConvOperator conv;
    private final PointwiseConv kernel;
    private final long xFloats, yFloats;

    private ConvGlobalPoolOperator(ConvOperator conv, PointwiseConv kernel) {
        this.conv = conv;
        this.kernel = kernel;
        ConvShape s = conv.shape();
        this.xFloats = (long) s.batch() * s.inChannels() * s.inSpatialSize();
        this.yFloats = (long) s.batch() * s.outChannels();
    }

    /** The fused pair, or null when the convolution does not run {@link PointwiseConv} (then: the two in turn). */
    public static ConvGlobalPoolOperator of(ConvOperator conv) {
        Objects.requireNonNull(conv, "conv operator");
        return conv.kernel() instanceof PointwiseConv p ? new ConvGlobalPoolOperator(conv, p) : null;
    }

    /** {@code [N, M, 1, 1]}: one mean per image and output channel (the same in NCHW and NHWC). */
    public int[] outputShape() {
        return new int[] {conv.shape().batch(), conv.shape().outChannels(), 1, 1};
    }

    /** Y = GlobalAveragePool(Conv(X)) with X in NHWC. */
    public void run(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        Objects.requireNonNull(parallel, "parallel");
        Objects.requireNonNull(x, "ConvGlobalPool X");
        Objects.requireNonNull(y, "ConvGlobalPool Y");
        if (xOff < 0 || xOff + xFloats > x.length) throw new IllegalArgumentException("ConvGlobalPool X needs " + xFloats + " floats from " + xOff + ", has " + x.length);
        if (yOff < 0 || yOff + yFloats > y.length) throw new IllegalArgumentException("ConvGlobalPool Y needs " + yFloats + " floats from " + yOff + ", has " + y.length);
        if (yFloats == 0) return;
        kernel.runGlobalMean(x, xOff, y, yOff, parallel);
    }

    @Override
    public String toString() {
        return "ConvGlobalPool[" + conv + " → global average]";
    }
}
