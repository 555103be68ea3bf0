package dev.lanes.properties;

import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.ReferenceLayerNorm;
import dev.lanes.reference.ReferenceRmsNorm;
import dev.lanes.reference.RmsNormShape;
import dev.lanes.simd.AddLayerNorm;
import dev.lanes.simd.FastLayerNorm;
import dev.lanes.simd.FastRmsNorm;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * FastLayerNorm, FastRmsNorm and AddLayerNorm against the references (AddLayerNorm against
 * ReferenceLayerNorm of the float residual sum): awkward row lengths, rows with a large mean, all
 * epsilons, optional B / Mean / InvStdDev, ±∞ and NaN inputs, and any thread count.
 *
 * <p>Error bound: the row sums run in two float vector accumulators of L lanes, so each carries at
 * most γ = ⌈n/2L⌉ + log2 2L roundings relative to its absolute terms (the reference's terms hold
 * mean|x|·r·|scale| for the mean and |x|·r·|scale| for the deviation). FastLayerNorm's one-pass
 * statistics about a shift K (d = x - K) are used only where Σd² ≤ 2·SS and |K| ≤ 2·mean|x|:
 * SS = Σd² - (Σd)²/n is then within 3γ·Σd² ≤ 6γ·SS, so r = 1/√(var + ε) is within 3γ; the mean
 * K + Σd/n within γ·Σ|d|/n ≤ 3γ·mean|x|; x - K rounds within |x| + 2·mean|x|; the products and B
 * add 4. Summed against terms = (|x| + mean|x|)·r·|scale| + |B|: c = 6 + 6γ. (RMSNorm's single
 * sum of squares and the two-pass fallback need much less.)
 */
@WidthSensitive
class FastNormProperties {

    private static final Parallel TWO = Parallel.create(2);

    @AfterAll
    static void closePool() {
        TWO.close();
    }

    static double bound(int n) {
        int l2 = 2 * VectorWidth.LANES;
        return 6 + 6 * ((n + l2 - 1) / l2 + Math.log(l2) / Math.log(2));
    }

    private static final List<Float> EPSILONS = List.of(1e-5f, 1e-12f, 1e-6f, 0.1f);
    private static final List<Float> OFFSETS = List.of(0f, 3f, -50f);

    @Test
    void layerNormEqualsTheReference() {
        Theories.qt(100).forAll(Sizes.between(0, 12), Sizes.between(1, 700), Sizes.seeds())
                .checkAssert((rows, n, seed) -> {
                    SplittableRandom pick = new SplittableRandom(seed);
                    boolean hasBias = pick.nextBoolean(), specials = pick.nextInt(4) == 0;
                    float eps = EPSILONS.get(pick.nextInt(EPSILONS.size())), offset = OFFSETS.get(pick.nextInt(OFFSETS.size()));
                    LayerNormShape s = new LayerNormShape(rows, n, eps, hasBias);
                    float[] x = AwkwardData.uniform(seed, s.size(), 2f, offset);
                    if (specials) SpecialValues.sprinkle(x, seed, 0.01);
                    float[] g = AwkwardData.uniform(seed + 1, n, 1.5f, 0f), b = hasBias ? AwkwardData.uniform(seed + 2, n, 1f, 0f) : null;
                    float[] r = new float[s.size()], rMean = new float[rows], rInv = new float[rows];
                    double[] terms = new double[s.size()];
                    new ReferenceLayerNorm().layerNorm(s, x, 0, g, 0, b, 0, r, 0, rMean, 0, rInv, 0, terms);
                    Guarded y = new Guarded(s.size()), mean = new Guarded(rows), inv = new Guarded(rows);
                    new FastLayerNorm(Parallel.callerOnly()).layerNorm(s, x, 0, g, 0, b, 0, y.array(), y.offset(),
                            mean.array(), mean.offset(), inv.array(), inv.offset());
                    y.assertCanariesIntact();
                    mean.assertCanariesIntact();
                    inv.assertCanariesIntact();
                    String what = s + " offset " + offset + " seed " + seed;
                    Tolerance.assertClose("LayerNorm " + what, y.region(), r, AwkwardData.definedTerms(terms), bound(n));
                    double[] meanTerms = new double[rows], invTerms = new double[rows];
                    for (int row = 0; row < rows; row++) {
                        for (int i = 0; i < n; i++) meanTerms[row] += Math.abs(x[row * n + i]) / n;
                        invTerms[row] = Math.abs(rInv[row]);
                    }
                    Tolerance.assertClose("LayerNorm Mean " + what, mean.region(), rMean, AwkwardData.definedTerms(meanTerms), bound(n));
                    Tolerance.assertClose("LayerNorm InvStdDev " + what, inv.region(), rInv, AwkwardData.definedTerms(invTerms), bound(n));
                });
    }

