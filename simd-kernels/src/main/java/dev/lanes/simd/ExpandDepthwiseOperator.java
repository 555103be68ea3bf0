package dev.lanes.simd;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.conv.ExpandDepthwiseConv;
import java.util.Objects;

/**
 * An expand 1x1 convolution and the depthwise 3x3 that reads its output (the first two layers of an
 * inverted-residual block: MobileNetV2, EfficientNet), prepared as two {@link ConvOperator}s and run
 * as one pass over row strips ({@link ExpandDepthwiseConv}) so that the expanded map stays in L2.
 * {@code y = act₂(dw(act₁(x·W₁ + B₁), W₂) + B₂)}, X and Y in NHWC, no residual; bit-identical to
 * running the two operators one after the other, for any thread count.
 */
public final class ExpandDepthwiseOperator {
    private final ConvOperator expand, depthwise;
    private final ExpandDepthwiseConv kernel;

    private ExpandDepthwiseOperator(ConvOperator expand, ConvOperator depthwise, ExpandDepthwiseConv kernel) {
        this.expand = expand;
        this.depthwise = depthwise;
        this.kernel = kernel;
    }

    /**
     * The two operators fused, or null when their kernels do not fit the fused path (an expand that is not a
     * unit-stride {@code POINTWISE_DIRECT}, a depthwise that is not the direct 3x3 kernel, or the expand's
     * output shape is not the depthwise's input shape).
     */
    public static ExpandDepthwiseOperator of(ConvOperator expand, ConvOperator depthwise) {
        return of(expand, depthwise, 0);
    }

    /**
     * As {@link #of(ConvOperator, ConvOperator)} with {@code stripRows} depthwise output rows per strip (0: as many as
     * fit the kernel's L2 budget): tests use a few rows to run many strips on small maps.
     */
    public static ExpandDepthwiseOperator of(ConvOperator expand, ConvOperator depthwise, int stripRows) {
        Objects.requireNonNull(expand, "expand operator");
        Objects.requireNonNull(depthwise, "depthwise operator");
        if (stripRows < 0) throw new IllegalArgumentException("ExpandDepthwise strip rows must be >= 0, got " + stripRows);
        ExpandDepthwiseConv k = ExpandDepthwiseConv.of(expand.shape(), expand.kernel(), depthwise.shape(), depthwise.kernel(), stripRows);
        return k == null ? null : new ExpandDepthwiseOperator(expand, depthwise, k);
    }

    public ConvOperator expand() {
        return expand;
    }

    public ConvOperator depthwise() {
        return depthwise;
    }

    /** Depthwise output rows per strip. */
    public int stripRows() {
        return kernel.stripRows();
    }

    /** {@code y = dw(expand(x))} with X ({@code [N, H, W, C]}) and Y in NHWC. */
    public void runNhwc(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        Objects.requireNonNull(parallel, "parallel");
        ConvShape e = expand.shape(), d = depthwise.shape();
        range("X", x, xOff, (long) e.batch() * e.inChannels() * e.inSpatialSize());
        range("Y", y, yOff, (long) d.batch() * d.outChannels() * d.outSpatialSize());
        if (e.batch() == 0) return;
        kernel.run(x, xOff, y, yOff, parallel);
    }

    private void range(String what, float[] a, int off, long n) {
        Objects.requireNonNull(a, "ExpandDepthwise " + what);
        if (off < 0 || off + n > a.length) {
            throw new IllegalArgumentException("ExpandDepthwise " + what + " needs " + n + " floats from offset " + off + ", array has "
                    + a.length + " (" + this + ")");
        }
    }

    @Override
    public String toString() {
        return "ExpandDepthwiseOperator[" + expand + " -> " + depthwise + "]";
    }
}
