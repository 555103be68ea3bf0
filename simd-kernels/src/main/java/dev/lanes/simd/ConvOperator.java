package dev.lanes.simd;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.conv.BandGemmConv;
import dev.lanes.simd.conv.ConvAlgorithm;
import dev.lanes.simd.conv.ConvKernel;
import dev.lanes.simd.conv.ConvWeights;
import dev.lanes.simd.conv.DepthwiseConv;
import dev.lanes.simd.conv.DepthwiseMultiplier;
import dev.lanes.simd.conv.GemmConv;
import dev.lanes.simd.conv.GroupedConvDirect;
import dev.lanes.simd.conv.Layouts;
import dev.lanes.simd.conv.PointwiseConv;
import dev.lanes.simd.conv.StemConvDirect;
import dev.lanes.simd.conv.StemConvPanels;
import dev.lanes.simd.conv.WinogradConv;
import java.util.Objects;

/**
 * A convolution layer prepared once and run many times (ONNX Conv, plus a fused epilogue).
 *
 * <h2>Two phases</h2>
 * <pre>{@code
 *   ConvOperator conv = ConvOperator.prepare(shape, w, 0, bias, 0, Activation.RELU);   // session creation
 *   conv.runNchw(x, 0, y, 0, Parallel.shared());                                      // every inference
 * }</pre>
 * {@link #prepare} chooses the algorithm for the shape ({@link #choose}) and packs or transforms the
 * weights; {@code run} allocates nothing once its thread's work buffers have grown.
 *
 * <h2>Layouts</h2>
 * The API layout is ONNX's NCHW ({@link #runNchw}); the kernels themselves run in NHWC
 * ({@link #runNhwc}), and the NCHW entry reorders input and output around them. A graph that keeps
 * a chain of convolutions in NHWC calls {@link #runNhwc} and reorders only at its boundaries (see
 * simd-kernels/README.md, "Convolution and pooling: layout decision"). Weights and bias are always
 * given in ONNX's layout ({@code [M, C/group, k…]}, {@code [M]}).
 *
 * <h2>Epilogue</h2>
 * {@code y = act(conv(x, W) + B + residual)}: bias, an optional residual tensor (shaped like the
 * output, in the run's layout) and the activation are applied while each output is in registers.
 *
 * <h2>Threads</h2>
 * Work is split over independent outputs only (rows, tiles, pixel blocks, channel panels), with
 * block sizes fixed by the shape: the result is bit-identical for any thread count. An operator is
 * immutable and may be run from several threads at once.
 */
public final class ConvOperator {
    /** Fewest output channels for the band kernel on windows larger than 1x1. */
    static final int BAND_MIN_OUT_CHANNELS = 32;

    private final ConvShape shape;
    private final Activation activation;
    private final ConvKernel kernel;
    /**
     * Sizes every run checks or passes on, worked out once: from the shape (which clones and multiplies its arrays
     * on each call) they made each run's dispatch allocate, and put that code into the inlining tree of every graph
     * lambda C2 compiles around a run (bench/RESULTS.md, "Time to steady state, session 16").
     */
    private final int inSpatialSize, outSpatialSize;
    private final long inFloats, outFloats;
    private final int[] outputShape;

    private ConvOperator(ConvShape shape, Activation activation, ConvKernel kernel) {
        this.shape = shape;
        this.activation = activation;
        this.kernel = kernel;
        this.inSpatialSize = shape.inSpatialSize();
        this.outSpatialSize = shape.outSpatialSize();
        this.inFloats = (long) shape.batch() * shape.inChannels() * inSpatialSize;
        this.outFloats = (long) shape.batch() * shape.outChannels() * outSpatialSize;
        this.outputShape = shape.outputShape();
    }

    /** Prepares with the algorithm {@link #choose} picks. */
    public static ConvOperator prepare(ConvShape s, float[] w, int wOff, float[] bias, int bOff, Activation act) {
        return prepare(s, w, wOff, bias, bOff, act, choose(s));
    }

    /**
     * Prepares with a given algorithm (tests and benchmarks compare them); throws naming the shape
     * when the algorithm cannot run it.
     */
    public static ConvOperator prepare(ConvShape s, float[] w, int wOff, float[] bias, int bOff, Activation act,
                                       ConvAlgorithm algorithm) {
        Objects.requireNonNull(s, "Conv shape");
        Objects.requireNonNull(w, "Conv weights");
        long wSize = weightSize(s);
        if (wOff < 0 || wOff + wSize > w.length) {
            throw new IllegalArgumentException("Conv W needs " + wSize + " floats from offset " + wOff + ", array has " + w.length + " (" + s + ")");
        }
        return prepare(s, ConvWeights.of(w, wOff, (int) wSize), bias, bOff, act, algorithm);
    }

