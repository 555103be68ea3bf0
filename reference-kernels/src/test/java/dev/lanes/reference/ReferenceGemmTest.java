package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReferenceGemmTest {
    private final ReferenceGemm gemm = new ReferenceGemm();

    @Test
    void multipliesTwoByTwo() {
        float[] y = new float[4];
        gemm.gemm(GemmShape.of(2, 2, 2), new float[] {1, 2, 3, 4}, 0, new float[] {5, 6, 7, 8}, 0, null, 0, y, 0);
        assertArrayEquals(new float[] {19, 22, 43, 50}, y);
    }

    @Test
    void transposesScalesAndBroadcastsRowOfC() {
        // A stored 2x1 (K=2, M=1) with transA; B stored 3x2 (N=3, K=2) with transB; C is [N].
        GemmShape s = GemmShape.fromOnnx(new int[] {2, 1}, new int[] {3, 2}, new int[] {3}, true, true, 2f, 0.5f);
        float[] y = new float[3];
        double[] terms = new double[3];
        gemm.gemm(s, new float[] {1, -2}, 0, new float[] {1, 1, 2, 2, 3, -3}, 0, new float[] {10, 20, 30}, 0, y, 0, terms);
        // row of op(A) = [1, -2]; columns of op(B) = [1,1], [2,2], [3,-3]
        assertArrayEquals(new float[] {2 * -1 + 5, 2 * -2 + 10, 2 * 9 + 15}, y);
        assertArrayEquals(new double[] {2 * 3 + 5, 2 * 6 + 10, 2 * 9 + 15}, terms);
    }

    @Test
    void rejectsMismatchedInnerDimensions() {
        assertThrows(IllegalArgumentException.class,
                () -> GemmShape.fromOnnx(new int[] {2, 3}, new int[] {4, 5}, null, false, false, 1, 1));
    }
}
