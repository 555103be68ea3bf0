package dev.lanes.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PoolingTest {

    @Test
    void meanPoolingAveragesRealTokensAndIgnoresPadding() {
        // batch 2, length 3, dim 2; padded rows hold values that would show if they were counted
        float[] hidden = {1, 2, 3, 4, 1e6f, -1e6f,
                          5, 6, 1e6f, 1e6f, 1e6f, 1e6f};
        long[] mask = {1, 1, 0, 1, 0, 0};
        assertArrayEquals(new float[] {2, 3, 5, 6}, MeanPooling.pool(hidden, mask, 2, 3, 2));
    }

    @Test
    void anEmptyMaskGivesZeros() {
        assertArrayEquals(new float[2], MeanPooling.pool(new float[] {1, 2}, new long[] {0}, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> MeanPooling.pool(new float[3], new long[1], 1, 1, 2));
    }

    @Test
    void normalisedRowsHaveUnitLengthAndZeroRowsStayZero() {
        float[] v = {3, 4, 0, 0};
        L2Normalize.rows(v, 2, 2);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0}, v, 1e-7f);
    }

    @Test
    void cosineMatrixIsSymmetricWithUnitDiagonal() {
        float[] v = {1, 0, 1, 1, -2, 0};
        float[][] c = CosineSimilarity.matrix(v, 3, 2);
        assertEquals(1f, c[0][0], 1e-7f);
        assertEquals(1f, c[1][1], 1e-7f);
        assertEquals((float) (1 / Math.sqrt(2)), c[0][1], 1e-7f);
        assertEquals(c[0][1], c[1][0]);
        assertEquals(-1f, c[0][2], 1e-7f);
    }
}
