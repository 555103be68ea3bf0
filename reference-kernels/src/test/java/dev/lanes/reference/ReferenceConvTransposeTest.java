package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReferenceConvTransposeTest {
    private final ReferenceConvTranspose ct = new ReferenceConvTranspose();

    private float[] run(ConvTransposeShape s, float[] x, float[] w, float[] b) {
        float[] y = new float[Dims.size(s.outputShape())];
        ct.convTranspose(s, x, 0, w, 0, b, 0, y, 0);
        return y;
    }

    @Test
    void stridedScatterOverlaps() {
        // x0 lands on 0..2, x1 on 2..4
        ConvTransposeShape s = ConvTransposeShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3}, null, null, null, null,
                new int[] {2}, null, null, null, 1);
        assertArrayEquals(new int[] {1, 1, 5}, s.outputShape());
        assertArrayEquals(new float[] {1, 1, 3, 2, 2}, run(s, new float[] {1, 2}, new float[] {1, 1, 1}, null));
    }

    @Test
    void outputPaddingAddsPositionsThatOnlyGetTheBias() {
        ConvTransposeShape s = ConvTransposeShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3}, new int[] {1}, null, null, null,
                new int[] {2}, null, new int[] {1}, null, 1);
        assertArrayEquals(new float[] {1.5f, 1.5f, 3.5f, 2.5f, 2.5f, 0.5f},
                run(s, new float[] {1, 2}, new float[] {1, 1, 1}, new float[] {0.5f}));
    }

    @Test
    void largerOutputShapeGivesANegativeEndPad() {
        // full size 5, output_shape 6: total padding -1 splits (floor) as begin 0, end -1
        ConvTransposeShape s = ConvTransposeShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3}, null, null, null, null,
                new int[] {2}, null, null, new int[] {6}, 1);
        assertArrayEquals(new int[] {0}, s.padsBegin());
        assertArrayEquals(new int[] {-1}, s.padsEnd());
        assertArrayEquals(new float[] {1, 1, 3, 2, 2, 0}, run(s, new float[] {1, 2}, new float[] {1, 1, 1}, null));
        // output_shape 4: total 1, NOTSET puts the odd pad first
        ConvTransposeShape crop = ConvTransposeShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3}, null, null, null, null,
                new int[] {2}, null, null, new int[] {1, 1, 4}, 1);
        assertArrayEquals(new float[] {1, 3, 2, 2}, run(crop, new float[] {1, 2}, new float[] {1, 1, 1}, null));
    }

    @Test
    void samePaddingAimsAtInputTimesStride() {
        ConvTransposeShape s = ConvTransposeShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3}, null, "SAME_UPPER", null, null,
                new int[] {2}, null, null, null, 1);
        assertArrayEquals(new int[] {4}, s.outSpatial());
        assertArrayEquals(new float[] {1, 1, 3, 2}, run(s, new float[] {1, 2}, new float[] {1, 1, 1}, null));
    }

    @Test
    void groupsKeepChannelsApartAndTermsAreReported() {
        // C = 2, group 2, W [2, 1, 1] → M = 2, y_m = w_m · x_m
        ConvTransposeShape s = ConvTransposeShape.fromOnnx(new int[] {1, 2, 1}, new int[] {2, 1, 1}, null, null, null, null,
                null, null, null, null, 2);
        assertEquals(2, s.outChannels());
        float[] y = new float[2];
        double[] terms = new double[2];
        ct.convTranspose(s, new float[] {3, -4}, 0, new float[] {2, 5}, 0, null, 0, y, 0, terms);
        assertArrayEquals(new float[] {6, -20}, y);
        assertArrayEquals(new double[] {6, 20}, terms);
    }

    @Test
    void rejectsChannelMismatchAndOverCropping() {
        assertThrows(IllegalArgumentException.class, () -> ConvTransposeShape.fromOnnx(new int[] {1, 2, 2}, new int[] {3, 1, 3},
                null, null, null, null, null, null, null, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ConvTransposeShape.fromOnnx(new int[] {1, 1, 2}, new int[] {1, 1, 3},
                null, null, null, new int[] {3, 3}, null, null, null, null, 1));
    }
}
