package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanes.reference.Dims;
import dev.lanes.reference.PoolShape;
import dev.lanes.reference.ReferencePool;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.PoolOperator;
import dev.lanes.simd.conv.Layouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The fast pools against the reference on refa's {@link PoolShapes} (and the same shapes with
 * channel counts across vector lengths): MaxPool is exact (a max picks one of its inputs),
 * AveragePool adds its taps in float, bound c = taps + 4 on the reference's terms (the mean of the
 * taps' magnitudes), global average c = plane size + 4. Indices must be the reference's exactly.
 */
@WidthSensitive
class PoolOperatorProperties {
    private static final ReferencePool REFERENCE = new ReferencePool();
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    /** PoolShapes with 1 to 40 channels instead of 1 to 5. */
    static Gen<PoolShape> wider(Gen<PoolShape> shapes) {
        return shapes.zip(Sizes.between(1, 40), (s, c) -> new PoolShape(s.mode(), s.batch(), c, s.inSpatial(), s.kernel(),
                s.padsBegin(), s.padsEnd(), s.strides(), s.dilations(), s.ceilMode(), s.countIncludePad(), s.storageOrder()));
    }

    static double bound(PoolShape s) {
        return s.mode() == PoolShape.Mode.MAX ? 1 : s.kernelSize() + 4;
    }

    static float[] run(PoolOperator op, float[] x, Parallel p) {
        Guarded y = new Guarded(Dims.size(op.shape().outputShape()));
        op.runNchw(x, 0, y.array(), y.offset(), p);
        y.assertCanariesIntact();
        return y.region();
    }

