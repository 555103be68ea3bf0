package dev.lanes.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code v.max(lo).min(hi)} (a ReLU or Clip clamped where a kernel stores) with the same bits, cheaper. C2 lowers
 * {@code FloatVector.max/min} to the Java semantics of {@link Math#max} (NaN wins, +0.0 above -0.0) with a sequence of
 * about five instructions each on AVX-512: measured on this machine, a 16→96 1x1 convolution ran at 138 GFLOP/s with
 * ReLU6 clamped that way against 196 without.
 *
 * <p>{@link #apply}: two compare-and-blends. Same bits as max-then-min for every v when {@link #exact} holds (lo and hi
 * neither NaN nor -0.0): a NaN v compares false and stays NaN; {@code v <= lo} takes lo also for v = -0.0 against
 * lo = +0.0 (max gives +0.0); {@code v > hi} keeps v = -0.0 against hi = +0.0 (min gives -0.0); other equal values have
 * equal bits. Callers whose bounds are not exact run the activation as a pass ({@link ConvEpilogue}) instead.
 *
 * <p>{@link #rows}: a block in place. With lo = +0.0 (ReLU, ReLU6) the clamp is an integer max and min on the bits: for
 * non-negative floats integer order is float order, and every float with its sign bit set (-0.0 included) becomes
 * +0.0, as max(v, +0.0) makes it. Only NaNs differ (a NaN's bits would be clamped): they are blended back (one compare
 * instead of two). Measured on 16→96 at 12² with ReLU6 clamped in a pass: 238 µs per 112²-map against 255 with
 * {@link #apply} and 279 with max/min (196 with no activation); a scan for NaNs first, then integer max/min alone, 261.
 */
public final class VectorClamp {
    private VectorClamp() {}

    private static final VectorSpecies<Float> S = dev.lanes.simd.VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class).check(int.class);
    private static final int L = S.length();

    /** True when {@link #apply} and {@link #rows} give the bits of {@code max(lo).min(hi)} for every v. */
    public static boolean exact(float lo, float hi) {
        return !Float.isNaN(lo) && !Float.isNaN(hi) && Float.floatToRawIntBits(lo) != 0x8000_0000 && Float.floatToRawIntBits(hi) != 0x8000_0000;
    }

    /** {@code v.max(lo).min(hi)}, same bits for {@link #exact} bounds. */
    public static FloatVector apply(FloatVector v, float lo, float hi) {
        // atLeast's blend written out: one call level fewer for C2 to inline into the kernels' loops
        FloatVector a = v.blend(lo, v.compare(VectorOperators.LE, lo));
        return a.blend(hi, a.compare(VectorOperators.GT, hi));
    }

    /** {@code v.max(lo)}, same bits when lo is neither NaN nor -0.0: one compare-and-blend. */
    public static FloatVector atLeast(FloatVector v, float lo) {
        return v.blend(lo, v.compare(VectorOperators.LE, lo));
    }

    /**
     * Clamps {@code d[o + r·stride + j]} for r in [0, rows), j in [0, width) in place; width a multiple of the vector
     * length. {@link #exact} bounds.
     */
    static void rows(float[] d, int o, int stride, int rows, int width, float lo, float hi) {
        if (Float.floatToRawIntBits(lo) == 0 && hi >= 0f) {
            int h = Float.floatToRawIntBits(hi);
            for (int r = 0; r < rows; r++) {
                int ro = o + r * stride;
                for (int j = 0; j < width; j += L) {
                    FloatVector v = FloatVector.fromArray(S, d, ro + j);
                    v.reinterpretAsInts().max(0).min(h).reinterpretAsFloats().blend(v, v.test(VectorOperators.IS_NAN)).intoArray(d, ro + j);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int ro = o + r * stride;
            for (int j = 0; j < width; j += L) apply(FloatVector.fromArray(S, d, ro + j), lo, hi).intoArray(d, ro + j);
        }
    }
}
