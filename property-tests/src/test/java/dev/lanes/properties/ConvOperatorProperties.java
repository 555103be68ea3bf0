package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.Spatial;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import dev.lanes.simd.conv.ConvAlgorithm;
import dev.lanes.simd.conv.Layouts;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Every convolution algorithm of simd-kernels against the reference Conv, on generated shapes
 * (refa's {@link ConvShapes} plus wider channel counts here, so that full vectors and partial last
 * vectors are both exercised at every width).
 *
 * <p>Error bound (DESIGN.md): {@code |y - r| ≤ c·eps32·scale}. Direct, depthwise and GEMM paths add
 * K = C/group·taps products and the bias in FMA chains: scale = the reference's terms and
 * c = K + 4, the recursive-summation bound PackedGemm's properties use (largest err/(eps·terms)
 * measured on random layers: 1.9).
 *
 * <p>Winograd mixes every input of a tile with every tap of a filter in its transforms, so its
 * rounding follows the tile's magnitudes, not one output's terms: an output whose own products are
 * tiny can carry the error of its large neighbours. Its scale is therefore, per output,
 * {@code |b| + Σ_ci (Σ |x| over the α×α input tile) · (Σ |w| over the 3×3 filter)}, and the
 * constants are F(2x2,3x3): c = 8, F(4x4,3x3): c = 48. Measured on 800 random layers (1 to 70
 * channels, magnitudes spread over four decades): largest err/(eps·scale) 1.03 for F(2,3) and 5.1
 * for F(4,3) — F(4,3)'s constants up to 8 (Aᵀ) and 1/24 (G) amplify rounding about five times more
 * (Barabasz et al., arXiv:1803.10986).
 */
@WidthSensitive
class ConvOperatorProperties {
    private static final ReferenceConv REFERENCE = new ReferenceConv();
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    static double bound(ConvShape s, ConvAlgorithm a) {
        return switch (a) {
            case WINOGRAD_F2X3 -> 8;
            case WINOGRAD_F4X3 -> 48;
            default -> s.inChannelsPerGroup() * s.kernelSize() + 1 + 4;
        };
    }

