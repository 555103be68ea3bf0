package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceMatMulTest {
    private final ReferenceMatMul mm = new ReferenceMatMul();

    private float[] run(MatMulShape s, float[] a, float[] b) {
        float[] y = new float[Dims.size(s.outputShape())];
        mm.matmul(s, a, 0, b, 0, y, 0);
        return y;
    }

    @Test
    void vectorTimesVectorIsAScalar() {
        MatMulShape s = MatMulShape.fromOnnx(new int[] {3}, new int[] {3});
        assertArrayEquals(new int[0], s.outputShape());
        assertArrayEquals(new float[] {1 * 4 + 2 * 5 + 3 * 6}, run(s, new float[] {1, 2, 3}, new float[] {4, 5, 6}));
    }

    @Test
    void vectorTimesBatchOfMatricesDropsM() {
        // A (2) · B (2, 2, 2): each batch gives a row [a·B[:,0], a·B[:,1]]
        MatMulShape s = MatMulShape.fromOnnx(new int[] {2}, new int[] {2, 2, 2});
        assertArrayEquals(new int[] {2, 2}, s.outputShape());
        float[] y = run(s, new float[] {1, 10}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertArrayEquals(new float[] {31, 42, 75, 86}, y);
    }

    @Test
    void matrixTimesVectorDropsN() {
        MatMulShape s = MatMulShape.fromOnnx(new int[] {2, 3}, new int[] {3});
        assertArrayEquals(new int[] {2}, s.outputShape());
        assertArrayEquals(new float[] {6, 15}, run(s, new float[] {1, 2, 3, 4, 5, 6}, new float[] {1, 1, 1}));
    }

    @Test
    void broadcastsBatchDimensionsBothWays() {
        // A (2, 1, 1, 1) · B (1, 3, 1, 1): Y[i][j] = A[i] * B[j], shape (2, 3, 1, 1)
        MatMulShape s = MatMulShape.fromOnnx(new int[] {2, 1, 1, 1}, new int[] {1, 3, 1, 1});
        assertArrayEquals(new int[] {2, 3, 1, 1}, s.outputShape());
        assertEquals(6, s.batchCount());
        assertEquals(2L * 6, s.flops());
        assertArrayEquals(new float[] {1, 2, 3, 10, 20, 30}, run(s, new float[] {1, 10}, new float[] {1, 2, 3}));
    }

    @Test
    void reportsTermsAndWritesOnlyItsRange() {
        MatMulShape s = MatMulShape.fromOnnx(new int[] {1, 2}, new int[] {2, 1});
        float[] y = {-9, -9, -9};
        double[] terms = new double[1];
        mm.matmul(s, new float[] {0, 3, -4}, 1, new float[] {2, 5}, 0, y, 1, terms);
        assertArrayEquals(new float[] {-9, 3 * 2 - 4 * 5, -9}, y);
        assertArrayEquals(new double[] {26}, terms);
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        MatMulShape s = MatMulShape.fromOnnx(new int[] {2, 0}, new int[] {0, 2});
        assertArrayEquals(new float[4], run(s, new float[0], new float[0]));
    }

    @Test
    void rejectsBadShapesNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> MatMulShape.fromOnnx(new int[] {2, 3}, new int[] {4, 5}));
        assertTrue(e.getMessage().contains("MatMul inner dimensions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MatMulShape.fromOnnx(new int[] {2, 2, 3}, new int[] {3, 3, 1}));
        assertThrows(IllegalArgumentException.class, () -> MatMulShape.fromOnnx(new int[0], new int[] {3}));
    }
}
