package dev.lanes.simd;

import dev.lanes.simd.conv.ConvMaxPool;
import java.util.Objects;

/**
 * A prepared convolution and the MaxPool of its output run as one pass in bands of pooled rows
 * ({@link ConvMaxPool}): the convolution's output map is never written out whole. Bit-identical to
 * the convolution's {@code runNhwc} followed by the pool's {@code runNhwc}.
 */
public final class ConvMaxPoolOperator {
    private final ConvOperator conv;
    private final PoolOperator pool;
    private final ConvMaxPool kernel;

    private ConvMaxPoolOperator(ConvOperator conv, PoolOperator pool, ConvMaxPool kernel) {
        this.conv = conv;
        this.pool = pool;
        this.kernel = kernel;
    }

    /** The fused pair, or null when their kernels do not fit it (see {@link ConvMaxPool#of}). */
    public static ConvMaxPoolOperator of(ConvOperator conv, PoolOperator pool) {
        return of(conv, pool, 0);
    }

    /** As {@link #of(ConvOperator, PoolOperator)} with {@code bandRows} pooled rows per band (0: the L2 budget). */
    public static ConvMaxPoolOperator of(ConvOperator conv, PoolOperator pool, int bandRows) {
        Objects.requireNonNull(conv, "conv operator");
        Objects.requireNonNull(pool, "pool operator");
        ConvMaxPool k = ConvMaxPool.of(conv.shape(), conv.kernel(), pool.shape(), bandRows);
        return k == null ? null : new ConvMaxPoolOperator(conv, pool, k);
    }

    /** The pool's output shape (NCHW dims; the data runs in NHWC). */
    public int[] outputShape() {
        return pool.shape().outputShape();
    }

    /** Y = MaxPool(Conv(X)) with Y in NHWC and X in NCHW when {@code xNchw}, else NHWC. */
    public void run(float[] x, int xOff, boolean xNchw, float[] y, int yOff, Parallel parallel) {
        Objects.requireNonNull(parallel, "parallel");
        long in = (long) conv.shape().batch() * conv.shape().inChannels() * conv.shape().inSpatialSize();
        long out = 1;
        for (int d : outputShape()) out *= d;
        if (xOff < 0 || xOff + in > x.length) throw new IllegalArgumentException("ConvMaxPool X needs " + in + " floats from " + xOff + ", has " + x.length);
        if (yOff < 0 || yOff + out > y.length) throw new IllegalArgumentException("ConvMaxPool Y needs " + out + " floats from " + yOff + ", has " + y.length);
        kernel.run(x, xOff, xNchw, y, yOff, parallel);
    }

    @Override
    public String toString() {
        return "ConvMaxPool[" + conv + " → " + pool + ", " + kernel.bandRows() + " pooled rows per band]";
    }
}
