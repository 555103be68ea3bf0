package dev.lanes.models.builders;

import java.util.SplittableRandom;

/**
 * How a built model's parameter is filled. Random fills draw from a uniform distribution with the
 * requested standard deviation (half-width std·√3): as good as a Gaussian for keeping activations at
 * scale, and cheap enough to fill a 124M-parameter model in about a second.
 */
@FunctionalInterface
public interface WeightInit {

    /** Fills {@code values} from {@code random} (which is seeded from the model seed and the parameter name). */
    void fill(float[] values, SplittableRandom random);

    /** Zero-mean values with standard deviation {@code std}. */
    static WeightInit std(double std) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("standard deviation must be >= 0, got " + std);
        }
        double half = std * Math.sqrt(3);
        return (v, r) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((2 * r.nextDouble() - 1) * half);
            }
        };
    }

    /** He (Kaiming) scaling for a layer followed by ReLU: std √(2 / fanIn). */
    static WeightInit he(long fanIn) {
        return std(Math.sqrt(2.0 / fanIn));
    }

    /** Scaling that keeps the variance of a linear layer's output equal to its input's: std √(1 / fanIn). */
    static WeightInit lecun(long fanIn) {
        return std(Math.sqrt(1.0 / fanIn));
    }

    /** Values uniform in [lo, hi). */
    static WeightInit uniform(double lo, double hi) {
        if (!(hi >= lo)) {
            throw new IllegalArgumentException("empty range [" + lo + ", " + hi + ")");
        }
        return (v, r) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (lo + (hi - lo) * r.nextDouble());
            }
        };
    }

    /** Every value equal to {@code c}. */
    static WeightInit constant(float c) {
        return (v, r) -> java.util.Arrays.fill(v, c);
    }
}
