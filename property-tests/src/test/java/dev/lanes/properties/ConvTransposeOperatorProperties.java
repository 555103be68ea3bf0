package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceConvTranspose;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvTransposeOperator;
import dev.lanes.simd.ConvTransposeOperator.Algorithm;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.Layouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * ConvTranspose (GEMM + col2im, and the direct kernel for non-overlapping patches) against the
 * reference on refa's {@link ConvTransposeShapes}, also with channel counts across vector lengths,
 * and on non-overlapping shapes with both algorithms. Each output adds up to C/group·taps products:
 * c = that count + 4 on the reference's terms. Exact on small integers; bit-identical for 1, 2 and 3 threads;
 * the NHWC entry with a residual and an activation equals the reference plus the same epilogue.
 */
@WidthSensitive
class ConvTransposeOperatorProperties {
    private static final ReferenceConvTranspose REFERENCE = new ReferenceConvTranspose();
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    /** The shapes with 1 to 40 input and output channels per group. */
    static Gen<ConvTransposeShape> wider(Gen<ConvTransposeShape> shapes) {
        return shapes.zip(Sizes.between(1, 40), Sizes.between(1, 40), (s, c, m) -> new ConvTransposeShape(s.batch(),
                c * s.groups(), m * s.groups(), s.groups(), s.inSpatial(), s.kernel(), s.padsBegin(), s.padsEnd(),
                s.strides(), s.dilations(), s.outputPadding(), s.hasBias()));
    }

    static Gen<ConvTransposeShape> shapes() {
        return ConvTransposeShapes.any().mix(ConvTransposeShapes.grouped(), 30).mix(wider(ConvTransposeShapes.twoD()), 30);
    }

    record Inputs(float[] x, float[] w, float[] bias) {
        static Inputs of(ConvTransposeShape s, long seed, boolean integers) {
            int nx = Dims.size(s.inputShape()), nw = Dims.size(s.weightShape());
            return integers
                    ? new Inputs(Data.smallIntegers(seed, nx, 3), Data.smallIntegers(seed + 1, nw, 3),
                            s.hasBias() ? Data.smallIntegers(seed + 2, s.outChannels(), 20) : null)
                    : new Inputs(Data.uniform(seed, nx), Data.uniform(seed + 1, nw), s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null);
        }
    }

    static float[] run(ConvTransposeOperator op, Inputs d, Parallel p) {
        Guarded y = new Guarded(Dims.size(op.shape().outputShape()));
        op.runNchw(d.x, 0, y.array(), y.offset(), p);
        y.assertCanariesIntact();
        return y.region();
    }

