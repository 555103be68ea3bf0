package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x for the arguments of a max-shifted softmax, x = score − max ≤ 0 (or NaN, or −inf for a masked key):
 * the cheaper sibling of {@link VectorMath#exp} for the hot loops of attention. With no positive arguments
 * there is no overflow clamp, and results below 2^-126 (x ≤ −87.3…) are flushed to 0 instead of kept as
 * subnormals — terms that small vanish next to the row's largest term, which is 1. The 2^n scale then
 * comes straight out of the rounding trick's bits with one shift, and −inf gives exactly 0.
 * Same reduction and polynomial as {@link VectorMath#exp}: within 1.5 ulp of e^x for x ≥ −87.3, NaN stays NaN.
 * About 13 vector operations against 25.
 */
final class SoftmaxExp {
    private SoftmaxExp() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final boolean FMA = Fma.HARDWARE;
    /** Below this e^x is flushed to 0: n = round(x·log2 e) reaches −127, the exponent field 0. */
    private static final float FLUSH = -88.0f;
    private static final float LOG2E = 0x1.715476p+0f;
    /**
     * 1.5·2^23 + 127: adding it rounds x·log2 e to an integer n held in the low mantissa bits as 127 + n,
     * so shifting the sum's bits left by 23 gives the bits of 2^n (the magic's own bits shift out).
     */
    private static final float BIASED_MAGIC = 0x1.8p23f + 127f;
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI short so that n·LN2_HI is exact (see {@link VectorMath}). */
    private static final float LN2_HI = 0x1.62e400p-1f;
    private static final float LN2_LO = 0x1.7f7d1cp-20f;
    private static final float E1 = 0x1.000000p+0f, E2 = 0x1.fffffcp-2f, E3 = 0x1.55541ap-3f;
    private static final float E4 = 0x1.555822p-5f, E5 = 0x1.126788p-7f, E6 = 0x1.6ae742p-10f;

    /** e^x lane-wise for x ≤ 0 (NaN propagates; x ≤ −87.3 gives 0 or a normal within 1.5 ulp). */
    static FloatVector of(FloatVector x) {
        FloatVector xc = x.max(FLUSH); // max keeps NaN
        FloatVector t = madd(xc, FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, BIASED_MAGIC));
        FloatVector n = t.sub(BIASED_MAGIC);
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector r = madd(n, FloatVector.broadcast(F, -LN2_HI), xc);
        r = madd(n, FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = madd(FloatVector.broadcast(F, E6), r, FloatVector.broadcast(F, E5));
        p = madd(p, r, FloatVector.broadcast(F, E4));
        p = madd(p, r, FloatVector.broadcast(F, E3));
        p = madd(p, r, FloatVector.broadcast(F, E2));
        p = madd(p, r, FloatVector.broadcast(F, E1)).mul(r);
        return madd(p, scale, scale);
    }

    private static FloatVector madd(FloatVector a, FloatVector b, FloatVector c) {
        return FMA ? a.fma(b, c) : a.mul(b).add(c);
    }
}