    /**
     * The rows one-pass variance formulas lose: a large mean with a small spread (σ/|μ| from 2^-7 down
     * to 2^-12: E[x²] - E[x]² would cancel 14 to 24 of float's 24 bits; the shifted sums must not),
     * and rows whose first values lie far off the rest (the shift K lands far from the mean, so the
     * cancellation check must re-gather the row). Judged against the deviations, a much tighter
     * scale than the reference's terms: {@code (|x - μ| + σ)·r·|scale| + |B|} (μ, σ, r in double).
     * Also through AddLayerNorm, whose statistics come from its add pass.
     */
    @Test
    void largeMeanSmallSpreadKeepsTheDeviationsPrecise() {
        Theories.qt(60).forAll(Sizes.between(1, 6), Sizes.between(1, 600), Sizes.seeds())
                .checkAssert((rows, n, seed) -> {
                    SplittableRandom pick = new SplittableRandom(seed);
                    float mean = (float) (pick.nextBoolean() ? 1e4 : -3e3) * (1 + pick.nextInt(8));
                    float spread = Math.abs(mean) * (float) Math.scalb(1.0, -7 - pick.nextInt(6));
                    LayerNormShape s = new LayerNormShape(rows, n, 1e-12f, true);
                    float[] x = AwkwardData.uniform(seed, s.size(), spread, mean);
                    if (pick.nextBoolean()) {
                        // Each row's first 16 values far off (in units of the spread): the shift K lands far from the mean.
                        float off = (pick.nextBoolean() ? 1 : -1) * spread * (20 + pick.nextInt(200));
                        for (int row = 0; row < rows; row++) {
                            for (int i = 0; i < Math.min(n, 16); i++) x[row * n + i] += off;
                        }
                    }
                    float[] g = AwkwardData.uniform(seed + 1, n, 1.5f, 0f), b = AwkwardData.uniform(seed + 2, n, 1f, 0f);
                    float[] r = new float[s.size()];
                    new ReferenceLayerNorm().layerNorm(s, x, 0, g, 0, b, 0, r, 0, null, 0, null, 0, new double[s.size()]);
                    double[] terms = new double[s.size()];
                    for (int row = 0; row < rows; row++) {
                        double mu = 0, ss = 0;
                        for (int i = 0; i < n; i++) mu += x[row * n + i];
                        mu /= n;
                        for (int i = 0; i < n; i++) ss += (x[row * n + i] - mu) * (x[row * n + i] - mu);
                        double sigma = Math.sqrt(ss / n), inv = 1 / Math.sqrt(ss / n + s.epsilon());
                        for (int i = 0; i < n; i++) {
                            terms[row * n + i] = (Math.abs(x[row * n + i] - mu) + sigma) * inv * Math.abs(g[i]) + Math.abs(b[i]);
                        }
                    }
                    String what = s + " mean " + mean + " spread " + spread + " seed " + seed;
                    Guarded y = new Guarded(s.size());
                    new FastLayerNorm(Parallel.callerOnly()).layerNorm(s, x, 0, g, 0, b, 0, y.array(), y.offset(), null, 0, null, 0);
                    y.assertCanariesIntact();
                    Tolerance.assertClose("LayerNorm " + what, y.region(), r, terms, bound(n));
                    // The same rows as x + 0 through the fused add.
                    Guarded z = new Guarded(s.size());
                    new AddLayerNorm(Parallel.callerOnly()).apply(s, x, 0, new float[s.size()], 0, null, 0, g, 0, b, 0,
                            z.array(), z.offset(), null, 0);
                    z.assertCanariesIntact();
                    Tolerance.assertClose("AddLayerNorm " + what, z.region(), r, terms, bound(n));
                });
    }