    /**
     * Prepares over weights shared with other operators of the same layer (other input shapes): the
     * kernel takes the form it needs from {@code w}, prepared once for all of them.
     */
    public static ConvOperator prepare(ConvShape s, ConvWeights w, float[] bias, int bOff, Activation act) {
        return prepare(s, w, bias, bOff, act, choose(s));
    }

    /** {@link #prepare(ConvShape, ConvWeights, float[], int, Activation)} with a given algorithm. */
    public static ConvOperator prepare(ConvShape s, ConvWeights w, float[] bias, int bOff, Activation act, ConvAlgorithm algorithm) {
        Objects.requireNonNull(s, "Conv shape");
        Objects.requireNonNull(w, "Conv weights");
        Objects.requireNonNull(act, "Conv activation");
        Objects.requireNonNull(algorithm, "Conv algorithm");
        long wSize = weightSize(s);
        if (w.size() != wSize) {
            throw new IllegalArgumentException("Conv W needs " + wSize + " floats, the weights hold " + w.size() + " (" + s + ")");
        }
        if (s.hasBias()) {
            if (bias == null) throw new IllegalArgumentException("Conv shape has a bias but B is null (" + s + ")");
            if (bOff < 0 || (long) bOff + s.outChannels() > bias.length) {
                throw new IllegalArgumentException("Conv B needs " + s.outChannels() + " floats from offset " + bOff + ", array has " + bias.length);
            }
        }
        ConvKernel k = switch (algorithm) {
            case WINOGRAD_F2X3, WINOGRAD_F4X3 -> new WinogradConv(s, w, bias, bOff, act, algorithm);
            case POINTWISE_GEMM, IM2COL_GEMM -> new GemmConv(s, w, bias, bOff, act, algorithm);
            case POINTWISE_DIRECT -> new PointwiseConv(s, w, bias, bOff, act);
            case BAND_GEMM -> new BandGemmConv(s, w, bias, bOff, act);
            // kernels that copy the raw weights into their own per-shape layout (small weights)
            case DEPTHWISE_3X3, DEPTHWISE_5X5, DEPTHWISE_GENERIC, DEPTHWISE_MULTIPLIER, GROUPED_DIRECT, STEM_DIRECT, STEM_PANELS -> {
                ConvWeights.Raw raw = w.raw();
                float[] a = raw.array();
                int off = raw.offset();
                yield switch (algorithm) {
                    case GROUPED_DIRECT -> new GroupedConvDirect(s, a, off, bias, bOff, act);
                    case STEM_DIRECT -> new StemConvDirect(s, a, off, bias, bOff, act);
                    case STEM_PANELS -> new StemConvPanels(s, a, off, bias, bOff, act);
                    // a channel multiplier: the input channels repeated, then the multiplier-1 kernels
                    case DEPTHWISE_MULTIPLIER -> new DepthwiseMultiplier(s, a, off, bias, bOff, act);
                    default -> new DepthwiseConv(s, a, off, bias, bOff, act, algorithm);
                };
            }
        };
        return new ConvOperator(s, act, k);
    }

    /** Floats of W for a shape: {@code M × C/group × taps}. */
    private static long weightSize(ConvShape s) {
        return (long) s.outChannels() * s.inChannelsPerGroup() * s.kernelSize();
    }

