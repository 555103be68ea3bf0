package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceSoftmaxTest {
    private final ReferenceSoftmax softmax = new ReferenceSoftmax();

    @Test
    void normalisesARow() {
        float[] y = new float[3];
        softmax.softmax(SoftmaxShape.rows(1, 3), new float[] {0, (float) Math.log(2), (float) Math.log(5)}, 0, y, 0);
        assertArrayEquals(new float[] {1 / 8f, 2 / 8f, 5 / 8f}, y, 1e-7f);
    }

    @Test
    void largeInputsDoNotOverflow() {
        float[] y = new float[2];
        softmax.softmax(SoftmaxShape.rows(1, 2), new float[] {1000, 1000}, 0, y, 0);
        assertArrayEquals(new float[] {0.5f, 0.5f}, y);
    }

    @Test
    void logSoftmaxIsLogOfSoftmax() {
        float[] y = new float[3];
        softmax.logSoftmax(SoftmaxShape.rows(1, 3), new float[] {0, (float) Math.log(2), (float) Math.log(5)}, 0, y, 0);
        assertArrayEquals(new float[] {(float) Math.log(1 / 8.0), (float) Math.log(2 / 8.0), (float) Math.log(5 / 8.0)}, y, 1e-6f);
    }

    @Test
    void allMinusInfinityRowGivesNaNAndOtherRowsAreUntouched() {
        float ninf = Float.NEGATIVE_INFINITY;
        float[] y = new float[4];
        softmax.softmax(SoftmaxShape.rows(2, 2), new float[] {ninf, ninf, 0, ninf}, 0, y, 0);
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]));
        assertArrayEquals(new float[] {1, 0}, new float[] {y[2], y[3]});
        softmax.logSoftmax(SoftmaxShape.rows(2, 2), new float[] {ninf, ninf, 0, ninf}, 0, y, 0);
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]));
        assertArrayEquals(new float[] {0, ninf}, new float[] {y[2], y[3]});
    }

    @Test
    void nanSpreadsOverItsRowOnly() {
        float[] y = new float[4];
        softmax.softmax(SoftmaxShape.rows(2, 2), new float[] {Float.NaN, 1, 3, 3}, 0, y, 0);
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]));
        assertArrayEquals(new float[] {0.5f, 0.5f}, new float[] {y[2], y[3]});
    }

    @Test
    void normalisesAlongAnInnerAxis() {
        // x is [2, 2] and axis 0: each column is a row of the softmax.
        SoftmaxShape s = SoftmaxShape.fromOnnx(new int[] {2, 2}, 0, 13);
        assertEquals(new SoftmaxShape(1, 2, 2), s);
        float[] y = new float[4];
        softmax.softmax(s, new float[] {0, 5, (float) Math.log(3), 5}, 0, y, 0);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 0.5f}, y, 1e-7f);
    }

    @Test
    void opsetsBelow13FlattenAtTheAxis() {
        assertEquals(new SoftmaxShape(2, 12, 1), SoftmaxShape.fromOnnx(new int[] {2, 3, 4}, 1, 11));
        assertEquals(new SoftmaxShape(2, 3, 4), SoftmaxShape.fromOnnx(new int[] {2, 3, 4}, 1, 13));
        assertEquals(new SoftmaxShape(6, 4, 1), SoftmaxShape.fromOnnx(new int[] {2, 3, 4}, -1, 13));
    }

    @Test
    void termsScaleWithTheShift() {
        double[] terms = new double[2];
        float[] y = new float[2];
        softmax.softmax(SoftmaxShape.rows(1, 2), new float[] {0, -3}, 0, y, 0, terms);
        assertEquals(y[0] * 1.0, terms[0], 1e-7);
        assertEquals(y[1] * 4.0, terms[1], 1e-7);
    }

    @Test
    void rejectsAnAxisOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxShape.fromOnnx(new int[] {2, 3}, 2, 13));
        assertTrue(e.getMessage().contains("Softmax axis 2"), e.getMessage());
    }
}
