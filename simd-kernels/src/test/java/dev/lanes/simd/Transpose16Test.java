package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Transpose16} equals a scalar scaled transpose bit for bit, at any offsets and strides, and writes nothing else. */
class Transpose16Test {

    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE};

    @Test
    void equalsTheScalarTransposeAtAnyOffsetAndStride() {
        assumeTrue(Transpose16.AVAILABLE, "16-lane vectors only");
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int rowStride = 16 + r.nextInt(70), dstStride = 16 + r.nextInt(70);
            int base = r.nextInt(40), dstOff = r.nextInt(40);
            float scale = trial % 5 == 0 ? 1f : (float) r.nextDouble(-3, 3);
            float[] src = new float[base + 15 * rowStride + 16 + r.nextInt(3)];
            for (int i = 0; i < src.length; i++) {
                src[i] = r.nextInt(20) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : (float) r.nextGaussian();
            }
            float[] dst = new float[dstOff + 15 * dstStride + 16 + 5];
            java.util.Arrays.fill(dst, 7f);
            float[] expected = dst.clone();
            for (int i = 0; i < 16; i++) {
                for (int p = 0; p < 16; p++) expected[dstOff + p * dstStride + i] = src[base + i * rowStride + p] * scale;
            }
            Transpose16.block(src, base, rowStride, scale, dst, dstOff, dstStride);
            for (int i = 0; i < dst.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(dst[i]),
                        "element " + i + " (trial " + trial + ", strides " + rowStride + "/" + dstStride + ")");
            }
        }
    }
}
