package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The end of a convolution's epilogue on a contiguous block of outputs a kernel has just written
 * (still in L1): the residual added, then the activation ({@link Activation#applyInPlace}, one
 * loop per kind). Kernels that run it this way keep both out of their FMA loops, where an
 * activation call site that has seen several kinds grows past C2's inlining limits.
 */
final class ConvEpilogue {
    private ConvEpilogue() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /** {@code y[yo..yo+len) = act(y + res[ro..ro+len))}; no residual when {@code res} is null. */
    static void finish(float[] y, int yo, float[] res, int ro, int len, Activation act) {
        if (res != null) {
            int i = 0;
            for (; i <= len - L; i += L) {
                FloatVector.fromArray(S, y, yo + i).add(FloatVector.fromArray(S, res, ro + i)).intoArray(y, yo + i);
            }
            for (; i < len; i++) y[yo + i] += res[ro + i];
        }
        act.applyInPlace(y, yo, len);
    }
}
