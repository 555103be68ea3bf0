package dev.lanes.simd;

import dev.lanes.reference.RmsNorm;
import dev.lanes.reference.RmsNormShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * ONNX RMSNormalization on the Vector API: per row the sum of squares (two vector accumulators),
 * {@code r = 1/√(mean(x²) + ε)}, then {@code y = x·r·scale}; a row whose squares overflow float is
 * redone in double. Rows split over {@link Parallel}.
 */
public final class FastRmsNorm implements RmsNorm {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    private final Parallel parallel;

    /** RMSNorm on {@link Parallel#shared()}. */
    public FastRmsNorm() {
        this(Parallel.shared());
    }

    public FastRmsNorm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void rmsNorm(RmsNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] y, int yOff) {
        int n = s.n();
        String op = "RMSNormalization";
        Checks.range(op, "X", x, xOff, s.size());
        Checks.range(op, "Y", y, yOff, s.size());
        Checks.range(op, "scale", scale, scaleOff, n);
        parallel.forRange(s.outer(), 1, parallel.sharesFor(s.size(), FastLayerNorm.MIN_PER_SHARE), (from, to) -> {
            for (int r = from; r < to; r++) row(x, xOff + r * n, scale, scaleOff, y, yOff + r * n, n, s.epsilon());
        });
    }

    /** One row; x and y may be the same range. */
    static void row(float[] x, int xOff, float[] scale, int scaleOff, float[] y, int yOff, int n, float epsilon) {
        float sq = FastLayerNorm.squaredDeviations(x, xOff, n, 0f);
        if (!Float.isFinite(sq)) {
            rowInDouble(x, xOff, scale, scaleOff, y, yOff, n, epsilon);
            return;
        }
        float inv = (float) (1 / Math.sqrt((double) sq / n + epsilon));
        FloatVector r = FloatVector.broadcast(F, inv);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).mul(r).mul(FloatVector.fromArray(F, scale, scaleOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> k = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, k).mul(r).mul(FloatVector.fromArray(F, scale, scaleOff + i, k))
                    .intoArray(y, yOff + i, k);
        }
    }

    /** The rare row whose float squares overflow (|x| beyond about 1e19, or ±∞): the formula in double. */
    private static void rowInDouble(float[] x, int xOff, float[] scale, int scaleOff, float[] y, int yOff, int n, float epsilon) {
        double sq = 0;
        for (int i = 0; i < n; i++) sq += (double) x[xOff + i] * x[xOff + i];
        double inv = 1 / Math.sqrt(sq / n + epsilon);
        for (int i = 0; i < n; i++) y[yOff + i] = (float) (x[xOff + i] * inv * scale[scaleOff + i]);
    }
}