    /** The error scale of an algorithm: the reference's terms, or the Winograd tile scale (see the class comment). */
    static double[] scale(ConvShape s, Inputs d, ConvAlgorithm a, double[] terms) {
        int m = switch (a) {
            case WINOGRAD_F2X3 -> 2;
            case WINOGRAD_F4X3 -> 4;
            default -> 0;
        };
        if (m == 0) return terms;
        int alpha = m + 2, c = s.inChannels(), co = s.outChannels();
        int h = s.inSpatial()[0], w = s.inSpatial()[1], oh = s.outSpatial()[0], ow = s.outSpatial()[1];
        int pt = s.padsBegin()[0], pl = s.padsBegin()[1];
        double[] out = new double[terms.length];
        double[] wsum = new double[co * c];
        for (int o = 0; o < co; o++) for (int ci = 0; ci < c; ci++) for (int k = 0; k < 9; k++) wsum[o * c + ci] += Math.abs(d.w[(o * c + ci) * 9 + k]);
        for (int n = 0; n < s.batch(); n++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int ty = oy / m * m - pt, tx = ox / m * m - pl;
                    double[] xsum = new double[c];
                    for (int ci = 0; ci < c; ci++) {
                        for (int iy = Math.max(0, ty); iy < Math.min(h, ty + alpha); iy++) {
                            for (int ix = Math.max(0, tx); ix < Math.min(w, tx + alpha); ix++) {
                                xsum[ci] += Math.abs(d.x[((n * c + ci) * h + iy) * w + ix]);
                            }
                        }
                    }
                    for (int o = 0; o < co; o++) {
                        double v = d.bias == null ? 0 : Math.abs(d.bias[o]);
                        for (int ci = 0; ci < c; ci++) v += xsum[ci] * wsum[o * c + ci];
                        out[((n * co + o) * oh + oy) * ow + ox] = v;
                    }
                }
            }
        }
        return out;
    }

    /** The reference output and its terms for one case. */
    record Expected(float[] y, double[] terms) {
        static Expected of(ConvShape s, Inputs d) {
            int n = Dims.size(s.outputShape());
            float[] y = new float[n];
            double[] t = new double[n];
            REFERENCE.conv(s, d.x, 0, d.w, 0, d.bias, 0, y, 0, t);
            return new Expected(y, t);
        }

        /**
         * {@code act(y + z)} (no residual when z is null) with the terms of the residual and of the result added:
         * the activations are 1-Lipschitz or close, and the doubled bound covers the rest.
         */
        Expected withEpilogue(Activation act, float[] z) {
            float[] out = new float[y.length];
            double[] t = new double[y.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = act.apply(y[i] + (z == null ? 0f : z[i]));
                t[i] = terms[i] + (z == null ? 0 : Math.abs(z[i])) + Math.abs(out[i]);
            }
            return new Expected(out, t);
        }
    }

    /** Runs an operator on NCHW data into a guarded output. */
    static float[] runNchw(ConvOperator op, Inputs d, Parallel p) {
        Guarded y = new Guarded(Dims.size(op.shape().outputShape()));
        op.runNchw(d.x, 0, y.array(), y.offset(), p);
        y.assertCanariesIntact();
        return y.region();
    }

    /**
     * Runs {@code op} (with residual {@code z}, if not null) on 1, 2 and 3 threads, asserts the same bits, returns the
     * 1-thread Y (NCHW). The thread counts are compared in NHWC, straight into NaN-filled outputs: through the NCHW entry
     * an output a split forgot would keep the previous run's value in the reused NHWC scratch and pass.
     */
    static float[] sameBitsOnOneTwoAndThreeThreads(ConvOperator op, Inputs d, float[] z) {
        ConvShape s = op.shape();
        int pixels = s.outSpatialSize();
        float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize()), zh = z == null ? null : nhwc(z, s.batch(), s.outChannels(), pixels);
        float[] oneNhwc = runNhwc(op, xh, zh, Parallel.callerOnly());
        Tolerance.assertBitsEqual(op + " 2 threads", runNhwc(op, xh, zh, TWO), oneNhwc);
        Tolerance.assertBitsEqual(op + " 3 threads", runNhwc(op, xh, zh, THREE), oneNhwc);
        return z == null ? runNchw(op, d, Parallel.callerOnly()) : runNchw(op, d, z, Parallel.callerOnly());
    }

    static void checkAlgorithm(Gen<ConvShape> shapes, ConvAlgorithm forced, int examples) {
        Theories.qt(examples).forAll(shapes, Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE,
                    forced == null ? ConvOperator.choose(s) : forced);
            Expected e = Expected.of(s, d);
            Tolerance.assertClose(op.toString(), runNchw(op, d, Parallel.callerOnly()), e.y,
                    scale(s, d, op.algorithm(), e.terms), bound(s, op.algorithm()));
        });
    }

    @Test
    void chosenAlgorithmMatchesTheReferenceOnAnyShape() {
        checkAlgorithm(ConvShapes.any(), null, 60);
    }

    @Test
    void im2colRunsEveryShape() {
        checkAlgorithm(ConvShapes.any().mix(ConvShapes.grouped(), 30), ConvAlgorithm.IM2COL_GEMM, 40);
    }

    @Test
    void pointwiseGemm() {
        // Mapped to unit strides rather than filtered: with few examples (-Dlanes.properties.examples=20) the
        // filter's 50 % rejection made QuickTheories give up ("found only 5 examples matching the assumptions").
        Gen<ConvShape> unitStride = ConvShapes.pointwise().map(s -> new ConvShape(s.batch(), s.inChannels(), s.outChannels(),
                s.groups(), s.inSpatial(), s.kernel(), s.padsBegin(), s.padsEnd(), new int[] {1, 1}, s.dilations(), s.hasBias()));
        checkAlgorithm(unitStride, ConvAlgorithm.POINTWISE_GEMM, 30);
        checkAlgorithm(ConvShapes.pointwise(), ConvAlgorithm.POINTWISE_DIRECT, 30);
        checkAlgorithm(wide(1, 0, 2), ConvAlgorithm.POINTWISE_DIRECT, 30);
        checkAlgorithm(wide(1, 0, 1), ConvAlgorithm.POINTWISE_GEMM, 20);
        checkAlgorithm(pointwiseManyOutputs(), ConvAlgorithm.POINTWISE_DIRECT, 20);
        checkAlgorithm(pointwiseChunked(), ConvAlgorithm.POINTWISE_DIRECT, 8);
    }

    /**
     * 1x1 onto 5 or 6 vectors of output channels, or 4 and a part (65 to 96 at 512 bits: PointwiseConv's wide last panel
     * in 4-row tiles, which clamp a ReLU or Clip in registers before their stores), from 1 to 64 input channels, 1 to 13
     * × 1 to 11 pixels (full 4-row tiles and a shorter last one), stride 1 or 2; ReLU, ReLU6 and Clips whose bounds both
     * bite. The bits of the same 1x1 without an activation followed by the activation's max-then-min
     * ({@link Activation#applyInPlace}), on 1, 2 and 3 threads, and close to the reference.
     */
    @Test
    void pointwiseWidePanelsClampAsTheActivation() {
        int l = VectorWidth.LANES;
        List<Activation> acts = List.of(Activation.RELU6, Activation.RELU, Activation.clip(-0.5f, 0.25f), Activation.clip(0f, 0.5f));
        Gen<ConvShape> shapes = in -> {
            int kind = Generate.range(0, 2).generate(in);
            int m = kind == 0 ? 5 * l : kind == 1 ? 6 * l : 4 * l + Generate.range(1, 2 * l).generate(in);
            int c = Sizes.between(1, 64).generate(in), h = Sizes.between(1, 13).generate(in), w = Sizes.between(1, 11).generate(in);
            int stride = Generate.range(1, 2).generate(in);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        Theories.qt(40).forAll(shapes, Sizes.seeds(), Generate.pick(acts)).checkAssert((s, seed, act) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
            float[] y = sameBitsOnOneTwoAndThreeThreads(op, d, null);
            float[] then = runNchw(ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, ConvAlgorithm.POINTWISE_DIRECT), d,
                    Parallel.callerOnly());
            act.applyInPlace(then, 0, then.length);
            Tolerance.assertBitsEqual(op + " against the 1x1 without activation, then " + act, y, then);
            Expected full = Expected.of(s, d).withEpilogue(act, null);
            Tolerance.assertClose(op.toString(), y, full.y, full.terms, 2 * bound(s, op.algorithm()));
        });
    }

    /**
     * 1x1 with 250 to 420 input and 130 to 460 output channels, few pixels: PointwiseConv's panels lie in several chunks
     * of several panels each (the last panel, narrow or not, at an offset inside its chunk) at every vector width.
     */
    static Gen<ConvShape> pointwiseChunked() {
        return in -> {
            int c = Generate.range(250, 420).generate(in), m = Generate.range(130, 460).generate(in);
            int h = Sizes.between(1, 4).generate(in), w = Sizes.between(1, 5).generate(in), stride = Generate.range(1, 2).generate(in);
            return new ConvShape(1, c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /** 1x1 with 65 to 210 output channels (full panels plus a last panel of 1, 2 or 4 vectors at 512 bits), few pixels. */
    static Gen<ConvShape> pointwiseManyOutputs() {
        return in -> {
            int c = Sizes.between(1, 40).generate(in), m = Generate.range(65, 210).generate(in);
            int h = Sizes.between(1, 5).generate(in), w = Sizes.between(1, 7).generate(in), stride = Generate.range(1, 2).generate(in);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    @Test
    void winogradF2x3() {
        checkAlgorithm(ConvShapes.threeByThreeStride1(), ConvAlgorithm.WINOGRAD_F2X3, 30);
        checkAlgorithm(wide(3, 2, 1), ConvAlgorithm.WINOGRAD_F2X3, 20);
        checkAlgorithm(deep(), ConvAlgorithm.WINOGRAD_F2X3, 2);
    }

    /**
     * Winograd's blocks of tiles are fixed by the shape, so a map of many blocks (an even count,
     * shared out over threads) gives the same bits on 1, 2 and 3 threads, and is as close to the
     * reference as any run.
     */
    @Test
    void winogradBlocksSameBitsOnAnyThreadCount() {
        Theories.qt(4).forAll(manyTiles(), Sizes.seeds(), Generate.pick(List.of(ConvAlgorithm.WINOGRAD_F2X3, ConvAlgorithm.WINOGRAD_F4X3)))
                .checkAssert((s, seed, a) -> {
                    Inputs d = Inputs.of(s, seed);
                    ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, a);
                    float[] one = sameBitsOnOneTwoAndThreeThreads(op, d, null);
                    Expected e = Expected.of(s, d);
                    Tolerance.assertClose(op.toString(), one, e.y, scale(s, d, a, e.terms), bound(s, a));
                });
    }

    @Test
    void winogradF4x3() {
        checkAlgorithm(ConvShapes.threeByThreeStride1(), ConvAlgorithm.WINOGRAD_F4X3, 30);
        checkAlgorithm(wide(3, 2, 1), ConvAlgorithm.WINOGRAD_F4X3, 20);
        checkAlgorithm(deep(), ConvAlgorithm.WINOGRAD_F4X3, 2);
    }

    /**
     * The band kernel: any 2-D window with one group (kernels to 5, strides and dilations to 3, pads
     * up to the kernel), 1x1 in place and gathered by stride, channel counts across vector lengths and
     * past one panel (65 to 210 outputs: a narrow last panel), tall maps (several bands per image)
     * and tiny ones with many panels, which split a band's panels over threads: bit-identical for
     * 1, 2 and 3 threads.
     */
    @Test
    void bandGemm() {
        Gen<ConvShape> oneGroup = ConvShapes.twoD().map(s -> new ConvShape(s.batch(), s.inChannelsPerGroup(), s.outChannelsPerGroup(), 1,
                s.inSpatial(), s.kernel(), s.padsBegin(), s.padsEnd(), s.strides(), s.dilations(), s.hasBias()));
        checkAlgorithm(oneGroup, ConvAlgorithm.BAND_GEMM, 40);
        checkAlgorithm(wide(3, 2, 2), ConvAlgorithm.BAND_GEMM, 20);
        checkAlgorithm(wide(1, 0, 3), ConvAlgorithm.BAND_GEMM, 20);
        checkAlgorithm(wide(5, 3, 2), ConvAlgorithm.BAND_GEMM, 10);
        Gen<ConvShape> panelsAndBands = bandShapes();
        checkAlgorithm(panelsAndBands, ConvAlgorithm.BAND_GEMM, 20);
        Theories.qt(20).forAll(panelsAndBands, Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.RELU, ConvAlgorithm.BAND_GEMM);
            sameBitsOnOneTwoAndThreeThreads(op, d, null);
        });
    }

    /**
     * Panels longer than L2 allows (K = 9·C above 20 000 rows: beyond the panel limit at every vector
     * width) run in chunks of K, each chunk after the first resuming from the partial sums in Y: as
     * close to the reference as any band run, and (with the ReLU epilogue) bit-identical for 1, 2 and 3 threads (two panels at 512 bits split over threads).
     */
    @Test
    void bandGemmChunksLongPanels() {
        Gen<ConvShape> longPanels = in -> {
            int c = Generate.range(2240, 2300).generate(in), m = Sizes.between(1, 70).generate(in), stride = Generate.range(1, 2).generate(in);
            int h = Generate.range(1, 4).generate(in), w = Generate.range(1, 3).generate(in);
            return new ConvShape(1, c, m, 1, new int[] {h, w}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                    new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        checkAlgorithm(longPanels, ConvAlgorithm.BAND_GEMM, 3);
        Theories.qt(3).forAll(longPanels, Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.RELU, ConvAlgorithm.BAND_GEMM);
            sameBitsOnOneTwoAndThreeThreads(op, d, null);
        });
    }

    /**
     * Panel-outer runs of several tiles and several chunks of K per panel (9·C rows of 2240 to 2300 input channels: two or
     * more chunks at every vector width; 65 to 140 output channels: two or more panels), where the tiles after a chunk's
     * first read ahead one float per page of the next chunk or the next panel: maps of 7 to 20 output pixels (2 to 4
     * tiles, so every share of the next chunk's pages is 1/1 to 1/3 of it), stride 1 or 2. The reads change no sum:
     * against the reference with a residual and the ReLU, the same bits on 1, 2, 3, 5 and 8 threads (each thread reads
     * ahead only within its own panels).
     */
    @Test
    void bandGemmReadsAheadWithinItsPanels() {
        List<int[]> maps = List.of(new int[] {1, 7}, new int[] {7, 1}, new int[] {2, 5}, new int[] {3, 4}, new int[] {4, 4},
                new int[] {2, 9}, new int[] {4, 5}, new int[] {3, 6});
        Gen<ConvShape> longPanels = in -> {
            int c = Generate.range(2240, 2300).generate(in), m = Generate.range(65, 140).generate(in), stride = Generate.range(1, 2).generate(in);
            int[] out = Generate.pick(maps).generate(in);
            return new ConvShape(1, c, m, 1, new int[] {out[0] * stride, out[1] * stride}, new int[] {3, 3}, new int[] {1, 1},
                    new int[] {1, 1}, new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(3).forAll(longPanels, Sizes.seeds()).checkAssert((s, seed) -> {
                assertTrue(s.outSpatialSize() > 6, "two or more tiles: " + s);
                checkBandWithResidual(s, seed, five, eight);
            });
        }
    }

    /**
     * Weights beyond L2 on a map whose whole band fits next to them (3x3 with 130 to 170 input and output channels on 1
     * to 9 rows of 1 to 9 pixels, stride 1 or 2; 1x1 gathered by stride 2, 420 to 460 channels): one band per image,
     * its K in chunks, the panels split over threads (more bands only when the panels run out, batch 1 to 3). Against
     * the reference with a residual and the ReLU; the same bits on 1, 2, 3, 5 and 8 threads.
     */
    @Test
    void bandGemmWholeImageBands() {
        Gen<ConvShape> deepSmall = in -> {
            boolean pointwise = Generate.booleans().generate(in);
            int k = pointwise ? 1 : 3, pad = k / 2, stride = pointwise ? 2 : Generate.range(1, 2).generate(in);
            int c = pointwise ? Generate.range(420, 460).generate(in) : Generate.range(130, 170).generate(in);
            int m = pointwise ? Generate.range(420, 460).generate(in) : Generate.range(130, 170).generate(in);
            int h = Sizes.between(1, 9).generate(in), w = Sizes.between(1, 9).generate(in);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {k, k}, new int[] {pad, pad},
                    new int[] {pad, pad}, new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(6).forAll(deepSmall, Sizes.seeds()).checkAssert((s, seed) -> checkBandWithResidual(s, seed, five, eight));
        }
    }

    /**
     * The band kernel with a residual and the ReLU on {@code s}: against the reference, the same bits on 1, 2 and 3
     * threads (NCHW entry), and on 5 and 8 threads as on 1 (NHWC entry).
     */
    private static void checkBandWithResidual(ConvShape s, long seed, Parallel five, Parallel eight) {
        Inputs d = Inputs.of(s, seed);
        ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.RELU, ConvAlgorithm.BAND_GEMM);
        Expected e = Expected.of(s, d);
        float[] z = Data.uniform(seed + 7, e.y.length);
        Expected withZ = e.withEpilogue(Activation.RELU, z);
        float[] one = sameBitsOnOneTwoAndThreeThreads(op, d, z);
        Tolerance.assertClose(op + " +Z", one, withZ.y, withZ.terms, 2 * bound(s, op.algorithm()));
        int pixels = s.outSpatialSize();
        float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize()), zh = nhwc(z, s.batch(), s.outChannels(), pixels);
        float[] oneNhwc = runNhwc(op, xh, zh, Parallel.callerOnly());
        Tolerance.assertBitsEqual(op + " 5 threads", runNhwc(op, xh, zh, five), oneNhwc);
        Tolerance.assertBitsEqual(op + " 8 threads", runNhwc(op, xh, zh, eight), oneNhwc);
    }

    /**
     * Bands whose last tile holds 1 or 2 pixels (49 = 8·6 + 1: ResNet-50's layer4 on 7²), which run the 2-row kernel
     * instead of the 6-row one: output maps of 1, 2, 7, 8, 13, 14, 25, 26 or 49 pixels (1x1, 1x2, 2x1, 1x7, 7x1, 2x4,
     * 4x2, 1x13, 2x7, 7x2, 5x5, 2x13, 7x7), 3x3 stride 1 or 2 and 1x1 gathered by stride 2, deep (weights beyond L2:
     * whole-image bands, panels split over threads) or shallow (weights in L2: tiles outside the panels). Against the
     * reference with a residual and the ReLU; the same bits on 1, 2, 3, 5 and 8 threads (more threads cut more bands
     * and panels, so the same outputs fall in tails of other lengths).
     */
    @Test
    void bandGemmShortLastTiles() {
        List<int[]> maps = List.of(new int[] {1, 1}, new int[] {1, 2}, new int[] {2, 1}, new int[] {1, 7}, new int[] {7, 1},
                new int[] {2, 4}, new int[] {4, 2}, new int[] {1, 13}, new int[] {2, 7}, new int[] {7, 2}, new int[] {5, 5},
                new int[] {2, 13}, new int[] {7, 7});
        Gen<ConvShape> shortTails = in -> {
            boolean pointwise = Generate.booleans().generate(in), deep = Generate.booleans().generate(in);
            int k = pointwise ? 1 : 3, pad = k / 2, stride = pointwise ? 2 : Generate.range(1, 2).generate(in);
            int c = deep ? (pointwise ? Generate.range(420, 460).generate(in) : Generate.range(130, 170).generate(in)) : Sizes.between(1, 40).generate(in);
            int m = deep ? (pointwise ? Generate.range(420, 460).generate(in) : Generate.range(130, 170).generate(in)) : Generate.range(65, 210).generate(in);
            int[] out = Generate.pick(maps).generate(in);
            // input rows and columns that give exactly these outputs (pad k/2, stride s: out = (in - 1) / s + 1)
            return new ConvShape(1, c, m, 1, new int[] {out[0] * stride, out[1] * stride}, new int[] {k, k}, new int[] {pad, pad},
                    new int[] {pad, pad}, new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(12).forAll(shortTails, Sizes.seeds()).checkAssert((s, seed) -> {
                int pixels = s.outSpatialSize();
                assertTrue(pixels % 6 == 1 || pixels % 6 == 2, "a short last tile: " + s);
                checkBandWithResidual(s, seed, five, eight);
            });
        }
    }

    /**
     * One group, kernel 1 or 3 with stride 1 or 2: either a tall map of a few output channels (80 to 160
     * rows of up to 9 pixels, 40 to 130 input channels: 1 to 7 bands, more to even them out on 2 or 3 threads) or a map of 1 to 4 pixels a side with 65 to 210 output channels
     * (one band, several panels).
     */
    static Gen<ConvShape> bandShapes() {
        return in -> {
            boolean tall = Generate.booleans().generate(in);
            int k = Generate.pick(List.of(1, 3)).generate(in), stride = Generate.range(1, 2).generate(in), pad = k / 2;
            int c = tall ? Sizes.between(40, 130).generate(in) : Sizes.between(1, 40).generate(in);
            int m = tall ? Sizes.between(1, 20).generate(in) : Generate.range(65, 210).generate(in);
            int h = tall ? Generate.range(80, 160).generate(in) : Generate.range(1, 4).generate(in);
            int w = tall ? Sizes.between(1, 9).generate(in) : Generate.range(1, 4).generate(in);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {k, k}, new int[] {pad, pad},
                    new int[] {pad, pad}, new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    @Test
    void depthwiseKernels() {
        checkAlgorithm(ConvShapes.depthwise(), null, 40);
        checkAlgorithm(depthwiseWide(3), ConvAlgorithm.DEPTHWISE_3X3, 30);
        checkAlgorithm(depthwiseWide(5), ConvAlgorithm.DEPTHWISE_5X5, 30);
        checkAlgorithm(depthwiseWide(3).mix(depthwiseWide(4), 50), ConvAlgorithm.DEPTHWISE_GENERIC, 20);
    }

    /**
     * The depthwise band (multiplier 1, 1-D and 2-D): rows wide enough for several strips, chunks and
     * thread tiles, maps as short as 1-3 rows under 5-row kernels (every row a border row), stride
     * and dilation per axis, pads past the kernel (rows and columns with no tap inside), channel
     * counts on both sides of the flat/blocked choice, kernels 3 and 5 wide (unrolled) and others.
     */
    @Test
    void depthwiseBandOnLongRowsAndShortMaps() {
        Theories.qt(60).forAll(depthwiseBand(), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            ConvAlgorithm a = ConvOperator.choose(s);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, a);
            Expected e = Expected.of(s, d);
            Tolerance.assertClose(op.toString(), runNchw(op, d, Parallel.callerOnly()), e.y, e.terms, bound(s, a));
        });
    }

    /**
     * Depthwise 3x3 with C a multiple of the vector length (read in place, a window sliding along each row):
     * rows of 1 to 41 pixels (rows narrower than the window, thread tiles of several 8-column pieces),
     * 1 to 7 rows, width stride 1 or 2 and height stride 1 to 3 with odd sizes, pads 0 to 4
     * per side (columns and rows with no tap inside), a ReLU/Clip clamped in the kernel or another
     * activation as a pass, deep rows that run in channel blocks; 1, 2 and 3 threads give the same bits.
     */
    @Test
    void depthwiseDirect3x3() {
        checkDepthwiseDirect(depthwiseDirect(), 50);
    }

    /**
     * As {@link #depthwiseDirect3x3} with MobileNet's one-pixel pad on every side, where the sliding window also
     * computes the edge columns that miss one tap: stride 1 and 2, odd and even sizes (a right edge column or none
     * at stride 2), maps of 1 to 30 columns and rows, shallow and deep channels.
     */
    @Test
    void depthwiseDirect3x3WithOnePixelPads() {
        checkDepthwiseDirect(depthwiseDirectPaddedByOne(), 40);
    }

    /**
     * Depthwise 5x5 with C a multiple of the vector length (read in place, passes of one or two kernel rows sliding a
     * window of five input vectors along each row): PP-OCR's layers and the edges around them. Rows of 1 to 45 pixels
     * (narrower than the window: every column an edge column), 1 to 9 rows, width stride 1 or 2 and height stride 1 to 3,
     * pads 0 to 5 per side (past the kernel's half: columns and rows with no tap inside), an odd count of kernel rows
     * inside (a one-row pass), a residual or none, activations fused or as a pass; 1, 2 and 3 threads give the same bits.
     */
    @Test
    void depthwiseDirect5x5() {
        checkDepthwiseDirect(depthwiseDirect5x5Shapes(), ConvAlgorithm.DEPTHWISE_5X5, 50);
    }

    private static void checkDepthwiseDirect(Gen<ConvShape> shapes, int examples) {
        checkDepthwiseDirect(shapes, ConvAlgorithm.DEPTHWISE_3X3, examples);
    }

    private static void checkDepthwiseDirect(Gen<ConvShape> shapes, ConvAlgorithm algorithm, int examples) {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU6, Activation.RELU, Activation.clip(-0.5f, 0.25f), Activation.HARD_SWISH,
                Activation.SIGMOID);
        // the 3x3 kernel keeps its residual to the fused blocks; the 5x5 one takes one here
        boolean residuals = algorithm == ConvAlgorithm.DEPTHWISE_5X5;
        Theories.qt(examples).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            Inputs d = Inputs.of(s, seed);
            Expected e = Expected.of(s, d);
            float[] z = residuals && residual ? Data.uniform(seed + 7, e.y.length) : null;
            Expected full = e.withEpilogue(act, z);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act);
            assertEquals(algorithm, op.algorithm(), s.toString());
            float[] one = sameBitsOnOneTwoAndThreeThreads(op, d, z);
            Tolerance.assertClose(op.toString(), one, full.y, full.terms, 2 * bound(s, op.algorithm()));
        });
    }

    /** 2-D depthwise 5x5, dilation 1, C = 1, 2, 3 or 5 vectors (or 96 to 200 channels on 15 to 24 columns), the sizes, strides and pads of {@link #depthwiseDirect5x5}. */
    static Gen<ConvShape> depthwiseDirect5x5Shapes() {
        return in -> {
            boolean deep = Generate.range(0, 3).generate(in) == 0;
            int c = VectorWidth.LANES * (deep ? Generate.range(96 / VectorWidth.LANES, 200 / VectorWidth.LANES).generate(in)
                    : Generate.pick(List.of(1, 2, 3, 5)).generate(in));
            int h = Sizes.between(1, 9).generate(in), w = deep ? Generate.range(15, 24).generate(in) : Sizes.between(1, 45).generate(in);
            int[] st = {Generate.range(1, 3).generate(in), Generate.range(1, 2).generate(in)};
            int[] pb = {Generate.range(0, 5).generate(in), Generate.range(0, 5).generate(in)};
            int[] pe = {Generate.range(0, 5).generate(in), Generate.range(0, 5).generate(in)};
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {5, 5}, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, c, c, new int[] {h, w}, new int[] {5, 5}, pb, pe, st, new int[] {1, 1},
                    Generate.booleans().generate(in));
        };
    }

    /** 2-D depthwise 3x3, dilation 1, pads of 1, equal strides 1 or 2, C = 1 to 3 vectors (or 64 to 100 channels), 1 to 30 rows and columns. */
    static Gen<ConvShape> depthwiseDirectPaddedByOne() {
        return in -> {
            boolean deep = Generate.range(0, 2).generate(in) == 0;
            int c = VectorWidth.LANES * (deep ? Generate.range(64 / VectorWidth.LANES, 100 / VectorWidth.LANES).generate(in)
                    : Generate.range(1, 3).generate(in));
            int h = Sizes.between(1, deep ? 9 : 30).generate(in), w = Sizes.between(1, 30).generate(in);
            int st = Generate.range(1, 2).generate(in);
            return new ConvShape(ConvShapes.batch(in), c, c, c, new int[] {h, w}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /** 2-D depthwise 3x3, dilation 1, C = 1, 2, 3 or 5 vectors (or 128 to 200 channels on 15 to 20 columns), the sizes, strides and pads of {@link #depthwiseDirect3x3}. */
    static Gen<ConvShape> depthwiseDirect() {
        return in -> {
            // a quarter deep (128 to 200 channels) and 15 to 20 wide: rows too large for L1, so channels go in blocks
            boolean deep = Generate.range(0, 3).generate(in) == 0;
            int c = VectorWidth.LANES * (deep ? Generate.range(128 / VectorWidth.LANES, 200 / VectorWidth.LANES).generate(in)
                    : Generate.pick(List.of(1, 2, 3, 5)).generate(in));
            int h = Sizes.between(1, 7).generate(in), w = deep ? Generate.range(15, 20).generate(in) : Sizes.between(1, 41).generate(in);
            int[] st = {Generate.range(1, 3).generate(in), Generate.range(1, 2).generate(in)};
            int[] pb = {Generate.range(0, 4).generate(in), Generate.range(0, 4).generate(in)};
            int[] pe = {Generate.range(0, 4).generate(in), Generate.range(0, 4).generate(in)};
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {3, 3}, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, c, c, new int[] {h, w}, new int[] {3, 3}, pb, pe, st, new int[] {1, 1},
                    Generate.booleans().generate(in));
        };
    }

    /**
     * 1x1 convolutions deep enough that PointwiseConv runs its tiles in several blocks, panel by panel
     * (a block holds about 64K floats of input and output rows): 500 to 700 input channels, 1 to 300
     * output channels (a last partial panel), 12x12 to 14x14 outputs (a partial last tile), stride 1 or 2;
     * 1, 2 and 3 threads give the same bits.
     */
    @Test
    void pointwiseInBlocksOfTiles() {
        Theories.qt(4).forAll(pointwiseDeep(), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.RELU6);
            assertEquals(ConvAlgorithm.POINTWISE_DIRECT, op.algorithm(), s.toString());
            Expected e = Expected.of(s, d);
            float[] expected = new float[e.y.length];
            double[] terms = new double[e.y.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Activation.RELU6.apply(e.y[i]);
                terms[i] = e.terms[i] + Math.abs(expected[i]);
            }
            float[] one = sameBitsOnOneTwoAndThreeThreads(op, d, null);
            Tolerance.assertClose(op.toString(), one, expected, terms, 2 * bound(s, op.algorithm()));
        });
    }

    /**
     * 1x1 layers with few output channels, where PointwiseConv's narrow kernels run: 1 to 40 output channels (a third of
     * the time 8, 16, 24, 40, 1.5 vectors: the pixel-pair kernel, or 4 vectors + 1 to 6 vectors: the 6-vector panel), 1 input channel or 2 to 47 (primes among them),
     * 1 to 40 output pixels (fewer than a tile, and tails of 1 to 11 after 12-pixel tiles), stride 1 or 2; no
     * activation, ReLU or ReLU6 (clamped in the stores when there is no residual), residual on or off. Against the
     * reference, and 1, 2 and 3 threads give the same bits.
     */
    @Test
    void pointwiseNarrowOutputs() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.RELU6);
        Gen<ConvShape> shapes = in -> {
            int m = Generate.range(0, 3).generate(in) == 0
                    ? Generate.pick(List.of(8, 16, 24, 40, 3 * VectorWidth.LANES / 2, 4 * VectorWidth.LANES + 1, 6 * VectorWidth.LANES - 3,
                            6 * VectorWidth.LANES)).generate(in)
                    : Sizes.between(1, 40).generate(in);
            int c = Generate.range(0, 4).generate(in) == 0 ? 1 : Sizes.between(2, 47).generate(in);
            int st = Generate.range(1, 2).generate(in);
            int h = Sizes.between(1, 5).generate(in) * st, w = Sizes.between(1, 8).generate(in) * st;
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        Theories.qt(40).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.POINTWISE_DIRECT);
        });
    }

    /**
     * 1x1 layers on tiny maps under large weights (250 to 400 → 130 to 300 channels on 1 to 12 pixels, stride 1 or 2):
     * with several threads PointwiseConv splits the output channels, each thread running the residual and activation
     * on its own columns; with a residual or an activation the epilogue does not clamp in the stores. Against the
     * reference, and 1, 2 and 3 threads give the same bits.
     */
    @Test
    void pointwiseSplitOverOutputChannels() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU6, Activation.HARD_SWISH);
        Gen<ConvShape> shapes = in -> {
            int c = Generate.range(250, 400).generate(in), m = Generate.range(130, 300).generate(in), st = Generate.range(1, 2).generate(in);
            int h = Generate.range(1, 3).generate(in) * st, w = Generate.range(1, 4).generate(in) * st;
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        Theories.qt(8).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.POINTWISE_DIRECT);
        });
    }

    /**
     * 1x1 shapes with weights above 2 MB (760 to 820 → 700 to 760 channels: 2.0 to 2.4 MB) over maps of 1 to
     * {@code maxH} × 1 to {@code maxW} output pixels, stride 1 or 2, with or without a bias.
     */
    private static Gen<ConvShape> deepPointwiseShapes(int maxH, int maxW) {
        return in -> {
            int c = Generate.range(760, 820).generate(in), m = Generate.range(700, 760).generate(in), st = Generate.range(1, 2).generate(in);
            int h = Sizes.between(1, maxH).generate(in) * st, w = Sizes.between(1, maxW).generate(in) * st;
            return new ConvShape(1, c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /**
     * 1x1 layers with weights above 2 MB (760 to 820 → 700 to 760 channels: 2.0 to 2.4 MB) over maps smaller than them
     * (1 to 5 × 1 to 7 pixels, stride 1 or 2): on one thread too, PointwiseConv runs panel by panel over
     * every tile (each panel's weights read once), as it splits such layers over threads. Against the reference with and
     * without a residual, for no activation, ReLU (clamped in the stores) and HardSwish; the same bits on 1, 2 and 3
     * threads, and, over its residual (Y given as the residual), the same bits as with a separate residual on 1 and 2.
     */
    @Test
    void pointwiseDeepWeightsPanelByPanel() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.HARD_SWISH);
        Gen<ConvShape> shapes = deepPointwiseShapes(5, 7);
        Theories.qt(8).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            assertTrue(4L * s.inChannels() * s.outChannels() > 2 << 20, "weights above 2 MB: " + s);
            float[] z = epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.POINTWISE_DIRECT);
            if (z == null) return;
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
            float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize()), zh = nhwc(z, s.batch(), s.outChannels(), s.outSpatialSize());
            assertSameBitsOverResidual(op, xh, zh, runNhwc(op, xh, zh, Parallel.callerOnly()), List.of(Parallel.callerOnly(), TWO));
        });
    }

    /**
     * 1x1 layers with weights above 2 MB (760 to 820 → 700 to 760 channels, a last panel narrower than the others) over
     * 1 to 9 × 1 to 9 pixels, stride 1 or 2: PointwiseConv runs panel by panel and, after each tile of a panel but the
     * last, loads a share of the pages of the next panel its thread computes (PointwiseConv's unitShare; a thread whose
     * share ends inside a panel, or has one tile of it, reads nothing ahead there). The loads change no arithmetic: against the
     * reference with and without a residual (NCHW, 1, 2 and 3 threads), the same bits on 5 and 8 threads, and over its
     * residual on 1, 2, 3, 5 and 8; any load outside the panels would throw.
     */
    @Test
    void pointwiseDeepWeightsReadAheadOnEveryThreadCount() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.HARD_SWISH);
        Gen<ConvShape> shapes = deepPointwiseShapes(9, 9);
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(8).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
                assertTrue(4L * s.inChannels() * s.outChannels() > 2 << 20, "weights above 2 MB: " + s);
                float[] z = epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.POINTWISE_DIRECT);
                Inputs d = Inputs.of(s, seed);
                ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
                float[] xh = nhwc(d.x, 1, s.inChannels(), s.inSpatialSize()), zh = z == null ? null : nhwc(z, 1, s.outChannels(), s.outSpatialSize());
                float[] one = runNhwc(op, xh, zh, Parallel.callerOnly());
                Tolerance.assertBitsEqual(op + " 5 threads", runNhwc(op, xh, zh, five), one);
                Tolerance.assertBitsEqual(op + " 8 threads", runNhwc(op, xh, zh, eight), one);
                if (zh != null) assertSameBitsOverResidual(op, xh, zh, one, List.of(Parallel.callerOnly(), TWO, THREE, five, eight));
            });
        }
    }

    /**
     * 1x1 layers on small maps under large weights (250 to 330 → 120 to 200 channels on 21 to 40 pixels) at 4 and 5
     * threads: PointwiseConv cuts its (panel, tile) units into even shares of work, so that shares start and end inside
     * panels (one panel's tiles split between threads) and a last narrower panel counts by its width; each unit runs
     * the residual and activation on its own columns. Against the reference, and the bits of 1 thread.
     */
    @Test
    void pointwiseSplitOverPixelsAndVectors() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU6, Activation.HARD_SWISH);
        Gen<ConvShape> shapes = in -> {
            int c = Generate.range(250, 330).generate(in), m = Generate.range(120, 200).generate(in);
            int h = Generate.range(3, 5).generate(in), w = Generate.range(7, 8).generate(in);
            return new ConvShape(1, c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {1, 1}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        try (Parallel four = Parallel.create(4); Parallel five = Parallel.create(5)) {
            Theories.qt(8).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
                Inputs d = Inputs.of(s, seed);
                ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
                Expected e = Expected.of(s, d);
                float[] z = residual ? Data.uniform(seed + 7, e.y.length) : null;
                float[] expected = new float[e.y.length];
                double[] terms = new double[e.y.length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = act.apply(e.y[i] + (z == null ? 0f : z[i]));
                    terms[i] = e.terms[i] + (z == null ? 0 : Math.abs(z[i])) + Math.abs(expected[i]);
                }
                // NHWC straight into NaN-filled outputs (the NCHW entry's scratch would keep the last call's values)
                int pixels = s.outSpatialSize();
                float[] xh = nhwc(d.x, 1, s.inChannels(), s.inSpatialSize()), zh = z == null ? null : nhwc(z, 1, s.outChannels(), pixels);
                float[] one = runNhwc(op, xh, zh, Parallel.callerOnly());
                Tolerance.assertBitsEqual(op + " 4 threads", runNhwc(op, xh, zh, four), one);
                Tolerance.assertBitsEqual(op + " 5 threads", runNhwc(op, xh, zh, five), one);
                Tolerance.assertClose(op + (residual ? " +Z" : ""), one, nhwc(expected, 1, s.outChannels(), pixels),
                        nhwcTerms(terms, s.outChannels(), pixels), 2 * bound(s, op.algorithm()));
            });
        }
    }

    /**
     * PointwiseConv writing Y over its residual (the residual given as Y itself, as a graph does when the residual dies
     * at the layer): the same bits as with the residual in its own array, on 1, 2, 3, 5 and 8 threads, for maps split by
     * pixels (up to 81 pixels, 1 to 40 input channels) and maps split by (panel, tile) units (7 to 10 pixels under 250 to
     * 330 input channels), M not a multiple of the vector (a last narrow or 5/6-vector panel), no activation, ReLU, ReLU6,
     * HardSwish. Pixel pairs (M = 1.5 vectors) refuse it with a clear exception, as do other algorithms.
     */
    @Test
    void pointwiseOverItsResidual() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.HARD_SWISH);
        Gen<ConvShape> shapes = in -> {
            boolean deep = Generate.booleans().generate(in);
            int c = deep ? Generate.range(250, 330).generate(in) : Sizes.between(1, 40).generate(in);
            int m = deep ? Generate.range(120, 200).generate(in) : Sizes.between(1, 100).generate(in);
            int h = deep ? 1 : Sizes.between(1, 9).generate(in), w = deep ? Generate.range(7, 10).generate(in) : Sizes.between(1, 9).generate(in);
            return new ConvShape(deep ? 1 : ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {1, 1}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(40).forAll(shapes, Sizes.seeds(), Generate.pick(acts)).checkAssert((s, seed, act) -> {
                Inputs d = Inputs.of(s, seed);
                ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
                int n = Dims.size(s.outputShape());
                float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize());
                float[] zh = nhwc(Data.uniform(seed + 7, n), s.batch(), s.outChannels(), s.outSpatialSize());
                float[] separate = runNhwc(op, xh, zh, Parallel.callerOnly());
                if (!op.residualMayBeOutput()) {
                    float[] y = zh.clone();
                    assertThrows(IllegalArgumentException.class, () -> op.runNhwc(xh, 0, y, 0, y, 0, Parallel.callerOnly()));
                    return;
                }
                assertSameBitsOverResidual(op, xh, zh, separate, List.of(Parallel.callerOnly(), TWO, THREE, five, eight));
            });
        }
    }

    /**
     * PointwiseConv over its residual with a ReLU, where full tiles of full 4- and 2-vector panels add Y and clamp in
     * registers (PointwiseConv's kernel6x4OverResidual / kernel6x2OverResidual) and the rest goes through the tile
     * buffer: against the reference with the residual in its own array (NCHW, 1, 2 and 3 threads), and over its residual
     * the same bits on 1, 2, 3, 5 and 8 threads. Input channels 1, 7, 64, 2049 or any up to 130; output channels multiples of
     * 2 or 4 vectors at this width (every panel full) or any up to 300 (a last narrow, 5- or 6-vector panel); 1 to 9 × 1
     * to 9 pixels (tiles of 6 with tails of 1 to 5), stride 1 or 2; ReLU and Clip(0, ∞) (in registers) against ReLU6 and
     * none (the buffer). Without a residual, ReLU and Clip(0, ∞) (clamped in registers by full tiles of full 4-vector
     * panels, PointwiseConv's kernel6x4Relu; K = 2049 with M ≥ 256 crosses the 2 MB above which the clamp stays a pass)
     * give exactly {@code max(y, +0.0)} of the same layer with no activation.
     */
    @Test
    void pointwiseOverResidualInRegisters() {
        int l = VectorWidth.FLOAT.length();
        List<Activation> acts = List.of(Activation.RELU, Activation.RELU, Activation.clip(0f, Float.POSITIVE_INFINITY), Activation.RELU6, Activation.NONE);
        Gen<ConvShape> shapes = in -> {
            int c = Generate.pick(List.of(1, 7, 64, 2049)).mix(Sizes.between(1, 130), 50).generate(in);
            int m = Generate.booleans().generate(in) ? Generate.range(1, 5).generate(in) * (Generate.booleans().generate(in) ? 2 * l : 4 * l)
                    : Sizes.between(1, 300).generate(in);
            int st = Generate.range(1, 2).generate(in);
            int h = (c > 1000 ? Sizes.between(1, 3) : Sizes.between(1, 9)).generate(in) * st, w = Sizes.between(1, 9).generate(in) * st;
            return new ConvShape(c > 1000 ? 1 : ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(30).forAll(shapes, Sizes.seeds(), Generate.pick(acts)).checkAssert((s, seed, act) -> {
                float[] z = epilogueOnOneTwoAndThreeThreads(s, seed, act, true, ConvAlgorithm.POINTWISE_DIRECT);
                Inputs d = Inputs.of(s, seed);
                ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
                float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize());
                boolean relu = act == Activation.RELU || act.kind() == Activation.Kind.CLIP && act.p1() == 0f && act.p2() == Float.POSITIVE_INFINITY;
                if (relu) {
                    // without a residual (kernel6x4Relu on full tiles): exactly max(the same layer with no activation, +0.0)
                    ConvOperator none = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, ConvAlgorithm.POINTWISE_DIRECT);
                    float[] expected = runNhwc(none, xh, null, Parallel.callerOnly());
                    for (int i = 0; i < expected.length; i++) expected[i] = Math.max(expected[i], 0f);
                    for (Parallel p : List.of(Parallel.callerOnly(), TWO, THREE, five, eight)) {
                        Tolerance.assertBitsEqual(op + " without a residual, " + p, runNhwc(op, xh, null, p), expected);
                    }
                }
                if (!op.residualMayBeOutput()) return;
                float[] zh = nhwc(z, s.batch(), s.outChannels(), s.outSpatialSize());
                assertSameBitsOverResidual(op, xh, zh, runNhwc(op, xh, zh, Parallel.callerOnly()), List.of(Parallel.callerOnly(), TWO, THREE, five, eight));
            });
        }
    }

    /**
     * {@code op} run with Y given as its own residual (the residual {@code zh} copied into a guarded Y) on each of
     * {@code runtimes}: the bits of {@code separate}, the run with the residual in its own array; nothing written outside Y.
     */
    private static void assertSameBitsOverResidual(ConvOperator op, float[] xh, float[] zh, float[] separate, List<Parallel> runtimes) {
        for (Parallel p : runtimes) {
            Guarded y = new Guarded(zh.length);
            System.arraycopy(zh, 0, y.array(), y.offset(), zh.length);
            op.runNhwc(xh, 0, y.array(), y.offset(), y.array(), y.offset(), p);
            y.assertCanariesIntact();
            Tolerance.assertBitsEqual(op + " over its residual, " + p, y.region(), separate);
        }
    }

    /** Algorithms other than PointwiseConv refuse a residual that is Y itself, and any residual that overlaps Y elsewhere. */
    @Test
    void residualAsYOnlyWherePromised() {
        ConvShape s = new ConvShape(1, 8, 8, 1, new int[] {5, 5}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, true);
        Inputs d = Inputs.of(s, 1);
        ConvOperator band = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.RELU, ConvAlgorithm.BAND_GEMM);
        assertFalse(band.residualMayBeOutput());
        int n = Dims.size(s.outputShape());
        float[] x = nhwc(d.x, 1, 8, 25), y = new float[2 * n];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> band.runNhwc(x, 0, y, 0, y, 0, Parallel.callerOnly()));
        assertTrue(e.getMessage().contains("cannot write over"), e.getMessage());
        ConvShape p = new ConvShape(1, 8, 40, 1, new int[] {5, 5}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1}, new int[] {1, 1}, true);
        Inputs dp = Inputs.of(p, 2);
        ConvOperator pointwise = ConvOperator.prepare(p, dp.w, 0, dp.bias, 0, Activation.RELU, ConvAlgorithm.POINTWISE_DIRECT);
        int np = Dims.size(p.outputShape());
        float[] xp = nhwc(dp.x, 1, 8, 25), yp = new float[2 * np];
        e = assertThrows(IllegalArgumentException.class, () -> pointwise.runNhwc(xp, 0, yp, 0, yp, 3, Parallel.callerOnly()));
        assertTrue(e.getMessage().contains("overlaps Y"), e.getMessage());
    }

    /**
     * PointwiseConv's tile paths and their epilogues on every kind of tile: K from 1 (primes included), M not a multiple
     * of the vector (a last panel through the tile buffer, or of 2 vectors: 12-row tiles at 512 bits), maps of 1 to 81
     * pixels (shorter than a tile, partial last tiles), no activation, ReLU6 (clamped in the stores or, with a residual, in
     * the pass) and HardSwish, residual on and off. The residual and activation of each tile run one tile late: against
     * the reference, the same bits on 1, 2 and 3 threads, and the same bits as the unfused conv followed by the residual
     * add and the activation pass.
     */
    @Test
    void pointwiseTilesWithTheirEpilogues() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU6, Activation.HARD_SWISH);
        Gen<ConvShape> shapes = in -> {
            int c = Sizes.between(1, 40).generate(in), m = Sizes.between(1, 100).generate(in);
            int h = Sizes.between(1, 9).generate(in), w = Sizes.between(1, 9).generate(in);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {1, 1}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
        Theories.qt(40).forAll(shapes, Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            float[] z = epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.POINTWISE_DIRECT);
            Inputs d = Inputs.of(s, seed);
            int n = Dims.size(s.outputShape()), pixels = s.outSpatialSize();
            float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize()), zh = z == null ? null : nhwc(z, s.batch(), s.outChannels(), pixels);
            float[] unfused = runNhwc(ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, ConvAlgorithm.POINTWISE_DIRECT), xh, null,
                    Parallel.callerOnly());
            if (zh != null) for (int i = 0; i < n; i++) unfused[i] += zh[i];
            act.applyInPlace(unfused, 0, n);
            ConvOperator fused = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.POINTWISE_DIRECT);
            Tolerance.assertBitsEqual(fused + " fused vs unfused", runNhwc(fused, xh, zh, Parallel.callerOnly()), unfused);
        });
    }

    /**
     * {@code act(conv + B + residual)} with a forced algorithm on NCHW data against the reference plus the scalar
     * epilogue ({@link Expected#withEpilogue}), the same bits on 1, 2 and 3 threads; returns the residual (null for none).
     */
    static float[] epilogueOnOneTwoAndThreeThreads(ConvShape s, long seed, Activation act, boolean residual, ConvAlgorithm a) {
        Inputs d = Inputs.of(s, seed);
        ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, a);
        Expected e = Expected.of(s, d);
        float[] z = residual ? Data.uniform(seed + 7, e.y.length) : null;
        Expected withEpilogue = e.withEpilogue(act, z);
        float[] one = sameBitsOnOneTwoAndThreeThreads(op, d, z);
        Tolerance.assertClose(op + (residual ? " +Z" : ""), one, withEpilogue.y, withEpilogue.terms, 2 * bound(s, op.algorithm()));
        return z;
    }

    /** Runs an operator on NHWC data and a residual (null for none) into a guarded, NaN-filled output. */
    static float[] runNhwc(ConvOperator op, float[] x, float[] z, Parallel p) {
        Guarded y = new Guarded(Dims.size(op.shape().outputShape()));
        op.runNhwc(x, 0, y.array(), y.offset(), z, 0, p);
        y.assertCanariesIntact();
        return y.region();
    }

    /** Error terms of one NCHW image reordered to NHWC. */
    static double[] nhwcTerms(double[] nchw, int c, int pixels) {
        double[] out = new double[nchw.length];
        for (int ch = 0; ch < c; ch++) for (int q = 0; q < pixels; q++) out[q * c + ch] = nchw[ch * pixels + q];
        return out;
    }

    /** Runs an operator on NCHW data and a residual (null for none) into a guarded output. */
    static float[] runNchw(ConvOperator op, Inputs d, float[] z, Parallel p) {
        Guarded y = new Guarded(Dims.size(op.shape().outputShape()));
        op.runNchw(d.x, 0, y.array(), y.offset(), z, 0, p);
        y.assertCanariesIntact();
        return y.region();
    }

    static Gen<ConvShape> pointwiseDeep() {
        return in -> {
            int c = Generate.range(500, 700).generate(in), m = Sizes.between(1, 300).generate(in);
            int st = Generate.range(1, 2).generate(in), h = Generate.range(12, 14).generate(in) * st, w = Generate.range(12, 14).generate(in) * st;
            return new ConvShape(1, c, m, 1, new int[] {h, w}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0},
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /**
     * A ReLU or Clip with no residual is clamped inside the kernels' stores (depthwise 3x3, pointwise, full and
     * partial tiles): the bits equal the unactivated output with the activation applied afterwards.
     */
    @Test
    void clampInTheStoresEqualsTheActivationPass() {
        // Clip(-1, 0) clamps at a +0.0 bound by compare-and-blend, Clip(-0.0, 6) is no exact clamp and runs as a pass
        List<Activation> acts = List.of(Activation.RELU, Activation.RELU6, Activation.clip(-0.5f, 0.25f), Activation.clip(-1f, 0f),
                Activation.clip(-0f, 6f));
        Gen<ConvShape> shapes = depthwiseDirect().mix(wide(1, 0, 2), 50).mix(pointwiseDeep(), 5);
        Theories.qt(30).forAll(shapes, Sizes.seeds(), Generate.pick(acts)).checkAssert((s, seed, act) -> {
            Inputs d = Inputs.of(s, seed);
            ConvAlgorithm a = ConvOperator.choose(s);
            ConvOperator plain = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, a);
            ConvOperator clamped = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, a);
            float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize());
            int n = Dims.size(s.outputShape());
            float[] expected = new float[n];
            plain.runNhwc(xh, 0, expected, 0, Parallel.callerOnly());
            act.applyInPlace(expected, 0, n);
            Guarded y = new Guarded(n);
            clamped.runNhwc(xh, 0, y.array(), y.offset(), TWO);
            y.assertCanariesIntact();
            Tolerance.assertBitsEqual(clamped.toString(), y.region(), expected);
        });
    }

    @Test
    void groupedConvolution() {
        checkAlgorithm(ConvShapes.grouped(), null, 40);
        // generated within what the direct kernel supports rather than filtered: at 128 bits half of the
        // {1, 2, 4, 8} channel counts are rejected, and with few examples QuickTheories gave up
        List<Integer> direct = List.of(1, 2, 4, 8).stream().filter(cg -> cg < VectorWidth.LANES && VectorWidth.LANES % cg == 0).toList();
        checkAlgorithm(groupedFew(direct), ConvAlgorithm.GROUPED_DIRECT, 40);
        checkAlgorithm(groupedFew(List.of(1, 2, 4, 8)), ConvAlgorithm.IM2COL_GEMM, 15);
    }

    /**
     * The activation (run over each finished output row, any kind) and the residual of the grouped direct kernel and of
     * the depthwise kernels on channel multipliers 1 to 3 (the generic path above 1): against the reference plus the
     * scalar epilogue, 1, 2 and 3 threads the same bits.
     */
    @Test
    void groupedAndGenericDepthwiseEpilogues() {
        List<Activation> acts = List.of(Activation.RELU, Activation.HARD_SWISH, Activation.leakyRelu(0.1f), Activation.SIGMOID,
                Activation.hardSigmoid(0.2f, 0.5f));
        List<Integer> direct = List.of(1, 2, 4, 8).stream().filter(cg -> cg < VectorWidth.LANES && VectorWidth.LANES % cg == 0).toList();
        Theories.qt(30).forAll(groupedFew(direct).mix(ConvShapes.depthwise(), 50), Sizes.seeds(), Generate.pick(acts), Generate.booleans())
                .checkAssert((s, seed, act, residual) -> epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvOperator.choose(s)));
    }

    /**
     * Depthwise with channel multipliers 2, 3 and 4 ({@code DepthwiseMultiplier}: input channels repeated, then the
     * multiplier-1 kernels): 1-D and 2-D, windows 1 to 5 (3x3 and 5x5 among them, which take the direct kernels
     * when M fills whole vectors), strides 1-2, dilations 1-2, pads up to the window, channel counts that leave
     * partial vectors: against the reference, and with a residual and an activation the same bits on 1, 2 and 3 threads.
     */
    @Test
    void depthwiseWithAChannelMultiplier() {
        Theories.qt(20).forAll(depthwiseMultiplier()).checkAssert(s ->
                assertEquals(ConvAlgorithm.DEPTHWISE_MULTIPLIER, ConvOperator.choose(s), s.toString()));
        checkAlgorithm(depthwiseMultiplier(), null, 40);
        checkAlgorithm(depthwiseMultiplier(), ConvAlgorithm.DEPTHWISE_GENERIC, 10);
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.clip(0f, 6f), Activation.HARD_SWISH);
        Theories.qt(25).forAll(depthwiseMultiplier(), Sizes.seeds(), Generate.pick(acts), Generate.booleans())
                .checkAssert((s, seed, act, residual) -> epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvOperator.choose(s)));
    }

    /** Depthwise shapes with a channel multiplier of 2 to 4, 1 to 37 input channels (or 16/32, whole vectors when multiplied), 1-D or 2-D. */
    static Gen<ConvShape> depthwiseMultiplier() {
        return in -> {
            int mult = Generate.range(2, 4).generate(in);
            int c = Generate.booleans().generate(in) ? Generate.pick(List.of(8, 16, 32)).generate(in) : Sizes.between(1, 37).generate(in);
            int rank = Generate.range(1, 4).generate(in) == 1 ? 1 : 2;
            int square = Generate.pick(List.of(1, 2, 3, 3, 5, 5)).generate(in);
            int[] ext = new int[rank], k = new int[rank], st = new int[rank], dil = new int[rank], pb = new int[rank], pe = new int[rank], eff = new int[rank];
            for (int i = 0; i < rank; i++) {
                boolean row = i == rank - 1;
                ext[i] = Sizes.between(1, row ? 23 : 9).generate(in);
                k[i] = Generate.booleans().generate(in) ? square : Generate.range(1, 5).generate(in);
                st[i] = Generate.range(1, 2).generate(in);
                dil[i] = Generate.range(1, 4).generate(in) == 1 ? 2 : 1;
                pb[i] = Generate.range(0, k[i]).generate(in);
                pe[i] = Generate.range(0, k[i]).generate(in);
                eff[i] = (k[i] - 1) * dil[i] + 1;
            }
            ConvShapes.fitPadding(ext, eff, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, c * mult, c, ext, k, pb, pe, st, dil, Generate.booleans().generate(in));
        };
    }

    /** 2-D grouped convolutions with one of {@code perGroup} channels per group (in = out), up to 20 groups, any window. */
    static Gen<ConvShape> groupedFew(List<Integer> perGroup) {
        return in -> {
            int cg = Generate.pick(perGroup).generate(in), groups = Generate.range(2, 20).generate(in);
            int k = Generate.range(1, 3).generate(in), h = Sizes.between(1, 9).generate(in), w = Sizes.between(1, 9).generate(in);
            int stride = Generate.range(1, 2).generate(in), dil = Generate.range(1, 2).generate(in);
            int[] pb = {Generate.range(0, k).generate(in), Generate.range(0, k).generate(in)};
            int[] pe = {Generate.range(0, k).generate(in), Generate.range(0, k).generate(in)};
            int eff = (k - 1) * dil + 1;
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {eff, eff}, pb, pe);
            return new ConvShape(ConvShapes.batch(in), cg * groups, cg * groups, groups, new int[] {h, w}, new int[] {k, k}, pb, pe,
                    new int[] {stride, stride}, new int[] {dil, dil}, Generate.booleans().generate(in));
        };
    }

    /**
     * Epilogue in NHWC: {@code act(conv + B + residual)}, against the reference plus the same scalar
     * epilogue. The activations are 1-Lipschitz or close (HardSwish 1.5) and sigmoid/swish within a
     * few ulp of their scalar form (VectorMath), which the {@code |expected|} term and the doubled
     * constant cover.
     */
    @Test
    void stemDirect() {
        checkAlgorithm(stems(), ConvAlgorithm.STEM_DIRECT, 40);
        // drawn from ranks 1-2 rather than filtered: a filter that drops a third of the shapes made QuickTheories give up
        checkAlgorithm(ConvShapes.upToTwoD().map(s -> new ConvShape(s.batch(), Math.min(s.inChannels(), 4), s.outChannels(), 1, s.inSpatial(),
                s.kernel(), s.padsBegin(), s.padsEnd(), s.strides(), s.dilations(), s.hasBias())),
                ConvAlgorithm.STEM_DIRECT, 30);
    }

    /**
     * The panel stem (ResNet's 7x7/2 shape family): 1-4 input channels, windows 1 to 7 a side (not square),
     * strides 1-3, pads up to the window, odd and prime sizes, output channels across vector lengths and past
     * one panel (a partial last panel and partial tiles at the band's end); X read as NCHW (the entry a model's
     * first convolution uses) and NHWC; bit-identical for 1, 2 and 3 threads on tall maps (several bands).
     */
    @Test
    void stemPanels() {
        checkAlgorithm(panelStems(), ConvAlgorithm.STEM_PANELS, 40);
        // ReLU without a residual is applied as the tiles are stored; with one, or another activation, after them
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.HARD_SWISH);
        Theories.qt(16).forAll(panelStems(), Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.STEM_PANELS);
            float[] z = epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.STEM_PANELS);
            int n = Dims.size(s.outputShape());
            float[] zh = z == null ? null : nhwc(z, s.batch(), s.outChannels(), s.outSpatialSize());
            Guarded fromNchw = new Guarded(n), fromNhwc = new Guarded(n);
            op.runNchwToNhwc(d.x, 0, fromNchw.array(), fromNchw.offset(), zh, 0, TWO);
            op.runNhwc(nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize()), 0, fromNhwc.array(), fromNhwc.offset(), zh, 0, THREE);
            fromNchw.assertCanariesIntact();
            fromNhwc.assertCanariesIntact();
            Tolerance.assertBitsEqual(op + " NCHW vs NHWC input", fromNchw.region(), fromNhwc.region());
        });
    }

    /**
     * The direct stem's 3-wide-row tiles (MobileNetV2's 3x3/2 stem read from NCHW: inputs at constant offsets, a left
     * pad of one handled inside the first tile, ReLU/Clip clamped in the stores by compare-and-blend): against the reference plus the scalar epilogue, the same bits on 1, 2 and 3 threads, and the bits of
     * the NHWC entry, which runs the general tiles and the one-pixel path with the same per-output sums.
     */
    @Test
    void stemDirectRowTiles() {
        // a Clip bounded by -0.0 is not clamped in the stores (compare-and-blend would differ from max-then-min): the pass
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.clip(-0.5f, 0.25f),
                Activation.clip(-0f, 0.25f), Activation.clip(-1f, -0f), Activation.HARD_SWISH);
        Theories.qt(30).forAll(rowStems(), Sizes.seeds(), Generate.pick(acts), Generate.booleans()).checkAssert((s, seed, act, residual) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act, ConvAlgorithm.STEM_DIRECT);
            float[] z = epilogueOnOneTwoAndThreeThreads(s, seed, act, residual, ConvAlgorithm.STEM_DIRECT);
            int n = Dims.size(s.outputShape());
            float[] zh = z == null ? null : nhwc(z, s.batch(), s.outChannels(), s.outSpatialSize());
            Guarded fromNchw = new Guarded(n), fromNhwc = new Guarded(n);
            op.runNchwToNhwc(d.x, 0, fromNchw.array(), fromNchw.offset(), zh, 0, THREE);
            op.runNhwc(nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize()), 0, fromNhwc.array(), fromNhwc.offset(), zh, 0, TWO);
            fromNchw.assertCanariesIntact();
            fromNhwc.assertCanariesIntact();
            Tolerance.assertBitsEqual(op + " NCHW vs NHWC input", fromNchw.region(), fromNhwc.region());
        });
    }

    /**
     * Stems whose kernel rows are 3 wide at width stride 2, dilation 1: 1-4 input channels, 1-70 output channels (partial
     * vectors, one or several pairs), rows of 1 to 40 pixels (shorter than a tile, a shifted last tile), left pads 0 to 3
     * (one: the edge tile; more than the kernel's half: pixels wholly in the pad), any height axis (1-D too).
     */
    static Gen<ConvShape> rowStems() {
        return in -> {
            boolean twoD = Generate.range(0, 3).generate(in) > 0;
            int c = Generate.range(1, 4).generate(in), m = Sizes.between(1, 70).generate(in);
            int w = Sizes.between(1, 40).generate(in), pl = Generate.range(0, 3).generate(in), pr = Generate.range(0, 3).generate(in);
            if (!twoD) {
                int[] extent = {w}, k = {3}, pb = {pl}, pe = {pr};
                ConvShapes.fitPadding(extent, k, pb, pe);
                return new ConvShape(ConvShapes.batch(in), c, m, 1, extent, k, pb, pe, new int[] {2}, new int[] {1},
                        Generate.booleans().generate(in));
            }
            int kh = Generate.range(1, 5).generate(in), dil = Generate.range(1, 2).generate(in);
            int[] extent = {Sizes.between(1, 12).generate(in), w}, k = {kh, 3};
            int[] pb = {Generate.range(0, kh).generate(in), pl}, pe = {Generate.range(0, kh).generate(in), pr};
            ConvShapes.fitPadding(extent, new int[] {Spatial.effectiveKernel(kh, dil), 3}, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, extent, k, pb, pe, new int[] {Generate.range(1, 2).generate(in), 2},
                    new int[] {dil, 1}, Generate.booleans().generate(in));
        };
    }

    /** 2-D stems for {@link #stemPanels}: up to 70 rows so that a map runs in several bands. */
    static Gen<ConvShape> panelStems() {
        return in -> {
            int c = Generate.range(1, 4).generate(in), m = Sizes.between(1, 150).generate(in);
            int[] extent = {Sizes.between(1, 70).generate(in), Sizes.between(1, 23).generate(in)};
            int[] k = {Generate.range(1, 7).generate(in), Generate.range(1, 7).generate(in)};
            int[] st = {Generate.range(1, 3).generate(in), Generate.range(1, 3).generate(in)};
            int[] pb = {Generate.range(0, k[0]).generate(in), Generate.range(0, k[1]).generate(in)};
            int[] pe = {Generate.range(0, k[0]).generate(in), Generate.range(0, k[1]).generate(in)};
            ConvShapes.fitPadding(extent, k, pb, pe);
            return new ConvShape(Generate.range(1, 2).generate(in), c, m, 1, extent, k, pb, pe, st, new int[] {1, 1},
                    Generate.booleans().generate(in));
        };
    }

    /**
     * The entry a chain's first convolution uses (X NCHW, Y and the residual NHWC) gives the bits of
     * the NHWC entry on the reordered X, for the stem (which reads NCHW itself) and any other kernel.
     */
    @Test
    void nchwInputNhwcOutputEntry() {
        Theories.qt(40).forAll(stems().mix(ConvShapes.twoD(), 40).mix(panelStems(), 25), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            int n = Dims.size(s.outputShape());
            float[] res = Data.uniform(seed + 5, n);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.HARD_SWISH);
            float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize());
            Guarded expected = new Guarded(n), y = new Guarded(n);
            op.runNhwc(xh, 0, expected.array(), expected.offset(), res, 0, Parallel.callerOnly());
            op.runNchwToNhwc(d.x, 0, y.array(), y.offset(), res, 0, TWO);
            y.assertCanariesIntact();
            Tolerance.assertBitsEqual(op + " NCHW in, NHWC out", y.region(), expected.region());
        });
    }

    /**
     * Stems: 1 to 4 input channels, 1 to 40 output channels, rows up to 40 pixels (8-pixel tiles and
     * borders), kernel 1 to 7, stride and dilation up to 2, pads up to the kernel, 1-D or 2-D.
     */
    static Gen<ConvShape> stems() {
        return in -> {
            int rank = Generate.range(1, 2).generate(in);
            int c = Generate.range(1, 4).generate(in), m = Sizes.between(1, 40).generate(in);
            int[] extent = new int[rank], k = new int[rank], st = new int[rank], dil = new int[rank], pb = new int[rank], pe = new int[rank];
            for (int i = 0; i < rank; i++) {
                extent[i] = Sizes.between(1, i == rank - 1 ? 40 : 6).generate(in);
                k[i] = Generate.range(1, 7).generate(in);
                st[i] = Generate.range(1, 2).generate(in);
                dil[i] = Generate.range(1, 2).generate(in);
                pb[i] = Generate.range(0, k[i]).generate(in);
                pe[i] = Generate.range(0, k[i]).generate(in);
            }
            int[] eff = new int[rank];
            for (int i = 0; i < rank; i++) eff[i] = Spatial.effectiveKernel(k[i], dil[i]);
            ConvShapes.fitPadding(extent, eff, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, extent, k, pb, pe, st, dil, Generate.booleans().generate(in));
        };
    }

    @Test
    void nhwcEpilogueWithResidualAndActivation() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.leakyRelu(0.1f),
                Activation.HARD_SWISH, Activation.hardSigmoid(0.2f, 0.5f), Activation.clip(-0.5f, 0.25f), Activation.SIGMOID,
                Activation.SWISH);
        Gen<ConvShape> shapes = ConvShapes.twoD().mix(depthwiseWide(3), 25).mix(wide(3, 1, 1), 25).mix(depthwiseBand(), 25)
                .mix(depthwiseDirect(), 20);
        Theories.qt(40).forAll(shapes, Sizes.seeds(), Generate.pick(acts)).checkAssert((s, seed, act) -> {
            Inputs d = Inputs.of(s, seed);
            Expected e = Expected.of(s, d);
            int n = e.y.length, cout = s.outChannels(), pix = s.outSpatialSize();
            float[] res = Data.uniform(seed + 7, n);
            float[] expected = new float[n];
            double[] terms = new double[n];
            for (int i = 0; i < n; i++) {
                expected[i] = act.apply(e.y[i] + res[i]);
                terms[i] = e.terms[i] + Math.abs(res[i]) + Math.abs(expected[i]);
            }
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, act);
            double[] sc = scale(s, d, op.algorithm(), e.terms);
            for (int i = 0; i < n; i++) terms[i] += sc[i] - e.terms[i];
            float[] xh = nhwc(d.x, s.batch(), s.inChannels(), s.inSpatialSize());
            float[] rh = nhwc(res, s.batch(), cout, pix);
            Guarded yh = new Guarded(n);
            op.runNhwc(xh, 0, yh.array(), yh.offset(), rh, 0, Parallel.callerOnly());
            yh.assertCanariesIntact();
            float[] y = new float[n];
            Layouts.toNchw(yh.region(), 0, s.batch(), cout, pix, y, 0, Parallel.callerOnly());
            Tolerance.assertClose(op.toString(), y, expected, terms, 2 * bound(s, op.algorithm()));

            // the NCHW entry with a residual computes the same bits
            Guarded yc = new Guarded(n);
            op.runNchw(d.x, 0, yc.array(), yc.offset(), res, 0, Parallel.callerOnly());
            yc.assertCanariesIntact();
            Tolerance.assertBitsEqual(op + " NCHW vs NHWC", yc.region(), y);
        });
    }

    @Test
    void resultsAreIdenticalForOneTwoAndThreeThreads() {
        Gen<ConvShape> shapes = ConvShapes.any().mix(wide(3, 1, 2), 30).mix(depthwiseWide(3), 20).mix(wide(1, 0, 2), 20)
                .mix(depthwiseBand(), 25);
        Theories.qt(40).forAll(shapes, Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.RELU);
            sameBitsOnOneTwoAndThreeThreads(op, d, null);
        });
    }

    /** Exact mode: small integers make every product and partial sum exact, so order cannot matter. */
    @Test
    void exactOnSmallIntegersForEveryNonWinogradAlgorithm() {
        Gen<ConvShape> shapes = ConvShapes.any().mix(depthwiseWide(3), 20).mix(depthwiseWide(5), 20).mix(depthwiseBand(), 20)
                .mix(depthwiseDirect(), 20);
        Theories.qt(40).forAll(shapes, Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.integers(s, seed);
            ConvAlgorithm a = ConvOperator.choose(s);
            if (a == ConvAlgorithm.WINOGRAD_F2X3 || a == ConvAlgorithm.WINOGRAD_F4X3) a = ConvAlgorithm.IM2COL_GEMM;
            ConvOperator op = ConvOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE, a);
            Tolerance.assertBitsEqual(op.toString(), runNchw(op, d, Parallel.callerOnly()), Expected.of(s, d).y);
        });
    }

    @Test
    void algorithmChoiceFollowsTheShape() {
        assertEquals(ConvAlgorithm.WINOGRAD_F4X3, ConvOperator.choose(conv(64, 64, 1, 56, 3, 1, 1)));
        assertEquals(ConvAlgorithm.WINOGRAD_F2X3, ConvOperator.choose(conv(256, 256, 1, 14, 3, 1, 1)));
        assertEquals(ConvAlgorithm.BAND_GEMM, ConvOperator.choose(conv(8, 64, 1, 56, 3, 1, 1)));
        assertEquals(ConvAlgorithm.BAND_GEMM, ConvOperator.choose(conv(128, 128, 1, 56, 3, 1, 2)));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, ConvOperator.choose(conv(16, 8, 1, 20, 3, 1, 2)));
        assertEquals(ConvAlgorithm.BAND_GEMM, ConvOperator.choose(conv(512, 512, 1, 14, 3, 1, 2)));   // a panel of 4608 rows, in chunks of K
        assertEquals(ConvAlgorithm.POINTWISE_DIRECT, ConvOperator.choose(conv(1024, 2048, 1, 14, 1, 0, 2)));   // 8 MB, panel by panel
        assertEquals(ConvAlgorithm.POINTWISE_DIRECT, ConvOperator.choose(conv(256, 64, 1, 56, 1, 0, 1)));
        assertEquals(ConvAlgorithm.POINTWISE_DIRECT, ConvOperator.choose(conv(256, 512, 1, 56, 1, 0, 2)));
        assertEquals(ConvAlgorithm.POINTWISE_GEMM, ConvOperator.choose(conv(256, 64, 2, 56, 1, 0, 1)));
        assertEquals(ConvAlgorithm.STEM_PANELS, ConvOperator.choose(conv(3, 64, 1, 224, 7, 3, 2)));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, ConvOperator.choose(conv(3, 16, 1, 224, 7, 3, 2)));
        assertEquals(ConvAlgorithm.POINTWISE_DIRECT, ConvOperator.choose(conv(3, 64, 1, 56, 1, 0, 2)));
        assertEquals(ConvAlgorithm.STEM_DIRECT, ConvOperator.choose(conv(3, 16, 1, 384, 3, 1, 2)));
        assertEquals(ConvAlgorithm.DEPTHWISE_3X3, ConvOperator.choose(conv(32, 32, 32, 112, 3, 1, 1)));
        assertEquals(ConvAlgorithm.DEPTHWISE_5X5, ConvOperator.choose(conv(96, 96, 96, 20, 5, 2, 2)));
        assertEquals(ConvAlgorithm.DEPTHWISE_GENERIC, ConvOperator.choose(conv(16, 16, 16, 20, 7, 3, 1)));
        // ResNeXt-50 32x4d: 4 channels per group share a vector when it holds more than 4 floats
        assertEquals(VectorWidth.LANES > 4 ? ConvAlgorithm.GROUPED_DIRECT : ConvAlgorithm.IM2COL_GEMM,
                ConvOperator.choose(conv(128, 128, 32, 56, 3, 1, 1)));
    }

    static ConvShape conv(int c, int m, int groups, int hw, int k, int pad, int stride) {
        return new ConvShape(1, c, m, groups, new int[] {hw, hw}, new int[] {k, k}, new int[] {pad, pad}, new int[] {pad, pad},
                new int[] {stride, stride}, new int[] {1, 1}, true);
    }

    /**
     * 2-D convolutions with one group and channel counts that cross vector lengths (up to 70): a
     * square kernel of side {@code k}, pads up to {@code maxPad}, strides up to {@code maxStride}.
     */
    static Gen<ConvShape> wide(int k, int maxPad, int maxStride) {
        return in -> {
            int c = Sizes.between(1, 70).generate(in), m = Sizes.between(1, 70).generate(in);
            int h = Sizes.between(1, 9).generate(in), w = Sizes.between(1, 9).generate(in);
            int[] pb = {Generate.range(0, maxPad).generate(in), Generate.range(0, maxPad).generate(in)};
            int[] pe = {Generate.range(0, maxPad).generate(in), Generate.range(0, maxPad).generate(in)};
            int stride = Generate.range(1, maxStride).generate(in);
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {k, k}, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, new int[] {k, k}, pb, pe,
                    new int[] {stride, stride}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /**
     * 3x3 stride-1 layers with many tiles and mid-size channels (Winograd's block mode with 2 to 13
     * blocks, odd counts evened out, edges on GEMM row tiles, the last block short).
     */
    static Gen<ConvShape> manyTiles() {
        return in -> {
            int c = Generate.range(40, 100).generate(in), m = Generate.range(40, 100).generate(in);
            int h = Generate.range(17, 31).generate(in), w = Generate.range(17, 31).generate(in);
            int p = Generate.range(0, 1).generate(in);
            return new ConvShape(Generate.range(1, 2).generate(in), c, m, 1, new int[] {h, w}, new int[] {3, 3}, new int[] {p, p},
                    new int[] {p, 1 - p}, new int[] {1, 1}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /**
     * 3x3 stride-1 layers with transformed weights beyond L2 (Winograd's position-outer mode):
     * 130 to 150 channels in and out on a 13x13 to 15x15 map, batch 1 or 2 (more tiles than one block).
     */
    static Gen<ConvShape> deep() {
        return in -> {
            int c = Generate.range(130, 150).generate(in), m = Generate.range(130, 150).generate(in);
            int hw = Generate.range(13, 15).generate(in);
            return new ConvShape(Generate.range(1, 2).generate(in), c, m, 1, new int[] {hw, hw}, new int[] {3, 3}, new int[] {1, 1},
                    new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, true);
        };
    }

    /** 2-D depthwise (multiplier 1) with a k×k kernel, channels up to 70, strides and dilations up to 2, pads up to k. */
    static Gen<ConvShape> depthwiseWide(int k) {
        return in -> {
            int c = Sizes.between(1, 70).generate(in);
            int h = Sizes.between(1, 14).generate(in), w = Sizes.between(1, 14).generate(in);
            int[] pb = {Generate.range(0, k).generate(in), Generate.range(0, k).generate(in)};
            int[] pe = {Generate.range(0, k).generate(in), Generate.range(0, k).generate(in)};
            int stride = Generate.range(1, 2).generate(in), dil = Generate.range(1, 2).generate(in);
            int eff = (k - 1) * dil + 1;
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {eff, eff}, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, c, c, new int[] {h, w}, new int[] {k, k}, pb, pe,
                    new int[] {stride, stride}, new int[] {dil, dil}, Generate.booleans().generate(in));
        };
    }

    /**
     * Depthwise, multiplier 1: 2-D mostly (1-D sometimes), heights 1 to 6, widths up to 41, kernels
     * 3×3 and 5×5 mostly (else 1 to 7 per axis), stride and dilation 1 or 2 per axis, pads 0 to
     * kernel + 1 per side, channels up to 70 or one of the PaddleOCR classifier's 88, 104, 200.
     */
    static Gen<ConvShape> depthwiseBand() {
        return in -> {
            boolean twoD = Generate.range(0, 5).generate(in) > 0;
            int c = Generate.range(0, 3).generate(in) == 0 ? Generate.pick(List.of(88, 104, 200)).generate(in) : Sizes.between(1, 70).generate(in);
            int sq = Generate.pick(List.of(3, 5, 0)).generate(in);
            int kh = sq > 0 ? sq : Generate.range(1, 7).generate(in), kw = sq > 0 ? sq : Generate.range(1, 7).generate(in);
            int h = Sizes.between(1, 6).generate(in), w = Sizes.between(1, 41).generate(in);
            int[] st = {Generate.range(1, 2).generate(in), Generate.range(1, 2).generate(in)};
            int[] dl = {Generate.range(1, 2).generate(in), Generate.range(1, 2).generate(in)};
            int[] pb = {Generate.range(0, kh + 1).generate(in), Generate.range(0, kw + 1).generate(in)};
            int[] pe = {Generate.range(0, kh + 1).generate(in), Generate.range(0, kw + 1).generate(in)};
            int[] k = {kh, kw};
            int[] eff = {(kh - 1) * dl[0] + 1, (kw - 1) * dl[1] + 1};
            int[] ext = {h, w};
            if (!twoD) {
                k = new int[] {kw};
                eff = new int[] {eff[1]};
                ext = new int[] {w};
                st = new int[] {st[1]};
                dl = new int[] {dl[1]};
                pb = new int[] {pb[1]};
                pe = new int[] {pe[1]};
            }
            ConvShapes.fitPadding(ext, eff, pb, pe);
            return new ConvShape(ConvShapes.batch(in), c, c, c, ext, k, pb, pe, st, dl, Generate.booleans().generate(in));
        };
    }

    static float[] nhwc(float[] nchw, int batch, int c, int pixels) {
        float[] out = new float[nchw.length];
        Layouts.toNhwc(nchw, 0, batch, c, pixels, out, 0, Parallel.callerOnly());
        return out;
    }

    /** X, W and B of a case. */
    record Inputs(float[] x, float[] w, float[] bias) {
        static Inputs of(ConvShape s, long seed) {
            return new Inputs(Data.uniform(seed, Dims.size(s.inputShape())), Data.uniform(seed + 1, Dims.size(s.weightShape())),
                    s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null);
        }

        static Inputs integers(ConvShape s, long seed) {
            return new Inputs(Data.smallIntegers(seed, Dims.size(s.inputShape()), 3),
                    Data.smallIntegers(seed + 1, Dims.size(s.weightShape()), 3),
                    s.hasBias() ? Data.smallIntegers(seed + 2, s.outChannels(), 20) : null);
        }
    }
}