    @Test
    void poolsMatchTheReference() {
        Theories.qt(60).forAll(PoolShapes.any().mix(wider(PoolShapes.any()), 50), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            int n = Dims.size(s.outputShape());
            PoolOperator op = PoolOperator.prepare(s);
            float[] y = runCloseToTheReference(op, s, x);

            // NHWC in, NHWC out gives the same bits
            float[] xh = new float[x.length], yh = new float[n], back = new float[n];
            Layouts.toNhwc(x, 0, s.batch(), s.channels(), s.inSpatialSize(), xh, 0, Parallel.callerOnly());
            op.runNhwc(xh, 0, yh, 0, Parallel.callerOnly());
            Layouts.toNchw(yh, 0, s.batch(), s.channels(), s.outSpatialSize(), back, 0, Parallel.callerOnly());
            Tolerance.assertBitsEqual(op + " NHWC", back, y);

            Tolerance.assertBitsEqual(op + " 2 threads", run(op, x, TWO), y);
            Tolerance.assertBitsEqual(op + " 3 threads", run(op, x, THREE), y);
        });
    }

    /**
     * MaxPool without indices on 1-D and 2-D maps (the whole-vector path: four channel vectors at a
     * time, then single vectors, then a masked tail) with 1 to 150 channels, so every part runs at
     * every width, on data sprinkled with NaN, ±∞, ±0 and extremes: NaN wins as in the reference.
     */
    @Test
    void maxPoolOnManyChannelsAndSpecialValues() {
        Gen<PoolShape> shapes = PoolShapes.shapes(Generate.constant(PoolShape.Mode.MAX), Generate.range(1, 2))
                .zip(Sizes.between(1, 150), (s, c) -> new PoolShape(s.mode(), s.batch(), c, s.inSpatial(), s.kernel(),
                        s.padsBegin(), s.padsEnd(), s.strides(), s.dilations(), s.ceilMode(), s.countIncludePad(), s.storageOrder()));
        Theories.qt(40).forAll(shapes, Sizes.seeds()).checkAssert(PoolOperatorProperties::maxPoolMatchesReferenceOnSpecialValues);
    }

    /**
     * 2-D MaxPool without indices, windows 1 to 7 per axis (separable where windows overlap along the width: rows, then
     * columns; whole windows where they do not), strides 1 to 3, dilation 1 or 2, pads up to the window less one (rows
     * and columns with one tap inside), ceil mode, maps of 1 to 20, 1 to 70 channels, on data sprinkled with NaN, ±∞
     * and ±0: the reference's values (a max is exact), the same bits on 1, 2 and 3 threads.
     */
    @Test
    void separableMaxPoolOnLargeWindows() {
        Gen<PoolShape> shapes = PoolShapes.shapes(Generate.constant(PoolShape.Mode.MAX), Generate.constant(2), rank -> 20, rank -> 7,
                Sizes.between(1, 70));
        Theories.qt(40).forAll(shapes, Sizes.seeds()).checkAssert(PoolOperatorProperties::maxPoolMatchesReferenceOnSpecialValues);
    }

    /**
     * MaxPool {@code s} on uniform data sprinkled with NaN, ±∞ and ±0: the reference's values within {@link #bound} (exact
     * but for the sign of a zero: the reference keeps the first of -0 and +0, Java's max gives +0), the same bits on 1, 2
     * and 3 threads.
     */
    private static void maxPoolMatchesReferenceOnSpecialValues(PoolShape s, long seed) {
        float[] x = SpecialValues.sprinkle(Data.uniform(seed, Dims.size(s.inputShape())), seed, 0.05);
        PoolOperator op = PoolOperator.prepare(s);
        float[] y = runCloseToTheReference(op, s, x);
        Tolerance.assertBitsEqual(op + " 2 threads", run(op, x, TWO), y);
        Tolerance.assertBitsEqual(op + " 3 threads", run(op, x, THREE), y);
    }

    /** {@code op} on the calling thread, its output checked against the reference's within {@link #bound}; returns it. */
    private static float[] runCloseToTheReference(PoolOperator op, PoolShape s, float[] x) {
        int n = Dims.size(s.outputShape());
        float[] expected = new float[n];
        double[] terms = new double[n];
        REFERENCE.pool(s, x, 0, expected, 0, terms);
        float[] y = run(op, x, Parallel.callerOnly());
        Tolerance.assertClose(op.toString(), y, expected, terms, bound(s));
        return y;
    }

    @Test
    void maxPoolIndicesAreTheReferenceIndices() {
        Theories.qt(40).forAll(PoolShapes.max().mix(wider(PoolShapes.max()), 50), Sizes.seeds()).checkAssert((s, seed) -> {
            // small integers make ties likely: the first largest must win, as in the reference
            float[] x = seed % 2 == 0 ? Data.uniform(seed, Dims.size(s.inputShape())) : Data.smallIntegers(seed, Dims.size(s.inputShape()), 2);
            int n = Dims.size(s.outputShape());
            float[] expected = new float[n];
            long[] expectedIdx = new long[n];
            REFERENCE.maxPoolWithIndices(s, x, 0, expected, 0, expectedIdx, 0);
            PoolOperator op = PoolOperator.prepare(s);
            float[] y = new float[n];
            long[] idx = new long[n];
            op.maxWithIndicesNchw(x, 0, y, 0, idx, 0, TWO);
            Tolerance.assertBitsEqual(op.toString(), y, expected);
            assertArrayEquals(expectedIdx, idx, op.toString());
        });
    }

    @Test
    void globalPools() {
        Theories.qt(40).forAll(PoolShapes.global().mix(wider(PoolShapes.global()), 50), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            int n = Dims.size(s.outputShape());
            float[] expected = new float[n];
            double[] terms = new double[n];
            REFERENCE.pool(s, x, 0, expected, 0, terms);
            PoolOperator op = PoolOperator.prepare(s);
            double c = s.mode() == PoolShape.Mode.MAX ? 1 : s.inSpatialSize() + 4;
            Tolerance.assertClose(op.toString(), run(op, x, THREE), expected, terms, c);
            float[] xh = new float[x.length], yh = new float[n];
            Layouts.toNhwc(x, 0, s.batch(), s.channels(), s.inSpatialSize(), xh, 0, Parallel.callerOnly());
            op.runNhwc(xh, 0, yh, 0, Parallel.callerOnly());
            Tolerance.assertClose(op + " NHWC", yh, expected, terms, c);
        });
    }
}
