package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.booleans;

import dev.lanes.reference.ReferenceSoftmax;
import dev.lanes.reference.SoftmaxShape;
import dev.lanes.simd.FastSoftmax;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * FastSoftmax (Softmax and LogSoftmax, last axis and any axis) against ReferenceSoftmax: awkward
 * row lengths and inner strides, scales that send exp to its underflow, -∞ entries, rows that are
 * all -∞ (NaN, as the reference), NaN and +∞ inputs, in place, and any thread count.
 *
 * <p>Error bound: the reference's terms carry the x - max rounding; on top the kernel has exp's 1.5
 * ulp, the float sum of n positive values in L lanes (at most ⌈n/L⌉ + log2 L roundings), the
 * reciprocal and the product, and the reference's own ½: c = 4 + ⌈n/L⌉ + log2 L. For LogSoftmax
 * the sum's relative error becomes an absolute error through the log, so its terms get + 1.
 */
@WidthSensitive
class FastSoftmaxProperties {

    private static final Parallel TWO = Parallel.create(2);
    private static final ReferenceSoftmax REF = new ReferenceSoftmax();

    @AfterAll
    static void closePool() {
        TWO.close();
    }

    static double bound(int n) {
        int l = VectorWidth.LANES;
        return 4 + (n + l - 1) / l + Math.log(l) / Math.log(2);
    }

    /** Input: uniform at a scale, -∞ sprinkled, optionally specials, and sometimes one whole row of -∞. */
    static float[] input(SoftmaxShape s, long seed, float scale, boolean specials) {
        float[] x = AwkwardData.uniform(seed, s.size(), scale, 0f);
        SpecialValues.sprinkle(x, seed, 0.05, Float.NEGATIVE_INFINITY);
        if (specials) SpecialValues.sprinkle(x, seed + 1, 0.02);
        SplittableRandom r = new SplittableRandom(seed);
        if (s.outer() > 0 && s.inner() > 0 && r.nextBoolean()) {
            int o = r.nextInt(s.outer()), j = r.nextInt(s.inner());
            for (int i = 0; i < s.n(); i++) x[s.index(o, i, j)] = Float.NEGATIVE_INFINITY;
        }
        return x;
    }

    private static final List<Float> SCALES = List.of(1f, 10f, 60f);

    @Test
    void softmaxAndLogSoftmaxEqualTheReference() {
        Theories.qt(120).forAll(Sizes.between(1, 9), Sizes.between(1, 200), Generate.pick(List.of(1, 1, 2, 3, 7, 16, 17, 33)), Sizes.seeds())
                .checkAssert((outer, n, inner, seed) -> {
                    SplittableRandom pick = new SplittableRandom(seed);
                    float scale = SCALES.get(pick.nextInt(SCALES.size()));
                    boolean specials = pick.nextInt(4) == 0;
                    SoftmaxShape s = new SoftmaxShape(outer, n, inner);
                    float[] x = input(s, seed, scale, specials);
                    check(s, x, false, seed);
                    check(s, x, true, seed);
                });
    }

    private static void check(SoftmaxShape s, float[] x, boolean log, long seed) {
        int size = s.size();
        float[] r = new float[size];
        double[] terms = new double[size];
        if (log) {
            REF.logSoftmax(s, x, 0, r, 0, terms);
            // log(sum) turns the sum's relative rounding into an absolute error (the sum is ≥ 1, it
            // holds exp(0) for the max): the reference's terms lack that scale, as Log's "1 + |y|" has it.
            for (int i = 0; i < size; i++) terms[i] += 1;
        } else {
            REF.softmax(s, x, 0, r, 0, terms);
        }
        Guarded y = new Guarded(size);
        FastSoftmax fast = new FastSoftmax(Parallel.callerOnly());
        if (log) fast.logSoftmax(s, x, 0, y.array(), y.offset());
        else fast.softmax(s, x, 0, y.array(), y.offset());
        y.assertCanariesIntact();
        String what = (log ? "LogSoftmax " : "Softmax ") + s + " seed " + seed;
        Tolerance.assertClose(what, y.region(), r, AwkwardData.definedTerms(terms), bound(s.n()));
        float[] inPlace = Arrays.copyOf(x, size);
        if (log) fast.logSoftmax(s, inPlace, 0, inPlace, 0);
        else fast.softmax(s, inPlace, 0, inPlace, 0);
        Tolerance.assertBitsEqual(what + " in place", inPlace, y.region());
    }

    @Test
    void threadsGiveTheSameBits() {
        Theories.qt(8).forAll(Generate.pick(List.of(1, 5, 64)), booleans().all(), Sizes.seeds()).checkAssert((inner, log, seed) -> {
            SoftmaxShape s = new SoftmaxShape(97, 515, inner);
            float[] x = input(s, seed, 10f, false);
            float[] one = new float[s.size()], two = new float[s.size()];
            if (log) {
                new FastSoftmax(Parallel.callerOnly()).logSoftmax(s, x, 0, one, 0);
                new FastSoftmax(TWO).logSoftmax(s, x, 0, two, 0);
            } else {
                new FastSoftmax(Parallel.callerOnly()).softmax(s, x, 0, one, 0);
                new FastSoftmax(TWO).softmax(s, x, 0, two, 0);
            }
            Tolerance.assertBitsEqual(s + " 1 vs 2 threads", two, one);
        });
    }
}
