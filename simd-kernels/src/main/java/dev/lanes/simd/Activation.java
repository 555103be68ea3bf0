package dev.lanes.simd;

import dev.lanes.simd.conv.VectorClamp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * An element-wise activation fused into the epilogue of a GEMM or convolution: the vocabulary the
 * graph's fusions (Conv/Gemm/MatMul + activation) map onto.
 *
 * <p>One final class with a kind and two parameters rather than an interface with implementations,
 * so that {@link #apply(FloatVector)} is a monomorphic call that C2 inlines into a kernel's loop —
 * a megamorphic interface call there would box every vector. Kernels call it on their own species'
 * vectors; {@link #apply(float)} is the same function on one value (tails, reference checks).
 *
 * <p>Relu, Clip, LeakyRelu, HardSigmoid and HardSwish are exact (min/max/multiply-add); the
 * transcendental kinds (sigmoid, swish, GELU, tanh) use {@link VectorMath} and its accuracy
 * (a few ulp, see simd-kernels/README.md). Vector and scalar forms give the same bits.
 */
public final class Activation {

    /** What the activation computes. */
    public enum Kind {
        /** x */
        NONE,
        /** max(x, 0) */
        RELU,
        /** min(max(x, lo), hi); Relu6 is Clip(0, 6) */
        CLIP,
        /** x ≥ 0 ? x : alpha·x */
        LEAKY_RELU,
        /** max(0, min(1, alpha·x + beta)) */
        HARD_SIGMOID,
        /** x · max(0, min(1, x/6 + 1/2)) */
        HARD_SWISH,
        /** 1 / (1 + e^-x) */
        SIGMOID,
        /** x · sigmoid(x), also called SiLU */
        SWISH,
        /** x/2 · (1 + erf(x/√2)) (ONNX Gelu, approximate = "none") */
        GELU_ERF,
        /** x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³))) (ONNX Gelu, approximate = "tanh") */
        GELU_TANH,
        /** tanh(x) */
        TANH
    }

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;

    public static final Activation NONE = new Activation(Kind.NONE, 0f, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f, 0f);
    public static final Activation RELU6 = new Activation(Kind.CLIP, 0f, 6f);
    public static final Activation HARD_SWISH = new Activation(Kind.HARD_SWISH, 1f / 6f, 0.5f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f, 0f);
    public static final Activation SWISH = new Activation(Kind.SWISH, 0f, 0f);
    public static final Activation GELU_ERF = new Activation(Kind.GELU_ERF, 0f, 0f);
    public static final Activation GELU_TANH = new Activation(Kind.GELU_TANH, 0f, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f, 0f);

    private final Kind kind;
    private final float p1, p2;

    private Activation(Kind kind, float p1, float p2) {
        this.kind = kind;
        this.p1 = p1;
        this.p2 = p2;
    }

    /** ONNX Clip: {@code min(max(x, min), max)}; either bound may be infinite. */
    public static Activation clip(float min, float max) {
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException("Clip needs min ≤ max, got min=" + min + " max=" + max);
        }
        return new Activation(Kind.CLIP, min, max);
    }

    /** ONNX LeakyRelu (default alpha 0.01). */
    public static Activation leakyRelu(float alpha) {
        if (!Float.isFinite(alpha)) throw new IllegalArgumentException("LeakyRelu alpha must be finite, got " + alpha);
        return new Activation(Kind.LEAKY_RELU, alpha, 0f);
    }

    /** ONNX HardSigmoid (defaults alpha 0.2, beta 0.5). */
    public static Activation hardSigmoid(float alpha, float beta) {
        if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("HardSigmoid alpha and beta must be finite, got alpha=" + alpha + " beta=" + beta);
        }
        return new Activation(Kind.HARD_SIGMOID, alpha, beta);
    }

    public Kind kind() {
        return kind;
    }

    /** First parameter: Clip's min, LeakyRelu's and HardSigmoid's alpha (0 otherwise). */
    public float p1() {
        return p1;
    }

    /** Second parameter: Clip's max, HardSigmoid's beta (0 otherwise). */
    public float p2() {
        return p2;
    }

    public boolean isIdentity() {
        return kind == Kind.NONE;
    }

    /** The activation on one vector of {@link VectorWidth#FLOAT}'s species (what every kernel uses); inlines into a kernel loop. */
    public FloatVector apply(FloatVector x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> x.max(0f);
            case CLIP -> x.max(p1).min(p2);
            case LEAKY_RELU -> leaky(x, p1);
            case HARD_SIGMOID -> x.fma(p1, p2).max(0f).min(1f);
            case HARD_SWISH -> x.mul(x.fma(p1, p2).max(0f).min(1f));
            case SIGMOID -> VectorMath.sigmoid(x);
            case SWISH -> x.mul(VectorMath.sigmoid(x));
            case GELU_ERF -> VectorMath.geluErf(x);
            case GELU_TANH -> VectorMath.geluTanh(x);
            case TANH -> VectorMath.tanh(x);
        };
    }

    private static FloatVector leaky(FloatVector x, float alpha) {
        return x.blend(x.mul(alpha), x.lt(0f));
    }

    /** The activation on one value: the same function, for tails and checks. */
    public float apply(float x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case CLIP -> Math.min(Math.max(x, p1), p2);
            case LEAKY_RELU -> x < 0f ? x * p1 : x;
            case HARD_SIGMOID -> Math.min(Math.max(Math.fma(x, p1, p2), 0f), 1f);
            case HARD_SWISH -> x * Math.min(Math.max(Math.fma(x, p1, p2), 0f), 1f);
            // One lane of the vector form: a tail element gets the same bits as in a full vector.
            case SIGMOID, SWISH, GELU_ERF, GELU_TANH, TANH -> apply(FloatVector.broadcast(S, x)).lane(0);
        };
    }

    /**
     * Applies the activation in place to {@code x[off .. off+len)}: one vector loop per kind, the
     * kind chosen once outside it. Kernels call this on a block they have just written (in L1) rather
     * than {@link #apply(FloatVector)} inside their FMA loops: a call site there that has seen several
     * kinds inlines all of them, and past C2's node limits the kernel's own vectors get boxed
     * (measured: a depthwise 3x3 3-4x slower once its epilogue had seen four kinds). Tails go
     * through {@link #apply(float)}, which gives the same bits.
     */
    public void applyInPlace(float[] x, int off, int len) {
        int done = switch (kind) {
            case NONE -> len;
            case RELU -> clipLoop(x, off, len, 0f, Float.POSITIVE_INFINITY);
            case CLIP -> clipLoop(x, off, len, p1, p2);
            case LEAKY_RELU -> leakyLoop(x, off, len, p1);
            case HARD_SIGMOID -> hardSigmoidLoop(x, off, len, p1, p2);
            case HARD_SWISH -> hardSwishLoop(x, off, len, p1, p2);
            case SIGMOID -> sigmoidLoop(x, off, len);
            case SWISH -> swishLoop(x, off, len);
            case GELU_ERF -> geluErfLoop(x, off, len);
            case GELU_TANH -> geluTanhLoop(x, off, len);
            case TANH -> tanhLoop(x, off, len);
        };
        for (int i = done; i < len; i++) x[off + i] = apply(x[off + i]);
    }

    // One small loop per kind (each returns how many elements it did in whole vectors).

    // The clamps below compare and blend (VectorClamp) instead of FloatVector.max/min, which C2 lowers to about five
    // instructions each for Java's NaN and signed-zero rules: the same bits for bounds that are neither NaN nor -0.0.

    private static int clipLoop(float[] x, int off, int len, float lo, float hi) {
        int L = S.length(), i = 0;
        if (VectorClamp.exact(lo, hi)) {
            for (; i <= len - L; i += L) VectorClamp.apply(FloatVector.fromArray(S, x, off + i), lo, hi).intoArray(x, off + i);
            return i;
        }
        for (; i <= len - L; i += L) FloatVector.fromArray(S, x, off + i).max(lo).min(hi).intoArray(x, off + i);
        return i;
    }

    private static int leakyLoop(float[] x, int off, int len, float alpha) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) leaky(FloatVector.fromArray(S, x, off + i), alpha).intoArray(x, off + i);
        return i;
    }

    private static int hardSigmoidLoop(float[] x, int off, int len, float alpha, float beta) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) VectorClamp.apply(FloatVector.fromArray(S, x, off + i).fma(alpha, beta), 0f, 1f).intoArray(x, off + i);
        return i;
    }

    private static int hardSwishLoop(float[] x, int off, int len, float alpha, float beta) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.mul(VectorClamp.apply(v.fma(alpha, beta), 0f, 1f)).intoArray(x, off + i);
        }
        return i;
    }

    private static int sigmoidLoop(float[] x, int off, int len) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) VectorMath.sigmoid(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        return i;
    }

    private static int swishLoop(float[] x, int off, int len) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.mul(VectorMath.sigmoid(v)).intoArray(x, off + i);
        }
        return i;
    }

    private static int geluErfLoop(float[] x, int off, int len) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) VectorMath.geluErf(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        return i;
    }

    private static int geluTanhLoop(float[] x, int off, int len) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) VectorMath.geluTanh(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        return i;
    }

    private static int tanhLoop(float[] x, int off, int len) {
        int L = S.length(), i = 0;
        for (; i <= len - L; i += L) VectorMath.tanh(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        return i;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CLIP -> "Clip(" + p1 + ", " + p2 + ")";
            case LEAKY_RELU -> "LeakyRelu(" + p1 + ")";
            case HARD_SIGMOID -> "HardSigmoid(" + p1 + ", " + p2 + ")";
            default -> kind.name();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a && a.kind == kind
                && Float.floatToIntBits(a.p1) == Float.floatToIntBits(p1) && Float.floatToIntBits(a.p2) == Float.floatToIntBits(p2);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Float.floatToIntBits(p1) * 17 + Float.floatToIntBits(p2);
    }
}
