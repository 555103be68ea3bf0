package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.UnaryOp;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The clamping loops of {@link Activation#applyInPlace} and {@link FastUnary#map} (ReLU, Clip, HardSigmoid, HardSwish)
 * compare and blend where their bounds allow it: they give the bits of the {@code FloatVector.max/min} they replaced, on
 * NaNs, ±0.0, ±∞, the extremes, values at and next to the bounds, for bounds of +0.0, -0.0 (which still take max/min),
 * ±∞, reversed and equal, over lengths with and without tails.
 */
class ClampBitsTest {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc0_0000), Float.intBitsToFloat(0x7f80_0001),
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_NORMAL, 6f, Math.nextUp(6f), Math.nextDown(6f), -3f, 3f, Math.nextDown(-3f), Math.nextUp(3f), 1f, -1f, 0.5f,
            -0.5f, 0.25f, -2.5f, 2.5f};

    /** Clip bounds: ReLU, ReLU6, -0.0 bounds (not exact: max/min kept), infinite, across zero, equal, reversed. */
    private static final float[][] BOUNDS = {{0f, Float.POSITIVE_INFINITY}, {0f, 6f}, {-0f, 6f}, {-1f, -0f}, {-0f, -0f},
            {Float.NEGATIVE_INFINITY, 3f}, {-3f, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY},
            {0f, 0f}, {2f, 1f}, {-0.5f, 0.25f}, {-1f, 0f}, {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}};

    @Test
    void clipLoopsKeepTheBitsOfMaxThenMin() {
        for (float[] b : BOUNDS) {
            float lo = b[0], hi = b[1];
            // Activation.clip refuses reversed bounds (ONNX's Clip op takes them: FastUnary)
            check("Clip(" + lo + ", " + hi + ")", v -> v.max(lo).min(hi), lo <= hi ? Activation.clip(lo, hi) : null,
                    (x, y, n) -> FastUnary.map(UnaryOp.CLIP, lo, hi, x, 0, y, 0, n));
        }
        check("Relu", v -> v.max(0f), Activation.RELU, (x, y, n) -> FastUnary.map(UnaryOp.RELU, 0f, 0f, x, 0, y, 0, n));
    }

    @Test
    void hardSigmoidAndHardSwishKeepTheirBits() {
        for (float[] ab : new float[][] {{0.2f, 0.5f}, {1f, 0f}, {-0.7f, 0.25f}, {1f / 6f, 0.5f}}) {
            float alpha = ab[0], beta = ab[1];
            check("HardSigmoid(" + alpha + ", " + beta + ") activation", v -> v.fma(alpha, beta).max(0f).min(1f),
                    Activation.hardSigmoid(alpha, beta), null);
            FloatVector a = FloatVector.broadcast(S, alpha), c = FloatVector.broadcast(S, beta);
            check("HardSigmoid(" + alpha + ", " + beta + ") unary", v -> Fma.madd(v, a, c).max(0f).min(1f), null,
                    (x, y, n) -> FastUnary.map(UnaryOp.HARD_SIGMOID, alpha, beta, x, 0, y, 0, n));
        }
        check("HardSwish activation", v -> v.mul(v.fma(1f / 6f, 0.5f).max(0f).min(1f)), Activation.HARD_SWISH, null);
        FloatVector sixth = FloatVector.broadcast(S, 1f / 6f), half = FloatVector.broadcast(S, 0.5f);
        check("HardSwish unary", x -> {
            FloatVector v = x.max(-Float.MAX_VALUE);
            return v.mul(Fma.madd(v, sixth, half).max(0f).min(1f));
        }, null, (x, y, n) -> FastUnary.map(UnaryOp.HARD_SWISH, 0f, 0f, x, 0, y, 0, n));
    }

    private interface VectorOp {
        FloatVector apply(FloatVector v);
    }

    private interface Loop {
        void run(float[] x, float[] y, int n);
    }

    /** Each loop against {@code old} one lane at a time, on special and random values, lengths 1 to 3L + 5. */
    private static void check(String what, VectorOp old, Activation act, Loop unary) {
        SplittableRandom r = new SplittableRandom(what.hashCode());
        for (int n = 1; n <= 3 * L + 5; n++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = r.nextInt(2) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextDouble(-8, 8);
            float[] want = new float[n];
            for (int i = 0; i < n; i++) want[i] = old.apply(FloatVector.broadcast(S, x[i])).lane(0);
            if (act != null) {
                float[] y = x.clone();
                act.applyInPlace(y, 0, n);
                for (int i = 0; i < n; i++) assertSameBits(want[i], y[i], what + " applyInPlace, n = " + n + ", x = " + x[i]);
            }
            if (unary != null) {
                float[] y = new float[n];
                unary.run(x, y, n);
                for (int i = 0; i < n; i++) assertSameBits(want[i], y[i], what + " FastUnary, n = " + n + ", x = " + x[i]);
            }
        }
    }

    /** Bits equal, NaNs as NaNs (a clamp keeps a NaN, not necessarily its payload). */
    private static void assertSameBits(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": want NaN, got " + got);
            return;
        }
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": want " + want + ", got " + got);
    }
}