    /**
     * The algorithm for a shape, by rules measured on this machine (bench/RESULTS.md, "Convolution
     * and pooling"): depthwise kernels for {@code groups = C}; Winograd for 3x3 stride-1 layers with
     * enough channels to amortise the transforms; the feature map read in place as a GEMM's A for
     * 1x1 ({@link PointwiseConv}: 2-D, any stride, no padding, one group; PackedGemm over it when
     * 1-D, 3-D or grouped); a direct kernel for stems (at most 4 input channels, C·taps ≤ 32), and
     * tiles of a panel of output channels for larger stem windows with at least 32 outputs ({@link StemConvPanels});
     * all groups at once for grouped layers with a few channels per group
     * ({@link GroupedConvDirect}); the band kernel ({@link BandGemmConv}) for other 2-D windows with one
     * group; im2col + GEMM for the rest.
     */
    public static ConvAlgorithm choose(ConvShape s) {
        int[] k = s.kernel();
        if (s.isDepthwise()) {
            boolean twoD = s.spatialRank() == 2 && s.channelMultiplier() == 1;
            if (twoD && k[0] == 3 && k[1] == 3) return ConvAlgorithm.DEPTHWISE_3X3;
            if (twoD && k[0] == 5 && k[1] == 5) return ConvAlgorithm.DEPTHWISE_5X5;
            if (DepthwiseMultiplier.supports(s)) return ConvAlgorithm.DEPTHWISE_MULTIPLIER;
            return ConvAlgorithm.DEPTHWISE_GENERIC;
        }
        // an RGB stem with a small kernel: im2col's K = C·taps is too short for the GEMM, and the direct
        // kernel reads NCHW (no 3-channel reorder). Measured: 3->16 3x3/2 at 384x640 3.2x faster; a 7x7
        // (K = 147) is GEMM-sized again and goes to the panel kernel below (3->64 7x7/2 at 224: band kernel 1.34 ms, im2col
        // 2.2, this kernel 6.8)
        if (StemConvDirect.supports(s) && s.kernelSize() > 1 && s.inChannels() * s.kernelSize() <= 32) return ConvAlgorithm.STEM_DIRECT;
        // a larger stem window with many output channels: tiles of 6 pixels x a panel of 4 vectors straight from
        // NCHW rows (ResNet's 3->64 7x7/2 at 224, with its MaxPool: 1.07-1.10 ms at 1 thread against the band
        // kernel's 1.22-1.25, which reorders the 3-channel image to NHWC first); a 1x1 stays with PointwiseConv (no band copy)
        if (StemConvPanels.supports(s) && s.kernelSize() > 1 && s.outChannels() >= BAND_MIN_OUT_CHANNELS) return ConvAlgorithm.STEM_PANELS;
        if (WinogradConv.supports(s) && s.inChannels() >= 16 && s.outChannels() >= 16) {
            int[] out = s.outSpatial();
            // F(4,3) does 44% fewer multiplications per output than F(2,3), but its 6x6 tiles waste work
            // on small maps and its 36 weight matrices stream from memory when deep: measured, it wins
            // from 24x24 outputs up (64@56: 444 vs 295 effective GFLOP/s; 256@14: 307 vs 351). F(2,3) stays ahead of
            // the band kernel on deep small maps although its 16 weight matrices (16 MB at 512@7²) stream from
            // memory every run: ResNet-50's layer4 3x3 512@7² took 1.21-1.31 CPU ms in the model against the band
            // kernel's 1.29-1.44 (0.73 vs 1.05 alone); 256@14²: 0.55 vs 0.95 ms (KernelInModelProbe --model-first)
            return Math.min(out[0], out[1]) >= 24 ? ConvAlgorithm.WINOGRAD_F4X3 : ConvAlgorithm.WINOGRAD_F2X3;
        }
        // every 1x1 without padding, strided too: ResNet-50's downsample projections (2-8 MB of weights) went to the band
        // kernel while PointwiseConv streamed all the weights once per 6-pixel tile; since it reads them panel by panel
        // over all tiles it is as fast at 1 thread and faster at 2 with the weights coming from memory
        // (ConvLayerProbe --cold, session 13: 1024->2048/2 on 14x14 1.10-1.11 vs 1.12-1.15 ms at 1 thread, 0.60 vs
        // 0.61-0.62 at 2; 512->1024/2 on 28x28 0.98 vs 0.95-1.04 at 1, 0.52 vs 0.55 at 2)
        if (PointwiseConv.supports(s)) return ConvAlgorithm.POINTWISE_DIRECT;
        if (GroupedConvDirect.supports(s)) return ConvAlgorithm.GROUPED_DIRECT;
        // any other 2-D window with one group: A read in place from a padded band instead of im2col + a
        // packed copy of it (3x3/2 128->128 on 56x56: 1.19 vs 1.62 ms; 256->256 on 28x28: 1.25 vs 1.33);
        // a panel of 4 vectors wastes most of its columns on a few output channels, where im2col stays
        if (BandGemmConv.supports(s) && s.outChannels() >= BAND_MIN_OUT_CHANNELS) return ConvAlgorithm.BAND_GEMM;
        boolean pointwise = s.kernelSize() == 1;
        for (int i = 0; i < s.spatialRank(); i++) {
            pointwise &= s.padsBegin()[i] == 0 && s.padsEnd()[i] == 0 && s.strides()[i] == 1;
        }
        return pointwise ? ConvAlgorithm.POINTWISE_GEMM : ConvAlgorithm.IM2COL_GEMM;
    }

