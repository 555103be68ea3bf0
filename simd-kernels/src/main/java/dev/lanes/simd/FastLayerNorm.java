package dev.lanes.simd;

import dev.lanes.reference.LayerNorm;
import dev.lanes.reference.LayerNormShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ONNX LayerNormalization on the Vector API. Per row three passes, the row staying in L1 after the
 * first: the sum (mean), the sum of squared deviations (the two-pass variance, which unlike
 * E[x²] - E[x]² cannot cancel), then {@code y = (x - mean)·r·scale + B} with
 * {@code r = 1/√(var + ε)}. Sums use two vector accumulators of float, so an element's error is
 * about {@code (n / 2L + log2 2L)·eps} of the row's scale (L = lanes); a row whose sum or squares
 * overflow float (|x| beyond about 1e19) is redone in double. Rows are split over
 * {@link Parallel}; every row is computed the same way whatever the thread count.
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
            for (int r = from; r < to; r++) {
                row(x, xOff + r * n, scale, scaleOff, b, biasOff, y, yOff + r * n, n, s.epsilon(),
                        mean, meanOff + r, invStdDev, invStdDevOff + r);
            }
        });
    }

    /**
     * One row: {@code y[yOff, +n) = LayerNorm(x[xOff, +n))}; {@code bias}, {@code mean} and
     * {@code invStdDev} may be null. x and y may be the same range.
     */
    static void row(float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff, float[] y, int yOff,
                    int n, float epsilon, float[] mean, int meanAt, float[] invStdDev, int invAt) {
        normaliseRow(x, xOff, sum(x, xOff, n), scale, scaleOff, bias, biasOff, y, yOff, n, epsilon, mean, meanAt, invStdDev, invAt);
    }

    /** As {@link #row}, given the row's float sum (a fused producer may have summed it already). */
    static void normaliseRow(float[] x, int xOff, float total, float[] scale, int scaleOff, float[] bias, int biasOff,
                             float[] y, int yOff, int n, float epsilon, float[] mean, int meanAt, float[] invStdDev, int invAt) {
        float mu = total / n;
        float sq = squaredDeviations(x, xOff, n, mu);
        if (!Float.isFinite(total) || !Float.isFinite(sq)) {
            rowInDouble(x, xOff, scale, scaleOff, bias, biasOff, y, yOff, n, epsilon, mean, meanAt, invStdDev, invAt);
            return;
        }
        float inv = (float) (1 / Math.sqrt((double) sq / n + epsilon));
        if (mean != null) mean[meanAt] = mu;
        if (invStdDev != null) invStdDev[invAt] = inv;
        normalise(x, xOff, mu, inv, scale, scaleOff, bias, biasOff, y, yOff, n);
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

    /** Σ x over the row, in two vector accumulators. */
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

    /** {@code y = (x - mu)·inv·scale + bias} (bias may be null). */
    static void normalise(float[] x, int xOff, float mu, float inv, float[] scale, int scaleOff, float[] bias, int biasOff,
                          float[] y, int yOff, int n) {
        FloatVector m = FloatVector.broadcast(F, mu), r = FloatVector.broadcast(F, inv);
        int i = 0;
        if (bias != null) {
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(m).mul(r);
                Fma.madd(d, FloatVector.fromArray(F, scale, scaleOff + i), FloatVector.fromArray(F, bias, biasOff + i))
                        .intoArray(y, yOff + i);
            }
            if (i < n) {
                VectorMask<Float> k = F.indexInRange(i, n);
                FloatVector d = FloatVector.fromArray(F, x, xOff + i, k).sub(m).mul(r);
                Fma.madd(d, FloatVector.fromArray(F, scale, scaleOff + i, k), FloatVector.fromArray(F, bias, biasOff + i, k))
                        .intoArray(y, yOff + i, k);
            }
        } else {
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector.fromArray(F, x, xOff + i).sub(m).mul(r).mul(FloatVector.fromArray(F, scale, scaleOff + i))
                        .intoArray(y, yOff + i);
            }
            if (i < n) {
                VectorMask<Float> k = F.indexInRange(i, n);
                FloatVector.fromArray(F, x, xOff + i, k).sub(m).mul(r).mul(FloatVector.fromArray(F, scale, scaleOff + i, k))
                        .intoArray(y, yOff + i, k);
            }
        }
    }
}
