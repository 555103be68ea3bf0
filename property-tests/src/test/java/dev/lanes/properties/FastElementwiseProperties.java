package dev.lanes.properties;

import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReduceOp;
import dev.lanes.reference.ReduceShape;
import dev.lanes.reference.ReferenceBinary;
import dev.lanes.reference.ReferenceReduce;
import dev.lanes.reference.ReferenceWhere;
import dev.lanes.reference.WhereShape;
import dev.lanes.simd.FastBinary;
import dev.lanes.simd.FastReduce;
import dev.lanes.simd.FastWhere;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * FastBinary, FastWhere and FastReduce against the references on broadcasting shapes of every rank
 * combination 0..4 (ElementwiseShapes: awkward dims, dropped leading dims, 1s, empty tensors), with
 * special values sprinkled in; Pow's scalar exponents 2, 0.5 and 1 (the special-cased kernels) on
 * negative, zero and infinite bases; large shapes over 1 and 2 threads.
 *
 * <p>Bounds: one float operation per binary element (c = 1 of the reference's terms); Where is
 * exact; a reduction of count elements is at most count float additions per output (c = count + 2),
 * Max is exact.
 */
@WidthSensitive
class FastElementwiseProperties {

    private static final Parallel TWO = Parallel.create(2);

    @AfterAll
    static void closePool() {
        TWO.close();
    }

    private static float[] data(long seed, int n) {
        return SpecialValues.sprinkle(AwkwardData.uniform(seed, n, 3f, 0f), seed, 0.05);
    }

    private static void checkBinary(BinaryShape s, float[] a, float[] b, Parallel p, String what) {
        float[] r = new float[s.size()];
        double[] terms = new double[s.size()];
        new ReferenceBinary().apply(s, a, 0, b, 0, r, 0, terms);
        Guarded y = new Guarded(s.size());
        new FastBinary(p).apply(s, a, 0, b, 0, y.array(), y.offset());
        y.assertCanariesIntact();
        Tolerance.assertClose(what, y.region(), r, AwkwardData.definedTerms(terms), 1);
    }

    @Test
    void binaryOpsBroadcastLikeTheReference() {
        Theories.qt(150).forAll(ElementwiseShapes.binaries(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] a = data(seed, Dims.size(s.a())), b = data(seed + 1, Dims.size(s.b()));
            checkBinary(s, a, b, Parallel.callerOnly(), s + " seed " + seed);
        });
    }

    /**
     * Channels-last broadcasting, [1, H, W, C] ⊙ [C] (or [1, 1, 1, C]) and the operands swapped, with C
     * from 1 to 17: the short runs that FastBinary tiles into one vector when C divides the vector
     * length, and the runs it does not. Also over the two-thread split (large maps).
     */
    @Test
    void channelsLastBroadcastEqualsTheReference() {
        Theories.qt(60).forAll(Generate.enumValues(BinaryOp.class), Sizes.between(1, 17), Sizes.between(1, 70), Sizes.seeds())
                .checkAssert((op, c, hw, seed) -> {
                    if (op == BinaryOp.POW) return; // Pow per element; its scalar-exponent kernels have their own property
                    boolean big = seed % 3 == 0, swap = seed % 2 == 0, rank4 = seed % 5 < 2;
                    int h = big ? 50 + hw : hw, w = big ? 61 : 3;
                    int[] full = {1, h, w, c}, small = rank4 ? new int[] {1, 1, 1, c} : new int[] {c};
                    BinaryShape s = swap ? new BinaryShape(op, small, full) : new BinaryShape(op, full, small);
                    float[] a = data(seed, Dims.size(s.a())), b = data(seed + 1, Dims.size(s.b()));
                    checkBinary(s, a, b, big ? TWO : Parallel.callerOnly(), s + " seed " + seed);
                });
    }

    @Test
    void powWithAScalarExponentEqualsMathPow() {
        Theories.qt(60).forAll(ElementwiseShapes.shapes(), Generate.pick(List.of(2f, 0.5f, 1f, 3f, -1f, 0f)), Sizes.seeds())
                .checkAssert((shape, e, seed) -> {
                    float[] a = data(seed, Dims.size(shape));
                    for (BinaryShape s : List.of(new BinaryShape(BinaryOp.POW, shape, new int[0]),
                            new BinaryShape(BinaryOp.POW, shape, new int[] {1}))) {
                        checkBinary(s, a, new float[] {e}, Parallel.callerOnly(), s + " exponent " + e + " seed " + seed);
                    }
                });
    }

    @Test
    void whereBroadcastsLikeTheReference() {
        Theories.qt(100).forAll(ElementwiseShapes.wheres(), Sizes.seeds()).checkAssert((s, seed) -> {
            boolean[] c = AwkwardData.booleans(seed, Dims.size(s.condition()));
            float[] x = data(seed + 1, Dims.size(s.x())), y = data(seed + 2, Dims.size(s.y()));
            float[] r = new float[s.size()];
            new ReferenceWhere().where(s, c, 0, x, 0, y, 0, r, 0);
            Guarded out = new Guarded(s.size());
            new FastWhere(Parallel.callerOnly()).where(s, c, 0, x, 0, y, 0, out.array(), out.offset());
            out.assertCanariesIntact();
            Tolerance.assertBitsEqual(s + " seed " + seed, out.region(), r);
        });
    }

    @Test
    void reductionsEqualTheReference() {
        Theories.qt(150).forAll(ElementwiseShapes.reductions(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = data(seed, Dims.size(s.dims()));
            checkReduce(s, x, Parallel.callerOnly(), s + " seed " + seed);
        });
    }

    private static void checkReduce(ReduceShape s, float[] x, Parallel p, String what) {
        float[] r = new float[s.size()];
        double[] terms = new double[s.size()];
        new ReferenceReduce().reduce(s, x, 0, r, 0, terms);
        Guarded y = new Guarded(s.size());
        new FastReduce(p).reduce(s, x, 0, y.array(), y.offset());
        y.assertCanariesIntact();
        Tolerance.assertClose(what, y.region(), r, AwkwardData.definedTerms(terms), s.reducedCount() + 2);
    }

    @Test
    void largeShapesGiveTheSameBitsOnTwoThreads() {
        int l = VectorWidth.LANES;
        Theories.qt(6).forAll(Generate.enumValues(BinaryOp.class), Sizes.seeds()).checkAssert((op, seed) -> {
            int[] out = {7, 129, 97 + l};
            BinaryShape s = new BinaryShape(op, out, new int[] {129, 1});
            float[] a = AwkwardData.uniform(seed, Dims.size(out), 3f, 0f), b = AwkwardData.uniform(seed + 1, 129, 3f, 0f);
            float[] one = new float[s.size()], two = new float[s.size()];
            new FastBinary(Parallel.callerOnly()).apply(s, a, 0, b, 0, one, 0);
            new FastBinary(TWO).apply(s, a, 0, b, 0, two, 0);
            Tolerance.assertBitsEqual(s + " 1 vs 2 threads", two, one);
            checkBinary(s, a, b, TWO, s + " on 2 threads");
        });
        Theories.qt(6).forAll(Generate.enumValues(ReduceOp.class), Generate.pick(List.of(0, 1, 2)), Sizes.seeds())
                .checkAssert((op, axis, seed) -> {
                    ReduceShape s = new ReduceShape(op, new int[] {61, 67, 33}, new int[] {axis}, false);
                    float[] x = AwkwardData.uniform(seed, 61 * 67 * 33, 3f, 0f);
                    float[] one = new float[s.size()], two = new float[s.size()];
                    new FastReduce(Parallel.callerOnly()).reduce(s, x, 0, one, 0);
                    new FastReduce(TWO).reduce(s, x, 0, two, 0);
                    Tolerance.assertBitsEqual(s + " 1 vs 2 threads", two, one);
                    checkReduce(s, x, TWO, s + " on 2 threads");
                });
    }
}
