package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast float approximations of exp, log, sigmoid, tanh, erf and GELU on {@link FloatVector}s of
 * {@link VectorWidth#FLOAT}, so that fused kernels (softmax, attention, GEMM epilogues) keep their
 * values in registers; plus array maps over {@code float[]} with offsets.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: on JDK 25 those call an out-of-line stub per
 * vector (measured in {@code bench}), which spills everything around it inside a fused loop.
 *
 * <p>Accuracy (measured by {@code VectorMathAccuracyTest} over a dense sample of every float, against
 * double-precision references; the bounds in simd-kernels/README.md are the ones that test enforces):
 * exp ≤ 1.5 ulp, sigmoid ≤ 2.5 ulp, tanh ≤ 5.5 ulp, erf ≤ 6 ulp, GELU ≤ 3 ulp for x ≥ 0; for x &lt; 0 the
 * erf form inherits the cancellation in {@code 1 + erf(x/√2)} (the same formula ONNX and ONNX Runtime
 * use), so its error there is bounded relative to |x|, not to the result. Special values follow the
 * functions: NaN → NaN, exp(+∞) = +∞, exp(-∞) = +0, exp underflows gracefully through the subnormals,
 * tanh/erf(±∞) = ±1, tanh/erf(±0) = ±0, and GELU(-∞) = -0, the function's limit (as the reference
 * kernels define it; a literal evaluation of ONNX's formula would give -∞·0 = NaN).
 */
public final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    // ---- exp: e^x = 2^n · e^r, n = round(x / ln 2), r = x - n·ln 2 in [-ln2/2, ln2/2] (Cody–Waite).
    /** Below this e^x is under half the smallest subnormal; clamping keeps n ≥ -150. */
    private static final float EXP_MIN = -104.0f;
    /** Above ln(Float.MAX_VALUE) ≈ 88.7228 the result overflows; clamping keeps n ≤ 128. */
    private static final float EXP_MAX = 88.8f;
    private static final float LOG2E = 0x1.715476p+0f;
    /** 1.5·2^23: adding it rounds x·log2e to an integer held in the low mantissa bits. */
    private static final float ROUND_MAGIC = 0x1.8p23f;
    private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    /**
     * ln 2 = LN2_HI + LN2_LO with LN2_HI short (16 significant bits): n·LN2_HI is exact for |n| ≤ 150
     * with or without hardware FMA ({@link Fma#madd}), so x - n·LN2_HI loses nothing.
     */
    private static final float LN2_HI = 0x1.62e400p-1f;
    private static final float LN2_LO = 0x1.7f7d1cp-20f;
    /** e^r - 1 = r·(E1 + r·(E2 + … + r·E6)): a minimax fit of relative error on [-ln2/2, ln2/2] (own Lawson fit, ~0.03 ulp). */
    private static final float E1 = 0x1.000000p+0f;
    private static final float E2 = 0x1.fffffcp-2f;
    private static final float E3 = 0x1.55541ap-3f;
    private static final float E4 = 0x1.555822p-5f;
    private static final float E5 = 0x1.126788p-7f;
    private static final float E6 = 0x1.6ae742p-10f;

    /**
     * e^x, within 1.5 ulp over the whole range, including subnormal results: the scale 2^n is applied
     * as two normal factors 2^(n/2)·2^(n - n/2), so n from -150 to 128 needs no special case.
     */
    public static FloatVector exp(FloatVector x) {
        // Clamps by compare-and-blend (NaN compares false, so it flows through to the result).
        FloatVector xc = atMost(atLeast(x, EXP_MIN), EXP_MAX);
        FloatVector t = Fma.madd(xc, FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND_MAGIC));
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector r = Fma.madd(n, FloatVector.broadcast(F, -LN2_HI), xc);
        r = Fma.madd(n, FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = step(step(step(step(step(FloatVector.broadcast(F, E6), r, E5), r, E4), r, E3), r, E2), r, E1).mul(r);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        // s1·(1 + p) is exact-then-rounded once (s1 is normal); the final ·s2 rounds once into subnormals.
        return Fma.madd(p, s1, s1).mul(s2);
    }

    /**
     * 1 / (1 + e^-x), computed as e/(1 + e) for x &lt; 0 and 1/(1 + e) for x ≥ 0 with e = e^-|x|:
     * e never overflows, so tiny results keep their relative accuracy.
     */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector num = FloatVector.broadcast(F, 1f).blend(e, x.compare(VectorOperators.LT, 0f));
        return num.div(e.add(1f));
    }

    /** 1.5·2^23 + 127: after adding it, the low mantissa bits hold n + 127, the biased exponent of 2^n. */
    private static final float EXP_NEG_MAGIC = 0x1.8000fep23f;
    /** ln(2^-126): below it e^x is subnormal, and {@link #expNegative} returns +0. */
    static final float EXP_NEG_FLUSH = -87.33654f;

    /**
     * e^x for x ≤ 0 — softmax's and attention's {@code x - max} — in about half the instructions of
     * {@link #exp}: the biased exponent comes straight from the rounding constant's low bits (one
     * shift makes 2^n), and there is no overflow side. Same polynomial, same accuracy (the bound of
     * {@link #exp}) for x ≥ ln(2^-126); below that, where e^x is subnormal, the result is +0.
     * e^-∞ = 0, e^NaN = NaN. Positive x gives garbage: callers guarantee x ≤ 0.
     */
    public static FloatVector expNegative(FloatVector x) {
        FloatVector t = Fma.madd(x, FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, EXP_NEG_MAGIC));
        FloatVector s = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector n = t.sub(EXP_NEG_MAGIC);
        FloatVector r = Fma.madd(n, FloatVector.broadcast(F, -LN2_HI), x);
        r = Fma.madd(n, FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = step(step(step(step(step(FloatVector.broadcast(F, E6), r, E5), r, E4), r, E3), r, E2), r, E1).mul(r);
        return Fma.madd(p, s, s).blend(FloatVector.zero(F), x.compare(VectorOperators.LT, EXP_NEG_FLUSH));
    }

    // ---- log: x = 2^e·m with m in [√½, √2), ln x = e·ln 2 + log1p(f), f = m - 1, log1p(f) = f + f²·L(f).
    /** Bits of √½: subtracting them puts m in [√½, √2) and e in the high bits. */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    /** L(f) = (log1p(f) - f)/f²: a degree-8 minimax fit of relative error on [√½ - 1, √2 - 1] (own Lawson fit, ~0.07 ulp). */
    private static final float L0 = -0x1.fffff8p-2f;
    private static final float L1 = 0x1.555550p-2f;
    private static final float L2 = -0x1.000426p-2f;
    private static final float L3 = 0x1.99a3f4p-3f;
    private static final float L4 = -0x1.542766p-3f;
    private static final float L5 = 0x1.227182p-3f;
    private static final float L6 = -0x1.0f3788p-3f;
    private static final float L7 = 0x1.08491cp-3f;
    private static final float L8 = -0x1.383134p-4f;

    /**
     * ln x, within the bound in simd-kernels/README.md; subnormal inputs are scaled by 2^23 first.
     * ln(±0) = -∞, ln(x &lt; 0) = NaN, ln(+∞) = +∞, ln(NaN) = NaN.
     */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.lt(Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = xs.reinterpretAsInts();
        IntVector e = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
        FloatVector f = bits.sub(e.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(1f);
        FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).sub(FloatVector.zero(F).blend(FloatVector.broadcast(F, 23f), subnormal));
        FloatVector q = step(step(step(step(step(step(step(step(FloatVector.broadcast(F, L8), f, L7), f, L6), f, L5), f, L4), f, L3), f, L2), f, L1), f, L0);
        FloatVector r = Fma.madd(f.mul(f), q, f);
        r = Fma.madd(ef, FloatVector.broadcast(F, LN2_LO), r);
        r = Fma.madd(ef, FloatVector.broadcast(F, LN2_HI), r);
        r = r.blend(FloatVector.broadcast(F, Float.POSITIVE_INFINITY), x.eq(Float.POSITIVE_INFINITY));
        r = r.blend(FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), x.eq(0f));
        return r.blend(FloatVector.broadcast(F, Float.NaN), x.lt(0f).or(x.test(VectorOperators.IS_NAN)));
    }

    // ---- tanh: x·P(x²)/Q(x²), an odd rational 9/8 fitted (own Lawson/SK iteration) on [0, TANH_SAT].
    /** The smallest float whose tanh rounds to 1f. */
    private static final float TANH_SAT = 0x1.205968p+3f;
    private static final float TP0 = 0x1.000000p+0f;
    private static final float TP1 = 0x1.1207a2p-3f;
    private static final float TP2 = 0x1.ca1204p-9f;
    private static final float TP3 = 0x1.598b84p-16f;
    private static final float TP4 = 0x1.ca3e2ap-27f;
    private static final float TQ1 = 0x1.de591ap-2f;
    private static final float TQ2 = 0x1.a7eb5ap-6f;
    private static final float TQ3 = 0x1.586374p-12f;
    private static final float TQ4 = 0x1.a11acap-21f;

    /** tanh(x), within 5.5 ulp; exactly ±1 from |x| ≥ 9.0109 on, exactly x for tiny x. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector a = atMost(ax, TANH_SAT);
        FloatVector u = a.mul(a);
        FloatVector p = step(step(step(step(FloatVector.broadcast(F, TP4), u, TP3), u, TP2), u, TP1), u, TP0);
        FloatVector q = step(step(step(step(FloatVector.broadcast(F, TQ4), u, TQ3), u, TQ2), u, TQ1), u, 1f);
        FloatVector r = a.mul(p).div(q);
        r = r.blend(FloatVector.broadcast(F, 1f), ax.compare(VectorOperators.GE, TANH_SAT).or(r.compare(VectorOperators.GT, 1f)));
        return copySign(r, x);
    }

    // ---- erf: x·P(x²)/Q(x²), an odd rational 11/10 fitted (own Lawson/SK iteration) on [0, ERF_SAT].
    /** The smallest float whose erf rounds to 1f. */
    private static final float ERF_SAT = 0x1.f5a88ap+1f;
    private static final float EP0 = 0x1.20dd74p+0f;
    private static final float EP1 = 0x1.85f45ep-3f;
    private static final float EP2 = 0x1.b01e5ap-5f;
    private static final float EP3 = 0x1.ed92a4p-9f;
    private static final float EP4 = 0x1.2ab8e6p-12f;
    private static final float EP5 = 0x1.132850p-19f;
    private static final float EQ1 = 0x1.01103cp-1f;
    private static final float EQ2 = 0x1.d36482p-4f;
    private static final float EQ3 = 0x1.ea839ep-7f;
    private static final float EQ4 = 0x1.30c12ap-10f;
    private static final float EQ5 = 0x1.3f8952p-15f;

    /** erf(x), within 6 ulp; exactly ±1 from |x| ≥ 3.9192 on. */
    public static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector a = atMost(ax, ERF_SAT);
        FloatVector u = a.mul(a);
        FloatVector p = step(step(step(step(step(FloatVector.broadcast(F, EP5), u, EP4), u, EP3), u, EP2), u, EP1), u, EP0);
        FloatVector q = step(step(step(step(step(FloatVector.broadcast(F, EQ5), u, EQ4), u, EQ3), u, EQ2), u, EQ1), u, 1f);
        FloatVector r = a.mul(p).div(q);
        r = r.blend(FloatVector.broadcast(F, 1f), ax.compare(VectorOperators.GE, ERF_SAT).or(r.compare(VectorOperators.GT, 1f)));
        return copySign(r, x);
    }

    // GELU's erf rational in terms of x itself: 0.5·erf(x/√2) = x·A(x²)/B(x²), A(u) = (√½/2)·P(u/2),
    // B(u) = Q(u/2). The powers of two are exact; only √½ rounds A's coefficients (≤ 2^-24 each).
    private static final float GA0 = 0x1.988452p-2f;
    private static final float GA1 = 0x1.13bd50p-5f;
    private static final float GA2 = 0x1.318dd0p-8f;
    private static final float GA3 = 0x1.5d023ap-13f;
    private static final float GA4 = 0x1.a67502p-18f;
    private static final float GA5 = 0x1.8521a6p-26f;
    private static final float GB1 = 0x1.01103cp-2f;
    private static final float GB2 = 0x1.d36482p-6f;
    private static final float GB3 = 0x1.ea839ep-10f;
    private static final float GB4 = 0x1.30c12ap-14f;
    private static final float GB5 = 0x1.3f8952p-20f;
    /** The smallest float x with x/√2 ≥ {@link #ERF_SAT}: from there on erf(x/√2) is ±1 in float. */
    private static final float GELU_ERF_SAT = 0x1.62b9dep+2f;

    /**
     * GELU, erf form (ONNX Gelu, approximate = "none"): 0.5·x·(1 + erf(x/√2)); GELU(-∞) = -0.
     * Evaluated as x·Φ(x) with Φ = 0.5 + 0.5·erf(x/√2), the half-erf being {@link #erf}'s rational
     * rewritten in x (no x/√2 and no 0.5·x products), set to exactly ±0.5 where erf rounds to ±1 (this
     * also replaces the NaN that ∞/∞ gives for huge arguments). x·Φ carries its own sign, so an exact
     * zero Φ gives -0 for x &lt; 0 with no sign fix-up. Per vector: 13 multiplies or multiply-adds and a
     * divide (the FMA ports are this function's limit), against 15 for {@code 0.5·x·(1 + erf(x/√2))}.
     */
    public static FloatVector geluErf(FloatVector x) {
        // -∞ becomes -MAX so that x·Φ is -MAX·0 = -0 instead of NaN; NaN stays NaN.
        FloatVector xc = atLeast(x, -Float.MAX_VALUE);
        FloatVector u = x.mul(x);
        FloatVector a = step(step(step(step(step(FloatVector.broadcast(F, GA5), u, GA4), u, GA3), u, GA2), u, GA1), u, GA0);
        FloatVector b = step(step(step(step(step(FloatVector.broadcast(F, GB5), u, GB4), u, GB3), u, GB2), u, GB1), u, 1f);
        FloatVector e = x.mul(a).div(b);
        e = e.blend(FloatVector.broadcast(F, 0.5f), x.compare(VectorOperators.GE, GELU_ERF_SAT));
        e = e.blend(FloatVector.broadcast(F, -0.5f), x.compare(VectorOperators.LE, -GELU_ERF_SAT));
        return xc.mul(e.add(0.5f));
    }

    /** 2·√(2/π) and 2·√(2/π)·0.044715: the tanh form's argument, doubled for the sigmoid identity. */
    private static final float GELU_K1 = 0x1.988454p+0f;
    private static final float GELU_K3 = 0x1.2444f2p-4f;

    /**
     * GELU, tanh form (ONNX Gelu, approximate = "tanh"): 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³),
     * evaluated as x·sigmoid(2u) — the same function, without the cancellation in 1 + tanh(u) for x &lt; 0.
     * GELU(-∞) = -0.
     */
    public static FloatVector geluTanh(FloatVector x) {
        FloatVector xc = atLeast(x, -Float.MAX_VALUE);
        FloatVector twoU = step(xc.mul(xc), FloatVector.broadcast(F, GELU_K3), GELU_K1).mul(xc);
        // sigmoid(2u) as in sigmoid(), but e^-|2u| from expNegative (half of exp's instructions): it is +0
        // only where e^-|2u| < 2^-126, which moves σ by less than 2^-126 — nothing next to 1 for x ≥ 0, and
        // under 2^-126·|x| for x < 0, where the error is judged relative to |x|.
        FloatVector e = expNegative(twoU.abs().neg());
        FloatVector num = FloatVector.broadcast(F, 1f).blend(e, twoU.compare(VectorOperators.LT, 0f));
        return xc.mul(num.div(e.add(1f)));
    }

    /**
     * max(x, lo) and min(x, hi) as one compare and one blend, keeping NaN (it compares false).
     * FloatVector.max/min follow Math.max's NaN and -0 rules, which costs x86 several instructions.
     */
    private static FloatVector atLeast(FloatVector x, float lo) {
        return x.blend(FloatVector.broadcast(F, lo), x.compare(VectorOperators.LT, lo));
    }

    private static FloatVector atMost(FloatVector x, float hi) {
        return x.blend(FloatVector.broadcast(F, hi), x.compare(VectorOperators.GT, hi));
    }

    /** One Horner step, p·u + c, fused where the hardware has FMA. */
    private static FloatVector step(FloatVector p, FloatVector u, float c) {
        return Fma.madd(p, u, FloatVector.broadcast(F, c));
    }

    /** r with the sign bit of s or'ed in (r is never negative where s is positive here). */
    private static FloatVector copySign(FloatVector r, FloatVector s) {
        IntVector sign = s.reinterpretAsInts().and(0x80000000);
        return r.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    // ---- Array maps: y[yOff + i] = f(x[xOff + i]) for i in [0, n). x and y may be the same range.
    // One explicit loop per function (no lambda in the loop); the tail is one masked step.

    public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            exp(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void log(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            log(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            log(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            sigmoid(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            sigmoid(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            tanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            tanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void erf(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            erf(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            erf(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void geluErf(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            geluErf(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            geluErf(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void geluTanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            geluTanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            geluTanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }
}
