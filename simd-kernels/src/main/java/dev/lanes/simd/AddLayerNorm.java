package dev.lanes.simd;

import dev.lanes.reference.LayerNormShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The residual add fused with LayerNormalization that ends every Transformer sub-layer (the
 * pattern ONNX Runtime fuses into SkipLayerNormalization): per row
 * {@code s = x + skip (+ addBias)}, {@code y = LayerNorm(s)·scale + B}, and optionally {@code s}
 * itself written out as the next residual. One pass adds and gathers {@link FastLayerNorm}'s
 * one-pass statistics (Σs, and Σd, Σd² of {@code d = s - K}) while {@code s} goes to its
 * destination (the {@code sum} output, or y as scratch), so the unfused Add's round trip through
 * memory disappears; the normalise pass then reads the row from L1.
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
            FastLayerNorm.RowStats st = new FastLayerNorm.RowStats();
            for (int r = from; r < to; r++) {
                float[] dst = sum != null ? sum : y;
                int dstOff = (sum != null ? sumOff : yOff) + r * n;
                addRow(x, xOff + r * n, skip, skipOff + r * n, addBias, addBiasOff, dst, dstOff, n, scale, scaleOff, b, biasOff,
                        y, yOff + r * n, s.epsilon(), st);
            }
        });
    }

    /**
     * {@code dst = x + skip (+ addBias)} with the row's one-pass statistics, then LayerNorm of dst
     * into y. The shift K is the mean of the first vector of sums, as {@link FastLayerNorm#shift}.
     */
    private static void addRow(float[] x, int xOff, float[] skip, int skipOff, float[] addBias, int addBiasOff,
                               float[] dst, int dstOff, int n, float[] scale, int scaleOff, float[] bias, int biasOff,
                               float[] y, int yOff, float epsilon, FastLayerNorm.RowStats st) {
        int l = F.length();
        VectorMask<Float> first = F.indexInRange(0, Math.min(n, l));
        FloatVector head = FloatVector.fromArray(F, x, xOff, first).add(FloatVector.fromArray(F, skip, skipOff, first));
        if (addBias != null) head = head.add(FloatVector.fromArray(F, addBias, addBiasOff, first));
        float shift = LaneSum.of(head) / Math.min(n, l);
        FloatVector kv = FloatVector.broadcast(F, shift);
        FloatVector a = FloatVector.zero(F), sh = a, q = a;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += l) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i).add(FloatVector.fromArray(F, skip, skipOff + i));
            if (addBias != null) v = v.add(FloatVector.fromArray(F, addBias, addBiasOff + i));
            v.intoArray(dst, dstOff + i);
            FloatVector d = v.sub(kv);
            a = a.add(v.abs());
            sh = sh.add(d);
            q = Fma.madd(d, d, q);
        }
        if (i < n) {
            VectorMask<Float> k = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, k).add(FloatVector.fromArray(F, skip, skipOff + i, k));
            if (addBias != null) v = v.add(FloatVector.fromArray(F, addBias, addBiasOff + i, k));
            v.intoArray(dst, dstOff + i, k);
            FloatVector d = v.sub(kv, k);
            a = a.add(v.abs());
            sh = sh.add(d);
            q = Fma.madd(d, d, q);
        }
        st.k = shift;
        st.absSum = LaneSum.of(a);
        st.shifted = LaneSum.of(sh);
        st.squares = LaneSum.of(q);
        FastLayerNorm.normaliseRow(dst, dstOff, st, scale, scaleOff, bias, biasOff, y, yOff, n, epsilon, null, 0, null, 0);
    }
}