    public ConvShape shape() {
        return shape;
    }

    /** {@code shape().outputShape()}, worked out once (a copy: the caller may keep it). */
    public int[] outputShape() {
        return outputShape.clone();
    }

    /** The prepared kernel (fused operators such as {@link InvertedResidualOperator} run it in pieces). */
    ConvKernel kernel() {
        return kernel;
    }

    public ConvAlgorithm algorithm() {
        return kernel.algorithm();
    }

    /**
     * True when {@link #runNhwc(float[], int, float[], int, float[], int, Parallel)} may take the residual as Y itself,
     * so that a graph can let the output take the buffer of a residual that dies at this layer (see
     * {@link PointwiseConv#residualMayBeOutput}).
     */
    public boolean residualMayBeOutput() {
        return kernel instanceof PointwiseConv p && p.residualMayBeOutput();
    }

    public Activation activation() {
        return activation;
    }

    /** {@code y = act(conv(x) + B)} with X and Y in NCHW. */
    public void runNchw(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        runNchw(x, xOff, y, yOff, null, 0, parallel);
    }

    /** {@code y = act(conv(x) + B + residual)} with X, Y and the residual (shaped like Y; null for none) in NCHW. */
    public void runNchw(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel, false);
        if (shape.batch() == 0) return;
        if (kernel instanceof StemConvDirect stem) {
            stem.runNchw(x, xOff, y, yOff, residual, rOff, parallel);
            return;
        }
        Layouts.runNchw(kernel, shape.batch(), shape.inChannels(), inSpatialSize, shape.outChannels(),
                outSpatialSize, x, xOff, y, yOff, residual, rOff, parallel);
    }

    /**
     * {@code y = act(conv(x, W) + B + residual)} with X in NCHW, Y and the residual (null for none) in
     * NHWC: the first convolution of a chain kept in NHWC. Kernels that read NCHW themselves (the stem)
     * skip the input reorder.
     */
    public void runNchwToNhwc(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel, false);
        if (shape.batch() == 0) return;
        if (kernel instanceof StemConvDirect stem) stem.runNchwInput(x, xOff, y, yOff, residual, rOff, parallel);
        else if (kernel instanceof StemConvPanels stem) stem.runNchwInput(x, xOff, y, yOff, residual, rOff, parallel);
        else Layouts.runNchwInput(kernel, shape.batch(), shape.inChannels(), inSpatialSize, x, xOff, y, yOff, residual, rOff, parallel);
    }

    /** {@code y = act(conv(x) + B)} with X and Y in NHWC ({@code [N, spatial…, C]}). */
    public void runNhwc(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        runNhwc(x, xOff, y, yOff, null, 0, parallel);
    }

    /**
     * {@code y = act(conv(x) + B + residual)} with X, Y and the residual (null for none) in NHWC. The residual may be Y
     * itself (the same array and offset) when {@link #residualMayBeOutput()}: Y is then written over it.
     */
    public void runNhwc(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel, residualMayBeOutput());
        if (shape.batch() == 0) return;
        kernel.run(x, xOff, y, yOff, residual, rOff, parallel);
    }

    /**
     * X, Y and the residual within their arrays, and a residual that shares no float with Y, except Y itself (same array
     * and offset) when {@code overResidual}: the call writes Y over it.
     */
    private void check(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel, boolean overResidual) {
        Objects.requireNonNull(parallel, "parallel");
        long in = inFloats, out = outFloats;
        range("X", x, xOff, in);
        range("Y", y, yOff, out);
        if (residual != null) range("residual", residual, rOff, out);
        if (residual == y && rOff < yOff + out && yOff < rOff + out) {
            if (rOff != yOff) {
                throw new IllegalArgumentException("Conv residual overlaps Y (offsets " + rOff + " and " + yOff + ", " + shape + ")");
            }
            if (!overResidual) {
                throw new IllegalArgumentException("Conv residual is Y itself, which this call cannot write over (only runNhwc with "
                        + "an algorithm that writes over its residual; this is " + algorithm() + ", " + shape + ")");
            }
        }
    }

    private void range(String what, float[] a, int off, long n) {
        Checks.operatorRange("Conv", what, a, off, n, shape);
    }

    @Override
    public String toString() {
        return "ConvOperator[" + algorithm() + ", " + activation + ", " + shape + "]";
    }
}
