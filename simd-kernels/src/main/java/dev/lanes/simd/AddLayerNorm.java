package dev.lanes.simd;

import dev.lanes.reference.LayerNormShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The residual add fused with LayerNormalization that ends every Transformer sub-layer (the
 * pattern ONNX Runtime fuses into SkipLayerNormalization): per row
 * {@code s = x + skip (+ addBias)}, {@code y = LayerNorm(s)·scale + B}, and optionally {@code s}
 * itself written out as the next residual. One pass adds and sums while {@code s} goes to its
 * destination (the {@code sum} output, or y as scratch), so the unfused Add's round trip through
 * memory disappears; the remaining passes are {@link FastLayerNorm}'s on the row, now in L1.
 */
public final class AddLayerNorm {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    private final Parallel parallel;

    /** On {@link Parallel#shared()}. */
    public AddLayerNorm() {
        this(Parallel.shared());
    }

    public AddLayerNorm(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * For each of {@code s.outer()} rows of {@code s.n()}: {@code x} and {@code skip} are dense
     * {@code [outer, n]}; {@code addBias} (nullable) holds n values added before the normalisation;
     * {@code scale} and, when {@code s.hasBias()}, {@code bias} hold n values; {@code sum} (nullable)
     * receives {@code x + skip + addBias}. {@code y} may share its range with x or skip.
     */
    public void apply(LayerNormShape s, float[] x, int xOff, float[] skip, int skipOff, float[] addBias, int addBiasOff,
                      float[] scale, int scaleOff, float[] bias, int biasOff, float[] y, int yOff, float[] sum, int sumOff) {
        int n = s.n();
        String op = "AddLayerNorm";
        Checks.range(op, "X", x, xOff, s.size());
        Checks.range(op, "skip", skip, skipOff, s.size());
        Checks.range(op, "Y", y, yOff, s.size());
        Checks.range(op, "Scale", scale, scaleOff, n);
        if (addBias != null) Checks.range(op, "add bias", addBias, addBiasOff, n);
        if (s.hasBias()) Checks.range(op, "B", bias, biasOff, n);
        if (sum != null) Checks.range(op, "sum", sum, sumOff, s.size());
        float[] b = s.hasBias() ? bias : null;
        parallel.forRange(s.outer(), 1, parallel.sharesFor(s.size(), FastLayerNorm.MIN_PER_SHARE), (from, to) -> {
            for (int r = from; r < to; r++) {
                float[] dst = sum != null ? sum : y;
                int dstOff = (sum != null ? sumOff : yOff) + r * n;
                float total = addRow(x, xOff + r * n, skip, skipOff + r * n, addBias, addBiasOff, dst, dstOff, n);
                FastLayerNorm.normaliseRow(dst, dstOff, total, scale, scaleOff, b, biasOff, y, yOff + r * n, n, s.epsilon(),
                        null, 0, null, 0);
            }
        });
    }

    /** {@code dst = x + skip (+ addBias)}; returns the row's sum (one vector accumulator, in order of vectors). */
    private static float addRow(float[] x, int xOff, float[] skip, int skipOff, float[] addBias, int addBiasOff,
                                float[] dst, int dstOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i).add(FloatVector.fromArray(F, skip, skipOff + i));
            if (addBias != null) v = v.add(FloatVector.fromArray(F, addBias, addBiasOff + i));
            v.intoArray(dst, dstOff + i);
            acc = acc.add(v);
        }
        if (i < n) {
            VectorMask<Float> k = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, k).add(FloatVector.fromArray(F, skip, skipOff + i, k));
            if (addBias != null) v = v.add(FloatVector.fromArray(F, addBias, addBiasOff + i, k));
            v.intoArray(dst, dstOff + i, k);
            acc = acc.add(v, k);
        }
        return LaneSum.of(acc);
    }
}
