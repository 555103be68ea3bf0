package dev.lanes.simd;

import dev.lanes.reference.Softmax;
import dev.lanes.reference.SoftmaxShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and LogSoftmax on any axis, in the shape's {@code [outer, n, inner]} view.
 *
 * <ul>
 *   <li>Last axis ({@code inner == 1}): per row three passes over data that stay in L1 — the max,
 *       then {@code e = exp(x - max)} stored into y while summing (the two-pass softmax of Dukhan &amp;
 *       Ablavatski, arXiv:2001.04438, with the max pass in front for range safety), then {@code y *= 1/sum}.
 *       LogSoftmax skips the store and writes {@code x - (max + log(sum))}.</li>
 *   <li>Other axes ({@code inner > 1}): the same passes with the vector across {@code inner}, so each
 *       lane is one independent row walking down the axis with stride {@code inner}.</li>
 * </ul>
 * Rows are independent, so threads ({@link Parallel}) split rows (and inner columns) and results
 * are bit-identical for any thread count. A row of all -∞ gives NaN and a NaN anywhere gives a NaN
 * row, as ONNX's definition (and {@code ReferenceSoftmax}) does; exp is {@link VectorMath#expNegative}
 * (x - max ≤ 0), so probabilities below 2^-126 are 0.
 */
public final class FastSoftmax implements Softmax {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Least elements worth a thread of their own. */
    static final int MIN_PER_SHARE = 1 << 14;

    private final Parallel parallel;

    /** Softmax on {@link Parallel#shared()}. */
    public FastSoftmax() {
        this(Parallel.shared());
    }

    public FastSoftmax(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void softmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff) {
        run(s, x, xOff, y, yOff, false);
    }

    @Override
    public void logSoftmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff) {
        run(s, x, xOff, y, yOff, true);
    }

    private void run(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff, boolean log) {
        String op = log ? "LogSoftmax" : "Softmax";
        Checks.range(op, "input", x, xOff, s.size());
        Checks.range(op, "output", y, yOff, s.size());
        int outer = s.outer(), n = s.n(), inner = s.inner();
        if (s.size() == 0) return;
        int shares = parallel.sharesFor(s.size(), MIN_PER_SHARE);
        if (inner == 1) {
            parallel.forRange(outer, 1, shares, (from, to) -> {
                for (int r = from; r < to; r++) {
                    if (log) logSoftmaxRow(x, xOff + r * n, y, yOff + r * n, n);
                    else softmaxRow(x, xOff + r * n, y, yOff + r * n, n);
                }
            });
        } else {
            parallel.forTiles(outer, 1, inner, F.length(), shares, (o0, o1, j0, j1) -> {
                for (int o = o0; o < o1; o++) {
                    int base = o * n * inner;
                    for (int j = j0; j < j1; j += F.length()) {
                        VectorMask<Float> m = F.indexInRange(j, j1);
                        strided(x, xOff + base + j, y, yOff + base + j, n, inner, m, log);
                    }
                }
            });
        }
    }

    /** Softmax of one contiguous row {@code x[xOff, xOff + n)} into {@code y[yOff, yOff + n)} (may be the same range). */
    public static void softmaxRow(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) return;
        FloatVector inv = FloatVector.broadcast(F, 1f / expSum(x, xOff, rowMax(x, xOff, n), y, yOff, n));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).mul(inv).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, y, yOff + i, m).mul(inv).intoArray(y, yOff + i, m);
        }
    }

    /** LogSoftmax of one contiguous row: {@code y = x - (max + log(sum(exp(x - max))))}. */
    public static void logSoftmaxRow(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) return;
        float max = rowMax(x, xOff, n);
        FloatVector shift = FloatVector.broadcast(F, (float) (max + Math.log(expSum(x, xOff, max, null, 0, n))));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).sub(shift).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, m).sub(shift).intoArray(y, yOff + i, m);
        }
    }

    /**
     * Σ exp(x - max) over the row, also storing each exp into {@code y} unless it is null (the
     * null test is loop-invariant: C2 unswitches it).
     */
    static float expSum(float[] x, int xOff, float max, float[] y, int yOff, int n) {
        FloatVector vmax = FloatVector.broadcast(F, max);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector e = VectorMath.expNegative(FloatVector.fromArray(F, x, xOff + i).sub(vmax));
            if (y != null) e.intoArray(y, yOff + i);
            acc = acc.add(e);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = VectorMath.expNegative(FloatVector.fromArray(F, x, xOff + i, m).sub(vmax));
            if (y != null) e.intoArray(y, yOff + i, m);
            acc = acc.add(e, m);
        }
        return LaneSum.of(acc);
    }

    /**
     * The row's max (two accumulators hide the latency). NaN may be skipped here: it still turns
     * the row's sum, and so every output, into NaN.
     */
    static float rowMax(float[] x, int xOff, int n) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (int bound = F.loopBound(n) - F.length(); i < bound; i += 2 * F.length()) {
            m0 = greater(m0, FloatVector.fromArray(F, x, xOff + i));
            m1 = greater(m1, FloatVector.fromArray(F, x, xOff + i + F.length()));
        }
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            m0 = greater(m0, FloatVector.fromArray(F, x, xOff + i));
        }
        float max = greater(m0, m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[xOff + i]);
        return max;
    }

    /** max(m, v) as one compare and blend (Java's max adds NaN and -0 handling this kernel does not need). */
    private static FloatVector greater(FloatVector m, FloatVector v) {
        return m.blend(v, v.compare(VectorOperators.GT, m));
    }

    /**
     * Softmax down {@code n} rows {@code inner} apart, one independent row per lane of {@code m}:
     * element {@code i} of lane {@code l} is at {@code x[xOff + i·inner + l]}.
     */
    private static void strided(float[] x, int xOff, float[] y, int yOff, int n, int inner, VectorMask<Float> m, boolean log) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) max = greater(max, FloatVector.fromArray(F, x, xOff + i * inner, m));
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < n; i++) {
            FloatVector e = VectorMath.expNegative(FloatVector.fromArray(F, x, xOff + i * inner, m).sub(max));
            if (!log) e.intoArray(y, yOff + i * inner, m);
            sum = sum.add(e);
        }
        if (log) {
            FloatVector shift = max.add(VectorMath.log(sum));
            for (int i = 0; i < n; i++) {
                FloatVector.fromArray(F, x, xOff + i * inner, m).sub(shift).intoArray(y, yOff + i * inner, m);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(F, 1f).div(sum);
            for (int i = 0; i < n; i++) {
                FloatVector.fromArray(F, y, yOff + i * inner, m).mul(inv).intoArray(y, yOff + i * inner, m);
            }
        }
    }
}
