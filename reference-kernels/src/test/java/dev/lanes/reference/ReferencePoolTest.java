package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferencePoolTest {
    private final ReferencePool pool = new ReferencePool();

    private static PoolShape shape(PoolShape.Mode mode, int[] x, int[] kernel, int[] pads, int[] strides, boolean ceil, boolean countPad) {
        return PoolShape.fromOnnx(mode, x, null, kernel, pads, strides, null, ceil, countPad, 0);
    }

    private float[] run(PoolShape s, float[] x) {
        float[] y = new float[Dims.size(s.outputShape())];
        pool.pool(s, x, 0, y, 0);
        return y;
    }

    @Test
    void averageCountsPaddingOnlyWhenAsked() {
        float[] x = {1, 2, 3};
        int[] dims = {1, 1, 3};
        assertArrayEquals(new float[] {1, 1.5f, 2.5f, 3},
                run(shape(PoolShape.Mode.AVERAGE, dims, new int[] {2}, new int[] {1, 1}, null, false, false), x));
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 1.5f},
                run(shape(PoolShape.Mode.AVERAGE, dims, new int[] {2}, new int[] {1, 1}, null, false, true), x));
    }

    @Test
    void ceilModeAddsAPartialLastWindowButNotOneStartingInTheEndPad() {
        float[] x = {1, 2, 3, 4, 5};
        assertArrayEquals(new float[] {1.5f, 3.5f},
                run(shape(PoolShape.Mode.AVERAGE, new int[] {1, 1, 5}, new int[] {2}, null, new int[] {2}, false, false), x));
        assertArrayEquals(new float[] {1.5f, 3.5f, 5},
                run(shape(PoolShape.Mode.AVERAGE, new int[] {1, 1, 5}, new int[] {2}, null, new int[] {2}, true, false), x));
        // in 4, window 3, stride 2, end pad 2: ceil((4+2-3)/2)+1 = 3, but the third would start at 4, in the end pad
        PoolShape s = shape(PoolShape.Mode.MAX, new int[] {1, 1, 4}, new int[] {3}, new int[] {0, 2}, new int[] {2}, true, false);
        assertArrayEquals(new int[] {2}, s.outSpatial());
    }

    @Test
    void maxPoolIndicesCountBatchAndChannelAndFollowStorageOrder() {
        // two channels of 2×3; a 2×2 window, stride 1 → 1×2 outputs per channel
        float[] x = {1, 5, 2, 4, 3, 6, /* channel 1 */ 9, 0, 0, 0, 0, 8};
        int[] dims = {1, 2, 2, 3};
        float[] y = new float[4];
        long[] rowMajor = new long[4], colMajor = new long[4];
        pool.maxPoolWithIndices(PoolShape.fromOnnx(PoolShape.Mode.MAX, dims, null, new int[] {2, 2}, null, null, null, false, false, 0),
                x, 0, y, 0, rowMajor, 0);
        assertArrayEquals(new float[] {5, 6, 9, 8}, y);
        assertArrayEquals(new long[] {1, 5, 6 + 0, 6 + 5}, rowMajor);
        pool.maxPoolWithIndices(PoolShape.fromOnnx(PoolShape.Mode.MAX, dims, null, new int[] {2, 2}, null, null, null, false, false, 1),
                x, 0, y, 0, colMajor, 0);
        // (h, w) → h + w·H: (0,1) → 2, (1,2) → 5; channel 1 adds 6
        assertArrayEquals(new long[] {2, 5, 6 + 0, 6 + 5}, colMajor);
    }

    @Test
    void maxPoolIgnoresPaddingEvenForNegativeValuesAndPropagatesNaN() {
        PoolShape s = shape(PoolShape.Mode.MAX, new int[] {1, 1, 3}, new int[] {2}, new int[] {1, 1}, null, false, false);
        assertArrayEquals(new float[] {-1, -1, -2, -3}, run(s, new float[] {-1, -2, -3}));
        assertTrue(Float.isNaN(run(s, new float[] {1, Float.NaN, 3})[1]));
    }

    @Test
    void globalPoolsCoverTheWholePlane() {
        float[] x = {1, 2, 3, 4, -1, -2, -3, -4};
        int[] dims = {1, 2, 2, 2};
        PoolShape avg = PoolShape.global(PoolShape.Mode.AVERAGE, dims);
        assertArrayEquals(new int[] {1, 2, 1, 1}, avg.outputShape());
        assertArrayEquals(new float[] {2.5f, -2.5f}, run(avg, x));
        assertArrayEquals(new float[] {4, -1}, run(PoolShape.global(PoolShape.Mode.MAX, dims), x));
    }

    @Test
    void sameUpperPadsForCeilOfInputOverStride() {
        PoolShape s = PoolShape.fromOnnx(PoolShape.Mode.AVERAGE, new int[] {1, 1, 5}, "SAME_UPPER", new int[] {2}, null,
                new int[] {2}, null, false, false, 0);
        assertArrayEquals(new int[] {3}, s.outSpatial());
        assertArrayEquals(new int[] {0}, s.padsBegin());
        assertArrayEquals(new int[] {1}, s.padsEnd());
        assertArrayEquals(new float[] {1.5f, 3.5f, 5}, run(s, new float[] {1, 2, 3, 4, 5}));
    }

    @Test
    void rejectsPadsAsLargeAsTheWindowAndMissingKernel() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> shape(PoolShape.Mode.MAX, new int[] {1, 1, 5}, new int[] {2}, new int[] {2, 0}, null, false, false));
        assertTrue(e.getMessage().contains("MaxPool"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PoolShape.fromOnnx(PoolShape.Mode.AVERAGE, new int[] {1, 1, 5}, null, null, null, null, null, false, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> PoolShape.fromOnnx(PoolShape.Mode.MAX, new int[] {1, 1, 5}, null, new int[] {2}, null, null, null, false, false, 2));
    }
}
