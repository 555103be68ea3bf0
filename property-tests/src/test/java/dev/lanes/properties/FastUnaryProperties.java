package dev.lanes.properties;

import dev.lanes.reference.ReferenceUnary;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import dev.lanes.simd.FastUnary;
import dev.lanes.simd.Parallel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * FastUnary against ReferenceUnary for every op, on awkward sizes (0, 1, primes, tails shorter than
 * a vector), scales that reach exp's overflow and underflow, and ±∞/NaN/±0/subnormal inputs.
 *
 * <p>Error bound per op, in units of eps32 times the reference's terms: the bound VectorMath's
 * accuracy test enforces (simd-kernels/README.md, in ulps ≤ eps32·|y|), plus ½ for the reference's
 * own rounding to float, plus one per extra rounding the kernel adds around it.
 */
@WidthSensitive
class FastUnaryProperties {

    private static final Parallel TWO = Parallel.create(2);
    private static final ReferenceUnary REF = new ReferenceUnary();

    @AfterAll
    static void closePool() {
        TWO.close();
    }

    static double bound(UnaryOp op) {
        return switch (op) {
            case RELU, NEG, ABS, CLIP, LEAKY_RELU, SQRT, RECIPROCAL -> 1;
            case HARD_SIGMOID -> 2;            // one FMA (the reference is exact), then clamps
            case HARD_SWISH -> 3;              // x·(1/6) rounded, FMA, product
            case EXP -> 1.5 + 0.5;
            case LOG -> 1.5 + 0.5;
            case SIGMOID -> 2.5 + 0.5;
            case TANH -> 5.5 + 0.5;
            case ERF -> 6 + 0.5;
            case GELU -> 3.5 + 1;              // 3.5 ulp for x ≥ 0, 1.5·eps·|x| below, plus the rounding of x/√2
            case GELU_TANH -> 3 + 1;
            case ELU -> 1.5 + 2;               // exp, then - 1 and · alpha rounded
        };
    }

    @Test
    void everyOpEqualsTheReference() {
        Theories.qt(150).forAll(ElementwiseShapes.unaries(), Generate.pick(List.of(1f, 4f, 30f, 120f)), Sizes.seeds())
                .checkAssert((s, scale, seed) -> {
                    UnaryOp op = s.op();
                    int n = s.size();
                    float[] x = AwkwardData.uniform(seed, n, scale, 0f);
                    if (seed % 3 == 0) SpecialValues.sprinkle(x, seed, 0.1);
                    float[] r = new float[n];
                    double[] terms = new double[n];
                    REF.apply(s, x, 0, r, 0, terms);
                    Guarded y = new Guarded(n);
                    new FastUnary(Parallel.callerOnly()).apply(s, x, 0, y.array(), y.offset());
                    y.assertCanariesIntact();
                    Tolerance.assertClose(s + " seed " + seed, y.region(), r, AwkwardData.definedTerms(terms), bound(op));
                    // In place, from an offset: the same bits.
                    float[] inPlace = new float[n + 3];
                    System.arraycopy(x, 0, inPlace, 3, n);
                    new FastUnary(Parallel.callerOnly()).apply(s, inPlace, 3, inPlace, 3);
                    Tolerance.assertBitsEqual(s + " in place", java.util.Arrays.copyOfRange(inPlace, 3, n + 3), y.region());
                });
    }

    @Test
    void threadsGiveTheSameBits() {
        Theories.qt(10).forAll(ElementwiseShapes.unaries(), Sizes.seeds()).checkAssert((small, seed) -> {
            UnaryShape s = small.withSize(3 * LARGE + 13);
            int n = s.size();
            float[] x = AwkwardData.uniform(seed, n, 10f, 0f);
            float[] one = new float[n], two = new float[n];
            new FastUnary(Parallel.callerOnly()).apply(s, x, 0, one, 0);
            new FastUnary(TWO).apply(s, x, 0, two, 0);
            Tolerance.assertBitsEqual(s + " 1 vs 2 threads", two, one);
        });
    }

    /** Above FastUnary's threshold for splitting over threads. */
    private static final int LARGE = 1 << 15;
}
