package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order. {@code reduceLanes(ADD)} may add in any order,
 * and does: the C2 intrinsic and the Java fallback (used before compilation) give different bits,
 * so a kernel's result would change as it warms up. Here the lanes are folded in halves
 * (lane i += lane i + L/2, then L/4, … 1) with constant shuffles: the same bits in every mode.
 */
final class LaneSum {
    private LaneSum() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();
    private static final VectorShuffle<Float> HALF_8 = VectorShuffle.iota(F, 8 % L, 1, true);
    private static final VectorShuffle<Float> HALF_4 = VectorShuffle.iota(F, 4 % L, 1, true);
    private static final VectorShuffle<Float> HALF_2 = VectorShuffle.iota(F, 2 % L, 1, true);
    private static final VectorShuffle<Float> HALF_1 = VectorShuffle.iota(F, 1, 1, true);

    static float of(FloatVector v) {
        if (L >= 16) v = v.add(v.rearrange(HALF_8));
        if (L >= 8) v = v.add(v.rearrange(HALF_4));
        if (L >= 4) v = v.add(v.rearrange(HALF_2));
        return v.add(v.rearrange(HALF_1)).lane(0);
    }
}