    @Test
    void matchesTheReference() {
        Theories.qt(60).forAll(shapes(), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed, false);
            int n = Dims.size(s.outputShape());
            float[] expected = new float[n];
            double[] terms = new double[n];
            REFERENCE.convTranspose(s, d.x, 0, d.w, 0, d.bias, 0, expected, 0, terms);
            ConvTransposeOperator op = ConvTransposeOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE);
            float[] y = run(op, d, Parallel.callerOnly());
            Tolerance.assertClose(op.toString(), y, expected, terms, s.inChannelsPerGroup() * s.kernelSize() + 5);
            Tolerance.assertBitsEqual(op + " 2 threads", run(op, d, TWO), y);
            Tolerance.assertBitsEqual(op + " 3 threads", run(op, d, THREE), y);
        });
    }

    /** Non-overlapping shapes, both algorithms: each against the reference, bit-identical over threads. */
    @Test
    void disjointPatchesMatchTheReference() {
        Theories.qt(60).forAll(ConvTransposeShapes.disjoint().mix(ConvTransposeShapes.upsample2x2(), 40), Sizes.seeds(),
                Generate.booleans()).checkAssert((s, seed, direct) -> {
            Inputs d = Inputs.of(s, seed, false);
            int n = Dims.size(s.outputShape());
            float[] expected = new float[n];
            double[] terms = new double[n];
            REFERENCE.convTranspose(s, d.x, 0, d.w, 0, d.bias, 0, expected, 0, terms);
            ConvTransposeOperator op = ConvTransposeOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE,
                    direct ? Algorithm.DISJOINT_DIRECT : Algorithm.GEMM_COL2IM);
            float[] y = run(op, d, Parallel.callerOnly());
            Tolerance.assertClose(op.toString(), y, expected, terms, s.inChannelsPerGroup() + 5);
            Tolerance.assertBitsEqual(op + " 2 threads", run(op, d, TWO), y);
            Tolerance.assertBitsEqual(op + " 3 threads", run(op, d, THREE), y);
        });
    }

    /** The direct kernel exact on small integers; NHWC with residual and activation equal to the reference's plus the epilogue. */
    @Test
    void disjointPatchesExactAndWithEpilogue() {
        Theories.qt(40).forAll(ConvTransposeShapes.disjoint().mix(ConvTransposeShapes.upsample2x2(), 40), Sizes.seeds()).checkAssert((s, seed) -> {
            assertEquals(Algorithm.DISJOINT_DIRECT, ConvTransposeOperator.choose(s), s::toString);
            Inputs ints = Inputs.of(s, seed, true);
            float[] exact = new float[Dims.size(s.outputShape())];
            REFERENCE.convTranspose(s, ints.x, 0, ints.w, 0, ints.bias, 0, exact, 0);
            ConvTransposeOperator op = ConvTransposeOperator.prepare(s, ints.w, 0, ints.bias, 0, Activation.NONE);
            Tolerance.assertBitsEqual(op.toString(), run(op, ints, THREE), exact);
            nhwcEpilogue(s, seed);
        });
    }

    /**
     * The direct kernel's epilogue (residual, then the activation once per pixel) on shapes whose taps cover
     * every output (2x2 stride 2) and on shapes that leave pixels to the bias prefill (kernel below the stride,
     * output_padding, pads): exact on small integers with LeakyRelu(0.5), which a second application would halve
     * again, at 1, 2 and 3 threads, with and without a residual.
     */
    @Test
    void disjointEpilogueIsAppliedOnceToEveryPixel() {
        Activation act = Activation.leakyRelu(0.5f);
        Theories.qt(40).forAll(ConvTransposeShapes.disjoint().mix(ConvTransposeShapes.upsample2x2(), 40), Sizes.seeds(),
                Generate.booleans()).checkAssert((s, seed, withResidual) -> {
            Inputs d = Inputs.of(s, seed, true);
            int n = Dims.size(s.outputShape());
            float[] ref = new float[n];
            REFERENCE.convTranspose(s, d.x, 0, d.w, 0, d.bias, 0, ref, 0);
            float[] res = withResidual ? Data.smallIntegers(seed + 7, n, 20) : null;
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = act.apply(res == null ? ref[i] : ref[i] + res[i]);
            ConvTransposeOperator op = ConvTransposeOperator.prepare(s, d.w, 0, d.bias, 0, act, Algorithm.DISJOINT_DIRECT);
            for (Parallel p : new Parallel[] {Parallel.callerOnly(), TWO, THREE}) {
                Guarded y = new Guarded(n);
                op.runNchw(d.x, 0, y.array(), y.offset(), res, 0, p);
                y.assertCanariesIntact();
                Tolerance.assertBitsEqual(op + " residual " + withResidual + ", " + p.threads() + " threads", y.region(), expected);
            }
        });
    }

    @Test
    void algorithmChoice() {
        int[] one = {1, 1}, two = {2, 2}, zero = {0, 0};
        ConvTransposeShape head = new ConvTransposeShape(1, 24, 1, 1, new int[] {96, 160}, two, zero, zero, two, one, zero, true);
        assertEquals(Algorithm.DISJOINT_DIRECT, ConvTransposeOperator.choose(head));
        ConvTransposeShape overlap = new ConvTransposeShape(1, 24, 8, 1, new int[] {9, 9}, new int[] {3, 3}, one, one, two, one, zero, true);
        assertEquals(Algorithm.GEMM_COL2IM, ConvTransposeOperator.choose(overlap));
        ConvTransposeShape dilated = new ConvTransposeShape(1, 4, 4, 1, new int[] {9, 9}, two, zero, zero, new int[] {3, 3}, two, zero, false);
        assertEquals(Algorithm.GEMM_COL2IM, ConvTransposeOperator.choose(dilated));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvTransposeOperator.prepare(overlap,
                new float[24 * 8 * 9], 0, new float[8], 0, Activation.NONE, Algorithm.DISJOINT_DIRECT));
        assertTrue(e.getMessage().contains("DISJOINT_DIRECT"), e.getMessage());
    }

    @Test
    void exactOnSmallIntegers() {
        Theories.qt(40).forAll(shapes(), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed, true);
            float[] expected = new float[Dims.size(s.outputShape())];
            REFERENCE.convTranspose(s, d.x, 0, d.w, 0, d.bias, 0, expected, 0);
            ConvTransposeOperator op = ConvTransposeOperator.prepare(s, d.w, 0, d.bias, 0, Activation.NONE);
            Tolerance.assertBitsEqual(op.toString(), run(op, d, THREE), expected);
        });
    }

    @Test
    void nhwcWithResidualAndActivation() {
        Theories.qt(30).forAll(shapes(), Sizes.seeds()).checkAssert(ConvTransposeOperatorProperties::nhwcEpilogue);
    }

    /** NCHW and NHWC entries with a residual and an activation: the reference plus the same epilogue. */
    static void nhwcEpilogue(ConvTransposeShape s, long seed) {
        Inputs d = Inputs.of(s, seed, false);
        int n = Dims.size(s.outputShape()), cout = s.outChannels(), pix = s.outSpatialSize();
        float[] ref = new float[n];
        double[] terms = new double[n];
        REFERENCE.convTranspose(s, d.x, 0, d.w, 0, d.bias, 0, ref, 0, terms);
        float[] res = Data.uniform(seed + 9, n);
        Activation act = Activation.leakyRelu(0.2f);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = act.apply(ref[i] + res[i]);
            terms[i] += Math.abs(res[i]) + Math.abs(expected[i]);
        }
        ConvTransposeOperator op = ConvTransposeOperator.prepare(s, d.w, 0, d.bias, 0, act);
        float[] xh = new float[d.x.length], rh = new float[n], yh = new float[n], y = new float[n];
        Layouts.toNhwc(d.x, 0, s.batch(), s.inChannels(), s.inSpatialSize(), xh, 0, Parallel.callerOnly());
        Layouts.toNhwc(res, 0, s.batch(), cout, pix, rh, 0, Parallel.callerOnly());
        op.runNhwc(xh, 0, yh, 0, rh, 0, TWO);
        Layouts.toNchw(yh, 0, s.batch(), cout, pix, y, 0, Parallel.callerOnly());
        Tolerance.assertClose(op.toString(), y, expected, terms, 2 * (s.inChannelsPerGroup() * s.kernelSize() + 5));
        Guarded yn = new Guarded(n);
        op.runNchw(d.x, 0, yn.array(), yn.offset(), res, 0, THREE);
        yn.assertCanariesIntact();
        Tolerance.assertClose(op + " NCHW", yn.region(), expected, terms, 2 * (s.inChannelsPerGroup() * s.kernelSize() + 5));
    }
}
