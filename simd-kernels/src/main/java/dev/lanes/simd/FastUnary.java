package dev.lanes.simd;

import dev.lanes.reference.Unary;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import dev.lanes.simd.conv.VectorClamp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every element-wise unary op of {@link UnaryOp} on the Vector API: one explicit loop per op (a
 * switch inside the loop would risk C2 not inlining the math and boxing every vector), a masked
 * tail step, and {@link Parallel} over contiguous chunks when the tensor is large.
 *
 * <p>Exp, Log, Sigmoid, Tanh, Erf and both GELUs come from {@link VectorMath} (their errors are in
 * simd-kernels/README.md); Relu, LeakyRelu, HardSigmoid, HardSwish, Clip, Neg, Abs, Sqrt and
 * Reciprocal are exact or correctly rounded; Elu uses VectorMath's expNegative. Special values
 * follow {@code ReferenceUnary}: HardSwish(-∞) and GELU(-∞) are -0, NaN propagates.
 */
public final class FastUnary implements Unary {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Below this many elements a map runs on the caller: a fork costs more than it saves. */
    static final int PARALLEL_MIN = 1 << 15;
    /** Chunk grain for threads: a multiple of every vector length, large enough to amortise a task. */
    static final int GRAIN = 1 << 12;

    private final Parallel parallel;

    /** Unary ops on {@link Parallel#shared()}. */
    public FastUnary() {
        this(Parallel.shared());
    }

    public FastUnary(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void apply(UnaryShape s, float[] x, int xOff, float[] y, int yOff) {
        int n = s.size();
        String op = s.op().onnxName();
        Checks.range(op, "X", x, xOff, n);
        Checks.range(op, "Y", y, yOff, n);
        if (n < PARALLEL_MIN) {
            map(s.op(), s.alpha(), s.beta(), x, xOff, y, yOff, n);
        } else {
            parallel.forRange(n, GRAIN, (from, to) -> map(s.op(), s.alpha(), s.beta(), x, xOff + from, y, yOff + from, to - from));
        }
    }

    /** {@code y[yOff + i] = op(x[xOff + i])} for i in [0, n), on the calling thread. */
    public static void map(UnaryOp op, float alpha, float beta, float[] x, int xOff, float[] y, int yOff, int n) {
        switch (op) {
            case RELU -> clip(x, xOff, y, yOff, n, 0f, Float.POSITIVE_INFINITY);
            case CLIP -> clip(x, xOff, y, yOff, n, alpha, beta);
            case LEAKY_RELU -> leakyRelu(x, xOff, y, yOff, n, alpha);
            case ELU -> elu(x, xOff, y, yOff, n, alpha);
            case SIGMOID -> VectorMath.sigmoid(x, xOff, y, yOff, n);
            case HARD_SIGMOID -> hardSigmoid(x, xOff, y, yOff, n, alpha, beta);
            case HARD_SWISH -> hardSwish(x, xOff, y, yOff, n);
            case TANH -> VectorMath.tanh(x, xOff, y, yOff, n);
            case ERF -> VectorMath.erf(x, xOff, y, yOff, n);
            case GELU -> VectorMath.geluErf(x, xOff, y, yOff, n);
            case GELU_TANH -> VectorMath.geluTanh(x, xOff, y, yOff, n);
            case EXP -> VectorMath.exp(x, xOff, y, yOff, n);
            case LOG -> VectorMath.log(x, xOff, y, yOff, n);
            case SQRT -> sqrt(x, xOff, y, yOff, n);
            case RECIPROCAL -> reciprocal(x, xOff, y, yOff, n);
            case NEG -> neg(x, xOff, y, yOff, n);
            case ABS -> abs(x, xOff, y, yOff, n);
        }
    }

    /**
     * min(max(x, lo), hi); Java's max/min propagate NaN as ONNX does. Relu is clip(0, +∞). Bounds that are neither NaN
     * nor -0.0 clamp by compare and blend ({@link VectorClamp}: the same bits, fewer instructions than max/min).
     */
    private static void clip(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        if (VectorClamp.exact(lo, hi)) {
            clipExact(x, xOff, y, yOff, n, lo, hi);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).max(lo).min(hi).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, m).max(lo).min(hi).intoArray(y, yOff + i, m);
        }
    }

    private static void clipExact(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            VectorClamp.apply(FloatVector.fromArray(F, x, xOff + i), lo, hi).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorClamp.apply(FloatVector.fromArray(F, x, xOff + i, m), lo, hi).intoArray(y, yOff + i, m);
        }
    }

    private static void leakyRelu(float[] x, int xOff, float[] y, int yOff, int n, float alpha) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.blend(v.mul(alpha), v.lt(0f)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            v.blend(v.mul(alpha), v.lt(0f)).intoArray(y, yOff + i, m);
        }
    }

    private static void elu(float[] x, int xOff, float[] y, int yOff, int n, float alpha) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.blend(eluNegative(v, alpha), v.lt(0f)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            v.blend(eluNegative(v, alpha), v.lt(0f)).intoArray(y, yOff + i, m);
        }
    }

    /** alpha·(e^x - 1) for the negative lanes; positive lanes (blended away) are fed 0 to stay in expNegative's domain. */
    private static FloatVector eluNegative(FloatVector v, float alpha) {
        FloatVector nonPositive = v.blend(FloatVector.zero(F), v.compare(VectorOperators.GT, 0f));
        return VectorMath.expNegative(nonPositive).sub(1f).mul(alpha);
    }

    private static void hardSigmoid(float[] x, int xOff, float[] y, int yOff, int n, float alpha, float beta) {
        FloatVector a = FloatVector.broadcast(F, alpha), b = FloatVector.broadcast(F, beta);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            VectorClamp.apply(Fma.madd(FloatVector.fromArray(F, x, xOff + i), a, b), 0f, 1f).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorClamp.apply(Fma.madd(FloatVector.fromArray(F, x, xOff + i, m), a, b), 0f, 1f).intoArray(y, yOff + i, m);
        }
    }

    /** x·clamp(x/6 + 1/2, 0, 1) with -∞ taken as -MAX, so that HardSwish(-∞) = -MAX·0 = -0, the limit. */
    private static void hardSwish(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector sixth = FloatVector.broadcast(F, 1f / 6f), half = FloatVector.broadcast(F, 0.5f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = VectorClamp.atLeast(FloatVector.fromArray(F, x, xOff + i), -Float.MAX_VALUE);
            v.mul(VectorClamp.apply(Fma.madd(v, sixth, half), 0f, 1f)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = VectorClamp.atLeast(FloatVector.fromArray(F, x, xOff + i, m), -Float.MAX_VALUE);
            v.mul(VectorClamp.apply(Fma.madd(v, sixth, half), 0f, 1f)).intoArray(y, yOff + i, m);
        }
    }

    private static void reciprocal(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            one.div(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            one.div(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    // Sqrt, Neg and Abs get a loop each: a Vector API operator passed as an argument is not a
    // constant when C2 compiles the loop on its own, and the loop would fall back to Java code.
    private static void sqrt(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).sqrt().intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, m).sqrt().intoArray(y, yOff + i, m);
        }
    }

    private static void neg(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).neg().intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, m).neg().intoArray(y, yOff + i, m);
        }
    }

    private static void abs(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).abs().intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, m).abs().intoArray(y, yOff + i, m);
        }
    }
}
