package dev.lanes.properties;

import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.Broadcast;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReduceOp;
import dev.lanes.reference.ReduceShape;
import dev.lanes.reference.ReferenceBinary;
import dev.lanes.reference.ReferenceReduce;
import dev.lanes.reference.ReferenceUnary;
import dev.lanes.reference.ReferenceWhere;
import dev.lanes.reference.UnaryShape;
import dev.lanes.reference.WhereShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The element-wise and reduction references: broadcasting, in-place use, canaries, reductions in steps. */
class ReferenceElementwiseProperties {

    /** {@code src} of shape {@code from} written out densely in the shape {@code to} it broadcasts to. */
    static float[] expand(float[] src, int[] from, int[] to) {
        int[] st = Broadcast.strides(from, to);
        float[] out = new float[Dims.size(to)];
        for (int i = 0; i < out.length; i++) out[i] = src[Broadcast.offset(i, to, st)];
        return out;
    }

    @Test
    void broadcastingEqualsExplicitExpansion() {
        Theories.qt(60).forAll(ElementwiseShapes.binaries(), Sizes.seeds()).checkAssert((s, seed) -> {
            int[] out = s.outputShape();
            float[] a = SpecialValues.sprinkle(Data.uniform(seed, Dims.size(s.a())), seed, 0.05);
            float[] b = SpecialValues.sprinkle(Data.uniform(seed + 1, Dims.size(s.b())), seed + 1, 0.05);
            Guarded y = new Guarded(s.size());
            new ReferenceBinary().apply(s, a, 0, b, 0, y.array(), y.offset());
            y.assertCanariesIntact();
            float[] expected = new float[s.size()];
            new ReferenceBinary().apply(new BinaryShape(s.op(), out, out), expand(a, s.a(), out), 0, expand(b, s.b(), out), 0, expected, 0);
            Tolerance.assertBitsEqual("broadcast " + s, y.region(), expected);
        });
    }

    @Test
    void whereBroadcastingEqualsExplicitExpansion() {
        Theories.qt(60).forAll(ElementwiseShapes.wheres(), Sizes.seeds()).checkAssert((s, seed) -> {
            int[] out = s.outputShape();
            SplittableRandom r = new SplittableRandom(seed);
            boolean[] c = new boolean[Dims.size(s.condition())];
            for (int i = 0; i < c.length; i++) c[i] = r.nextBoolean();
            float[] x = Data.uniform(seed + 1, Dims.size(s.x())), y = Data.uniform(seed + 2, Dims.size(s.y()));
            Guarded g = new Guarded(s.size());
            new ReferenceWhere().where(s, c, 0, x, 0, y, 0, g.array(), g.offset());
            g.assertCanariesIntact();
            int[] sc = Broadcast.strides(s.condition(), out);
            float[] xe = expand(x, s.x(), out), ye = expand(y, s.y(), out);
            float[] expected = new float[s.size()];
            for (int i = 0; i < expected.length; i++) expected[i] = c[Broadcast.offset(i, out, sc)] ? xe[i] : ye[i];
            Tolerance.assertBitsEqual("Where " + s, g.region(), expected);
        });
    }

    @Test
    void unaryOpsWorkInPlaceAndWriteOnlyTheirRange() {
        Theories.qt(60).forAll(ElementwiseShapes.unaries(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = SpecialValues.sprinkle(Data.uniform(seed, s.size()), seed, 0.1);
            for (int i = 0; i < x.length; i++) x[i] *= 4;
            Guarded y = new Guarded(s.size());
            new ReferenceUnary().apply(s, x, 0, y.array(), y.offset());
            y.assertCanariesIntact();
            float[] inPlace = x.clone();
            new ReferenceUnary().apply(s, inPlace, 0, inPlace, 0);
            Tolerance.assertBitsEqual("in place " + s, inPlace, y.region());
        });
    }

    @Test
    void reducingInTwoStepsEqualsReducingAtOnce() {
        Theories.qt(60).forAll(ElementwiseShapes.reductions(), Sizes.seeds()).checkAssert((s, seed) -> {
            if (s.op() == ReduceOp.MEAN || s.axes().length < 2) return;
            // Small integers: every partial sum is exact, so any order gives the same bits.
            float[] x = Data.smallIntegers(seed, Dims.size(s.dims()), 20);
            Guarded once = new Guarded(s.size());
            new ReferenceReduce().reduce(s, x, 0, once.array(), once.offset());
            once.assertCanariesIntact();
            int[] axes = s.axes();
            // first the last axis with keepdims, then the others
            ReduceShape first = new ReduceShape(s.op(), s.dims(), new int[] {axes[axes.length - 1]}, true);
            float[] mid = new float[first.size()];
            new ReferenceReduce().reduce(first, x, 0, mid, 0);
            ReduceShape second = new ReduceShape(s.op(), first.outputShape(), java.util.Arrays.copyOf(axes, axes.length - 1), true);
            float[] twice = new float[second.size()];
            new ReferenceReduce().reduce(second, mid, 0, twice, 0);
            Tolerance.assertBitsEqual("two-step " + s, twice, once.region());
        });
    }

    @Test
    void meanIsSumDividedByCount() {
        Theories.qt(60).forAll(ElementwiseShapes.reductions(), Sizes.seeds()).checkAssert((s, seed) -> {
            if (s.op() != ReduceOp.MEAN) return;
            float[] x = Data.uniform(seed, Dims.size(s.dims()));
            float[] mean = new float[s.size()], sum = new float[s.size()];
            double[] terms = new double[s.size()];
            new ReferenceReduce().reduce(s, x, 0, mean, 0, terms);
            new ReferenceReduce().reduce(new ReduceShape(ReduceOp.SUM, s.dims(), s.axes(), s.keepdims()), x, 0, sum, 0);
            int n = s.reducedCount();
            float[] divided = new float[sum.length];
            for (int i = 0; i < sum.length; i++) divided[i] = sum[i] / n;
            Tolerance.assertClose("mean vs sum/n " + s, divided, mean, terms, 2);
        });
    }
}
