package dev.lanes.simd;

import dev.lanes.reference.LayerNorm;
import dev.lanes.reference.LayerNormShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ONNX LayerNormalization on the Vector API. Per row one statistics pass and one normalise pass,
 * the row staying in L1 between them (2 reads and 1 write of the row instead of 3 reads and 1 write):
 * <ul>
 * <li>the statistics pass accumulates Σx (the mean), and Σd and Σd² of the shifted values
 *     {@code d = x - K}, K the mean of the row's first vector; the squared deviations are then
 *     {@code SS = Σd² - (Σd)²/n}. Shifting is what makes one pass safe: SS cancels only as far as
 *     {@code Σd² = SS + n·(μ - K)²} exceeds SS, so a large mean with a tiny variance costs nothing
 *     (K is near μ), unlike E[x²] - E[x]²;</li>
 * <li>the cancellation is checked, not hoped for: a row with {@code Σd² > 2·SS} (K more than one
 *     standard deviation from μ — rare, an outlier in the first vector) gets the two-pass
 *     {@code Σ(x - μ)²} on its L1-resident data instead;</li>
 * <li>the normalise pass computes {@code y = (x·r - μ·r)·scale + B}, two multiply-adds,
 *     {@code r = 1/√(SS/n + ε)}.</li>
 * </ul>
 * Error: the sums run in two vector accumulators of L lanes each, so each carries at most
 * {@code γ = ⌈n/2L⌉ + log2 2L} roundings relative to its absolute terms; SS is then within
 * {@code 3γ·Σd² ≤ 6γ·SS}, so r is within {@code 3γ} (relative) and the mean within γ of mean|x|
 * (property {@code FastNormProperties}, which allows {@code 6 + 3γ} eps of the reference's terms).
 * A row whose sums overflow float (|x| beyond about 1e19, or ±∞ in it) is redone in double. Rows are
 * split over {@link Parallel}; every row is computed the same way whatever the thread count.
 */
public final class FastLayerNorm implements LayerNorm {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Least elements worth a thread of their own. */
    static final int MIN_PER_SHARE = 1 << 14;

    private final Parallel parallel;

    /** LayerNorm on {@link Parallel#shared()}. */
    public FastLayerNorm() {
        this(Parallel.shared());
    }

    public FastLayerNorm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void layerNorm(LayerNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] y, int yOff, float[] mean, int meanOff, float[] invStdDev, int invStdDevOff) {
        int n = s.n(), rows = s.outer();
        String op = "LayerNormalization";
        Checks.range(op, "X", x, xOff, s.size());
        Checks.range(op, "Y", y, yOff, s.size());
        Checks.range(op, "Scale", scale, scaleOff, n);
        if (s.hasBias()) Checks.range(op, "B", bias, biasOff, n);
        if (mean != null) Checks.range(op, "Mean", mean, meanOff, rows);
        if (invStdDev != null) Checks.range(op, "InvStdDev", invStdDev, invStdDevOff, rows);
        float[] b = s.hasBias() ? bias : null;
        parallel.forRange(rows, 1, parallel.sharesFor(s.size(), MIN_PER_SHARE), (from, to) -> {
            RowStats st = new RowStats();
            for (int r = from; r < to; r++) {
                row(x, xOff + r * n, scale, scaleOff, b, biasOff, y, yOff + r * n, n, s.epsilon(),
                        mean, meanOff + r, invStdDev, invStdDevOff + r, st);
            }
        });
    }

    /** A row's one-pass statistics about a shift K; one per task, reused for each of its rows. */
    static final class RowStats {
        /** The shift K. */
        float k;
        /** Σ|x|, which bounds how far K may lie from zero before the shifted sums lose accuracy. */
        float absSum;
        /** Σ(x - K). */
        float shifted;
        /** Σ(x - K)². */
        float squares;
    }

    /**
     * One row: {@code y[yOff, +n) = LayerNorm(x[xOff, +n))}; {@code bias}, {@code mean} and
     * {@code invStdDev} may be null. x and y may be the same range.
     */
    static void row(float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff, float[] y, int yOff,
                    int n, float epsilon, float[] mean, int meanAt, float[] invStdDev, int invAt, RowStats st) {
        gather(x, xOff, n, shift(x, xOff, n), st);
        normaliseRow(x, xOff, st, scale, scaleOff, bias, biasOff, y, yOff, n, epsilon, mean, meanAt, invStdDev, invAt);
    }

    /** The statistics pass: Σ|x|, Σ(x - k), Σ(x - k)² over the row into st, two vector accumulators each. */
    static void gather(float[] x, int xOff, int n, float k, RowStats st) {
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, s0 = a0, s1 = a0, q0 = a0, q1 = a0;
        int i = 0, l = F.length();
        for (int bound = F.loopBound(n) - l; i < bound; i += 2 * l) {
            FloatVector v0 = FloatVector.fromArray(F, x, xOff + i), v1 = FloatVector.fromArray(F, x, xOff + i + l);
            FloatVector d0 = v0.sub(kv), d1 = v1.sub(kv);
            a0 = a0.add(v0.abs());
            a1 = a1.add(v1.abs());
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = Fma.madd(d0, d0, q0);
            q1 = Fma.madd(d1, d1, q1);
        }
        if (i + l <= n) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i), d = v.sub(kv);
            a0 = a0.add(v.abs());
            s0 = s0.add(d);
            q0 = Fma.madd(d, d, q0);
            i += l;
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m), d = v.sub(kv, m);
            a1 = a1.add(v.abs());
            s1 = s1.add(d);
            q1 = Fma.madd(d, d, q1);
        }
        st.k = k;
        st.absSum = LaneSum.of(a0.add(a1));
        st.shifted = LaneSum.of(s0.add(s1));
        st.squares = LaneSum.of(q0.add(q1));
    }

    /**
     * The shift K of the one-pass statistics: the mean of the row's first min(n, L) values (one
     * vector, one lane sum), within about one standard deviation / √L of the row's mean for typical
     * rows. Producers that see the row first (AddLayerNorm) compute it from the same values.
     */
    static float shift(float[] x, int xOff, int n) {
        int l = F.length();
        if (n >= l) return LaneSum.of(FloatVector.fromArray(F, x, xOff)) / l;
        return LaneSum.of(FloatVector.fromArray(F, x, xOff, F.indexInRange(0, n))) / n;
    }

    /**
     * Finishes a row from its one-pass statistics {@code st} (a fused producer may have gathered
     * them already). They are used when they are accurate: {@code Σd² ≤ 2·SS} (cancellation of at
     * most one bit) and {@code |K| ≤ 2·mean|x|} (the shifted values are no larger than the row's).
     * Otherwise the row is gathered once more about the first estimate of its mean, K + Σd/n (this
     * fixes an outlier among the first values); a row that still fails takes the two-pass sums.
     */
    static void normaliseRow(float[] x, int xOff, RowStats st, float[] scale, int scaleOff, float[] bias, int biasOff,
                             float[] y, int yOff, int n, float epsilon, float[] mean, int meanAt, float[] invStdDev, int invAt) {
        float k = 0, m = 0, sq = -1;
        for (int attempt = 0; attempt < 2 && sq < 0; attempt++) {
            if (attempt == 1) gather(x, xOff, n, k + m, st);
            if (!Float.isFinite(st.k) || !Float.isFinite(st.absSum) || !Float.isFinite(st.squares)) {
                rowInDouble(x, xOff, scale, scaleOff, bias, biasOff, y, yOff, n, epsilon, mean, meanAt, invStdDev, invAt);
                return;
            }
            k = st.k;
            m = st.shifted / n;
            float ss = st.squares - st.shifted * m;
            if (2 * ss >= st.squares && Math.abs(k) * n <= 2 * st.absSum) sq = ss;
        }
        if (sq < 0) {
            k = 0;
            m = sum(x, xOff, n) / n;
            sq = squaredDeviations(x, xOff, n, m);
            if (!Float.isFinite(sq)) {
                rowInDouble(x, xOff, scale, scaleOff, bias, biasOff, y, yOff, n, epsilon, mean, meanAt, invStdDev, invAt);
                return;
            }
        }
        float inv = (float) (1 / Math.sqrt((double) sq / n + epsilon));
        if (mean != null) mean[meanAt] = k + m;
        if (invStdDev != null) invStdDev[invAt] = inv;
        normalise(x, xOff, k, m, inv, scale, scaleOff, bias, biasOff, y, yOff, n);
    }

    /**
     * The rare row whose float sum or squares overflow (|x| beyond about 1e19, or ±∞ in it): the same
     * formula in double, one element at a time. ±∞ and NaN then propagate exactly as the reference's.
     */
    private static void rowInDouble(float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                                    float[] y, int yOff, int n, float epsilon, float[] mean, int meanAt, float[] invStdDev, int invAt) {
        double total = 0;
        for (int i = 0; i < n; i++) total += x[xOff + i];
        double mu = total / n, sq = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mu;
            sq += d * d;
        }
        double inv = 1 / Math.sqrt(sq / n + epsilon);
        if (mean != null) mean[meanAt] = (float) mu;
        if (invStdDev != null) invStdDev[invAt] = (float) inv;
        for (int i = 0; i < n; i++) {
            double v = (x[xOff + i] - mu) * inv * scale[scaleOff + i] + (bias != null ? bias[biasOff + i] : 0);
            y[yOff + i] = (float) v;
        }
    }

    /** Σ x over the row, in two vector accumulators (the two-pass fallback's mean). */
    static float sum(float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0, l = F.length();
        for (int bound = F.loopBound(n) - l; i < bound; i += 2 * l) {
            a0 = a0.add(FloatVector.fromArray(F, x, xOff + i));
            a1 = a1.add(FloatVector.fromArray(F, x, xOff + i + l));
        }
        if (i + l <= n) {
            a0 = a0.add(FloatVector.fromArray(F, x, xOff + i));
            i += l;
        }
        if (i < n) a1 = a1.add(FloatVector.fromArray(F, x, xOff + i, F.indexInRange(i, n)));
        return LaneSum.of(a0.add(a1));
    }

    /** Σ (x - mu)² over the row. */
    static float squaredDeviations(float[] x, int xOff, int n, float mu) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0, l = F.length();
        for (int bound = F.loopBound(n) - l; i < bound; i += 2 * l) {
            FloatVector d0 = FloatVector.fromArray(F, x, xOff + i).sub(m);
            FloatVector d1 = FloatVector.fromArray(F, x, xOff + i + l).sub(m);
            a0 = Fma.madd(d0, d0, a0);
            a1 = Fma.madd(d1, d1, a1);
        }
        if (i + l <= n) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(m);
            a0 = Fma.madd(d, d, a0);
            i += l;
        }
        if (i < n) {
            VectorMask<Float> k = F.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(F, x, xOff + i, k).sub(m);
            a1 = a1.add(d.mul(d), k);
        }
        return LaneSum.of(a0.add(a1));
    }

    /**
     * {@code y = ((x - k)·inv - m·inv)·scale + bias} with the mean {@code k + m} (bias may be null):
     * x - k is exact or nearly so for a row near its shift, and m = μ - k is small, so a large mean
     * with a small spread keeps the precision of the deviations.
     */
    static void normalise(float[] x, int xOff, float k, float m, float inv, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] y, int yOff, int n) {
        FloatVector kv = FloatVector.broadcast(F, k), r = FloatVector.broadcast(F, inv), c = FloatVector.broadcast(F, -m * inv);
        int i = 0;
        if (bias != null) {
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector d = Fma.madd(FloatVector.fromArray(F, x, xOff + i).sub(kv), r, c);
                Fma.madd(d, FloatVector.fromArray(F, scale, scaleOff + i), FloatVector.fromArray(F, bias, biasOff + i))
                        .intoArray(y, yOff + i);
            }
            if (i < n) {
                VectorMask<Float> e = F.indexInRange(i, n);
                FloatVector d = Fma.madd(FloatVector.fromArray(F, x, xOff + i, e).sub(kv), r, c);
                Fma.madd(d, FloatVector.fromArray(F, scale, scaleOff + i, e), FloatVector.fromArray(F, bias, biasOff + i, e))
                        .intoArray(y, yOff + i, e);
            }
        } else {
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                Fma.madd(FloatVector.fromArray(F, x, xOff + i).sub(kv), r, c).mul(FloatVector.fromArray(F, scale, scaleOff + i))
                        .intoArray(y, yOff + i);
            }
            if (i < n) {
                VectorMask<Float> e = F.indexInRange(i, n);
                Fma.madd(FloatVector.fromArray(F, x, xOff + i, e).sub(kv), r, c).mul(FloatVector.fromArray(F, scale, scaleOff + i, e))
                        .intoArray(y, yOff + i, e);
            }
        }
    }
}