    @Test
    void rmsNormEqualsTheReference() {
        Theories.qt(80).forAll(Sizes.between(0, 12), Sizes.between(1, 700), Sizes.seeds())
                .checkAssert((rows, n, seed) -> {
                    SplittableRandom pick = new SplittableRandom(seed);
                    boolean specials = pick.nextInt(4) == 0;
                    float eps = EPSILONS.get(pick.nextInt(EPSILONS.size())), offset = OFFSETS.get(pick.nextInt(OFFSETS.size()));
                    RmsNormShape s = new RmsNormShape(rows, n, eps);
                    float[] x = AwkwardData.uniform(seed, s.size(), 2f, offset);
                    if (specials) SpecialValues.sprinkle(x, seed, 0.01);
                    float[] g = AwkwardData.uniform(seed + 1, n, 1.5f, 0f);
                    float[] r = new float[s.size()];
                    double[] terms = new double[s.size()];
                    new ReferenceRmsNorm().rmsNorm(s, x, 0, g, 0, r, 0, terms);
                    Guarded y = new Guarded(s.size());
                    new FastRmsNorm(Parallel.callerOnly()).rmsNorm(s, x, 0, g, 0, y.array(), y.offset());
                    y.assertCanariesIntact();
                    Tolerance.assertClose("RMSNorm " + s + " seed " + seed, y.region(), r, AwkwardData.definedTerms(terms), bound(n));
                });
    }

    @Test
    void addLayerNormEqualsAddThenLayerNorm() {
        Theories.qt(80).forAll(Sizes.between(0, 10), Sizes.between(1, 700), Sizes.seeds())
                .checkAssert((rows, n, seed) -> {
                    SplittableRandom pick = new SplittableRandom(seed);
                    boolean hasBias = pick.nextBoolean(), hasAddBias = pick.nextBoolean(), writeSum = pick.nextBoolean();
                    LayerNormShape s = new LayerNormShape(rows, n, 1e-5f, hasBias);
                    float[] x = AwkwardData.uniform(seed, s.size(), 2f, 0.5f), skip = AwkwardData.uniform(seed + 3, s.size(), 3f, 0f);
                    float[] g = AwkwardData.uniform(seed + 1, n, 1.5f, 0f), b = hasBias ? AwkwardData.uniform(seed + 2, n, 1f, 0f) : null;
                    float[] addBias = hasAddBias ? AwkwardData.uniform(seed + 4, n, 1f, 0f) : null;
                    // The reference: the residual sum rounded to float as two Adds would, then LayerNorm.
                    float[] sum = new float[s.size()];
                    double[] sumTerms = new double[s.size()];
                    for (int i = 0; i < s.size(); i++) {
                        float v = x[i] + skip[i];
                        sumTerms[i] = Math.abs(x[i]) + Math.abs(skip[i]);
                        if (addBias != null) {
                            sumTerms[i] += Math.abs(addBias[i % n]);
                            v += addBias[i % n];
                        }
                        sum[i] = v;
                    }
                    float[] r = new float[s.size()];
                    double[] terms = new double[s.size()];
                    new ReferenceLayerNorm().layerNorm(s, sum, 0, g, 0, b, 0, r, 0, null, 0, null, 0, terms);
                    Guarded y = new Guarded(s.size()), sumOut = new Guarded(s.size());
                    new AddLayerNorm(Parallel.callerOnly()).apply(s, x, 0, skip, 0, addBias, 0, g, 0, b, 0, y.array(), y.offset(),
                            writeSum ? sumOut.array() : null, sumOut.offset());
                    y.assertCanariesIntact();
                    sumOut.assertCanariesIntact();
                    String what = "AddLayerNorm " + s + " seed " + seed;
                    Tolerance.assertClose(what, y.region(), r, AwkwardData.definedTerms(terms), bound(n));
                    if (writeSum) Tolerance.assertClose(what + " sum", sumOut.region(), sum, AwkwardData.definedTerms(sumTerms), 1);
                });
    }

    @Test
    void threadsGiveTheSameBits() {
        Theories.qt(6).forAll(Sizes.seeds()).checkAssert(seed -> {
            LayerNormShape s = new LayerNormShape(131, 769, 1e-5f, true);
            float[] x = AwkwardData.uniform(seed, s.size(), 2f, 1f);
            float[] g = AwkwardData.uniform(seed + 1, 769, 1f, 0f), b = AwkwardData.uniform(seed + 2, 769, 1f, 0f);
            float[] one = new float[s.size()], two = new float[s.size()];
            new FastLayerNorm(Parallel.callerOnly()).layerNorm(s, x, 0, g, 0, b, 0, one, 0);
            new FastLayerNorm(TWO).layerNorm(s, x, 0, g, 0, b, 0, two, 0);
            Tolerance.assertBitsEqual("LayerNorm 1 vs 2 threads", two, one);
        });
    }
}
