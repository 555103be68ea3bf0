package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceConvTest {
    private final ReferenceConv conv = new ReferenceConv();

    private float[] run(ConvShape s, float[] x, float[] w, float[] b) {
        float[] y = new float[Dims.size(s.outputShape())];
        conv.conv(s, x, 0, w, 0, b, 0, y, 0);
        return y;
    }

    @Test
    void centralDifferenceWithPadding() {
        ConvShape s = ConvShape.fromOnnx(new int[] {1, 1, 4}, new int[] {1, 1, 3}, null, null, null, new int[] {1, 1}, null, null, 1);
        // y[o] = x[o-1] - x[o+1], zeros outside
        assertArrayEquals(new float[] {-2, -2, -2, 3}, run(s, new float[] {1, 2, 3, 4}, new float[] {1, 0, -1}, null));
    }

    @Test
    void stridedDilatedWindow() {
        // eff kernel 3, out = floor((7 - 3) / 2) + 1 = 3, y[o] = x[2o] + 10·x[2o+2]
        ConvShape s = ConvShape.fromOnnx(new int[] {1, 1, 7}, new int[] {1, 1, 2}, null, "NOTSET", new int[] {2}, null,
                new int[] {2}, new int[] {2}, 1);
        assertArrayEquals(new int[] {3}, s.outSpatial());
        assertArrayEquals(new float[] {20, 42, 64}, run(s, new float[] {0, 1, 2, 3, 4, 5, 6}, new float[] {1, 10}, null));
    }

    @Test
    void depthwiseWithChannelMultiplierAndBias() {
        // C = 2, group 2, M = 4: channels 0,1 filter x0; channels 2,3 filter x1 (1-wide kernel)
        ConvShape s = ConvShape.fromOnnx(new int[] {1, 2, 2}, new int[] {4, 1, 1}, new int[] {4}, null, null, null, null, null, 2);
        assertTrue(s.isDepthwise());
        assertEquals(2, s.channelMultiplier());
        float[] y = run(s, new float[] {1, 2, 10, 20}, new float[] {1, 2, 3, 4}, new float[] {0, 0, 0, 0.5f});
        assertArrayEquals(new float[] {1, 2, 2, 4, 30, 60, 40.5f, 80.5f}, y);
    }

    @Test
    void twoDimensionalBatchWithTerms() {
        // 2×2 input, 2×2 kernel of ones, pads 0: one output, the sum; batch 2
        ConvShape s = ConvShape.fromOnnx(new int[] {2, 1, 2, 2}, new int[] {1, 1, 2, 2}, new int[] {1}, null, null, null, null, null, 1);
        float[] y = new float[2];
        double[] terms = new double[2];
        conv.conv(s, new float[] {1, -2, 3, 4, 1, 1, 1, 1}, 0, new float[] {1, 1, 1, 1}, 0, new float[] {-1}, 0, y, 0, terms);
        assertArrayEquals(new float[] {5, 3}, y);
        assertArrayEquals(new double[] {11, 5}, terms);
        assertEquals(2L * 2 * 4, s.flops());
    }

    @Test
    void autoPadSplitsOddPadding() {
        int[] x = {1, 1, 4}, w = {1, 1, 2};
        ConvShape upper = ConvShape.fromOnnx(x, w, null, "SAME_UPPER", null, null, null, null, 1);
        ConvShape lower = ConvShape.fromOnnx(x, w, null, "SAME_LOWER", null, null, null, null, 1);
        assertArrayEquals(new int[] {0}, upper.padsBegin());
        assertArrayEquals(new int[] {1}, upper.padsEnd());
        assertArrayEquals(new int[] {1}, lower.padsBegin());
        assertArrayEquals(new int[] {0}, lower.padsEnd());
        assertArrayEquals(new int[] {4}, upper.outSpatial());
        ConvShape valid = ConvShape.fromOnnx(x, w, null, "VALID", null, new int[] {5, 5}, null, null, 1);
        assertArrayEquals(new int[] {3}, valid.outSpatial());
        // stride 2: ceil(5 / 2) = 3 outputs, total pad (3-1)·2 + 3 - 5 = 2
        ConvShape strided = ConvShape.fromOnnx(new int[] {1, 1, 5}, new int[] {1, 1, 3}, null, "SAME_LOWER", null, null, new int[] {2}, null, 1);
        assertArrayEquals(new int[] {3}, strided.outSpatial());
        assertArrayEquals(new int[] {1}, strided.padsBegin());
    }

    @Test
    void padsLargerThanKernelReadZeros() {
        ConvShape s = ConvShape.fromOnnx(new int[] {1, 1, 1}, new int[] {1, 1, 1}, null, null, null, new int[] {2, 3}, null, null, 1);
        assertArrayEquals(new float[] {0, 0, 7, 0, 0, 0}, run(s, new float[] {7}, new float[] {1}, null));
    }

    @Test
    void rejectsBadAttributesNamingThem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConvShape.fromOnnx(new int[] {1, 3, 4}, new int[] {2, 1, 1}, null, null, null, null, null, null, 3));
        assertTrue(e.getMessage().contains("Conv group 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3}, null, null, null, null, null, null, 1));
        assertTrue(e.getMessage().contains("exceeds padded input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvShape.fromOnnx(new int[] {1, 1, 4}, new int[] {1, 1, 2}, null, "SAME", null, null, null, null, 1));
        assertTrue(e.getMessage().contains("auto_pad"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvShape.fromOnnx(new int[] {1, 1, 4}, new int[] {1, 1, 2}, null, null, null, new int[] {1}, null, null, 1));
        assertTrue(e.getMessage().contains("pads"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ConvShape.fromOnnx(new int[] {1, 1, 4}, new int[] {1, 1, 2}, null, null, null, null, new int[] {0}, null, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ConvShape.fromOnnx(new int[] {1, 1, 4}, new int[] {1, 1, 2}, new int[] {2}, null, null, null, null, null, 1));
    }
}
