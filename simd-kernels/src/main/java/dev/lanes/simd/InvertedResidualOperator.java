package dev.lanes.simd;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.conv.BlockPartition;
import dev.lanes.simd.conv.InvertedResidualConv;
import java.util.Objects;

/**
 * An inverted-residual block — an optional expand 1x1 convolution (or the network's stem, a direct
 * convolution of the image), a depthwise 3x3, an optional projection 1x1 with the block's residual
 * (MobileNetV2, EfficientNet) — prepared as
 * {@link ConvOperator}s and run as one pass over row strips ({@link InvertedResidualConv}) so that
 * the maps between the layers stay in L2.
 * {@code y = act_p(project(act_d(dw(act_e(expand(x))))) + residual)}, Y and the residual in NHWC, X in
 * NHWC (NCHW after a stem);
 * bit-identical to running the operators one after the other, for any thread count.
 */
public final class InvertedResidualOperator {
    /**
     * Depthwise input maps from this size (bytes) up are worth fusing. Measured in MobileNetV2 (per-node CPU time, 1
     * thread): the blocks on 112² and 56² maps (1.6–4.8 MB between layers) gain 4–27 % fused (features.2: 0.69 → 0.58
     * ms, features.1 0.37 → 0.30). On 28², 14² and 7² maps (188–602 KB, already in L2) the fused kernel was 5–25 %
     * slower with session 5's strip depthwise (features.16: 0.21 → 0.27 ms; the threshold was then 1 MB); with the
     * sliding-window depthwise, and the layers run in turn through the kernel's own scratch where the rows leave
     * threads idle, every one of those blocks is faster fused (session 6, per-block minimum of 6 profiles at 1 thread
     * and 3 at 2 threads, CPU clock of the calling thread): features.5–17 2.34 → 2.17 ms at 1 thread (features.5 0.181
     * → 0.144, features.12 0.271 → 0.242, features.17 0.292 → 0.270) and 2.22 → 1.99 ms at 2 threads. Below the
     * smallest of them (960 channels at 7², 188 KB) nothing was measured.
     */
    public static final long PAYS_FROM_BYTES = 128L << 10;

    private final ConvOperator expand, depthwise, project;
    private final InvertedResidualConv kernel;
    /** Floats of X and of Y (and the residual), counted once: the shapes' size methods allocate their dims. */
    private final long xFloats, yFloats;
    private final boolean empty;

    private InvertedResidualOperator(ConvOperator expand, ConvOperator depthwise, ConvOperator project, InvertedResidualConv kernel) {
        this.expand = expand;
        this.depthwise = depthwise;
        this.project = project;
        this.kernel = kernel;
        ConvShape first = (expand != null ? expand : depthwise).shape(), last = (project != null ? project : depthwise).shape();
        this.xFloats = (long) first.batch() * first.inChannels() * first.inSpatialSize();
        this.yFloats = (long) last.batch() * last.outChannels() * last.outSpatialSize();
        this.empty = first.batch() == 0;
    }

    /** {@link #of(ConvOperator, ConvOperator, ConvOperator, int)} with the kernel's own strip height. */
    public static InvertedResidualOperator of(ConvOperator expand, ConvOperator depthwise, ConvOperator project) {
        return of(expand, depthwise, project, 0);
    }

    /**
     * The layers fused, or null when their kernels do not fit the fused path: the depthwise must run the direct
     * 3x3 kernel, the expand (null for none) a unit-stride {@code POINTWISE_DIRECT} or a {@code STEM_DIRECT} layer and
     * the projection (null for none) a unit-stride {@code POINTWISE_DIRECT} layer, whose shapes chain with it, and at least one of them must be given.
     * {@code stripRows}: depthwise output rows per strip (0: as many as fit the kernel's L2 budget); tests use a
     * few rows to run many strips on small maps.
     */
    public static InvertedResidualOperator of(ConvOperator expand, ConvOperator depthwise, ConvOperator project, int stripRows) {
        Objects.requireNonNull(depthwise, "depthwise operator");
        if (stripRows < 0) throw new IllegalArgumentException("InvertedResidual strip rows must be >= 0, got " + stripRows);
        InvertedResidualConv k = InvertedResidualConv.of(expand == null ? null : expand.shape(), expand == null ? null : expand.kernel(),
                depthwise.shape(), depthwise.kernel(), project == null ? null : project.shape(), project == null ? null : project.kernel(),
                stripRows);
        return k == null ? null : new InvertedResidualOperator(expand, depthwise, project, k);
    }

    /** Depthwise output rows per strip. */
    public int stripRows() {
        return kernel.stripRows();
    }

    /** How a run on {@code parallel} spreads the block over its threads. */
    public BlockPartition partition(Parallel parallel) {
        return kernel.partition(parallel);
    }

    /** The block's output shape (NCHW dims; the data runs in NHWC). */
    public int[] outputShape() {
        return (project != null ? project : depthwise).shape().outputShape();
    }

    /**
     * True when X is read in NCHW: a stem (a direct convolution of the image, {@code STEM_DIRECT}) before the
     * depthwise reads the image in place. Else X is NHWC.
     */
    public boolean readsNchw() {
        return kernel.readsNchw();
    }

    /**
     * {@code y = block(x) + residual} with X in NCHW when {@link #readsNchw()}, else NHWC, and Y and the residual
     * (null for none; only with a projection) in NHWC.
     */
    public void run(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        run(x, xOff, y, yOff, residual, rOff, parallel, null);
    }

    /**
     * As {@link #run(float[], int, float[], int, float[], int, Parallel)} spread over threads as {@code partition} says
     * (null: the kernel's own rule, {@link #partition(Parallel)}), with a share per row or channel panel up to the
     * thread count whatever the work: for tests and probes. Every partition gives the same bits.
     */
    public void run(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel, BlockPartition partition) {
        Objects.requireNonNull(parallel, "parallel");
        range("X", x, xOff, xFloats);
        range("Y", y, yOff, yFloats);
        if (residual != null) {
            if (project == null) throw new IllegalArgumentException("InvertedResidual without a projection takes no residual (" + this + ")");
            range("residual", residual, rOff, yFloats);
        }
        if (empty) return;
        kernel.run(x, xOff, y, yOff, residual, rOff, parallel, partition);
    }

    private void range(String what, float[] a, int off, long n) {
        Checks.operatorRange("InvertedResidual", what, a, off, n, this);
    }

    @Override
    public String toString() {
        return "InvertedResidualOperator[" + expand + " -> " + depthwise + " -> " + project + "]";
    }
}
