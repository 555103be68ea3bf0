package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceNormsTest {

    @Test
    void batchNormUsesEachChannelsStatistics() {
        // N=1, C=2, spatial=2; channel 0: mean 1, var 4 - eps; channel 1: mean 0, var 1 - eps, scale 2, bias 1.
        BatchNormShape s = BatchNormShape.fromOnnx(new int[] {1, 2, 2}, new int[] {2}, new int[] {2}, new int[] {2},
                new int[] {2}, 0.5f, false);
        float[] y = new float[4];
        new ReferenceBatchNorm().batchNorm(s, new float[] {3, -1, 1, -1}, 0, new float[] {1, 2}, 0, new float[] {0, 1}, 0,
                new float[] {1, 0}, 0, new float[] {3.5f, 0.5f}, 0, y, 0);
        assertArrayEquals(new float[] {1, -1, 3, -1}, y);
    }

    @Test
    void batchNormRejectsTrainingModeAndWrongParameterShapes() {
        int[] c3 = {3};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormShape.fromOnnx(new int[] {1, 3, 2}, c3, c3, c3, c3, 1e-5f, true));
        assertTrue(e.getMessage().contains("training_mode"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormShape.fromOnnx(new int[] {1, 3, 2}, c3, new int[] {2}, c3, c3, 1e-5f, false));
        assertTrue(e.getMessage().contains("B must have shape [3]"), e.getMessage());
    }

    @Test
    void layerNormNormalisesRowsAndReportsStatistics() {
        // Row [1, 2, 3, 4]: mean 2.5, variance 1.25; epsilon 0 so 1/std = 1/sqrt(1.25).
        LayerNormShape s = LayerNormShape.fromOnnx(new int[] {2, 4}, -1, 0f, new int[] {4}, new int[] {4});
        float[] y = new float[8], mean = new float[2], inv = new float[2];
        float[] x = {1, 2, 3, 4, 5, 5, 5, 5};
        new ReferenceLayerNorm().layerNorm(s, x, 0, new float[] {1, 1, 2, 2}, 0, new float[] {0, 0, 0, 10}, 0,
                y, 0, mean, 0, inv, 0);
        double r = 1 / Math.sqrt(1.25);
        assertArrayEquals(new float[] {(float) (-1.5 * r), (float) (-0.5 * r), (float) (1.0 * r), (float) (3.0 * r + 10)},
                java.util.Arrays.copyOf(y, 4), 1e-6f);
        assertArrayEquals(new float[] {2.5f, 5}, mean);
        assertEquals((float) r, inv[0]);
        // A constant row with epsilon 0: variance 0, 1/std infinite, 0·∞ = NaN — ONNX's formula gives the same.
        assertTrue(Float.isInfinite(inv[1]));
    }

    @Test
    void layerNormStatShapeAndAxisFlattening() {
        assertArrayEquals(new int[] {2, 1, 1}, LayerNormShape.statShape(new int[] {2, 3, 5}, 1));
        LayerNormShape s = LayerNormShape.fromOnnx(new int[] {2, 3, 5}, 1, 1e-5f, new int[] {3, 5}, null);
        assertEquals(new LayerNormShape(2, 15, 1e-5f, false), s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerNormShape.fromOnnx(new int[] {2, 3, 5}, 1, 1e-5f, new int[] {5}, null));
        assertTrue(e.getMessage().contains("Scale must have the normalised shape [3, 5]"), e.getMessage());
    }

    @Test
    void rmsNormDividesByTheRootMeanSquare() {
        // Row [3, 4]: mean square 12.5.
        RmsNormShape s = RmsNormShape.fromOnnx(new int[] {1, 2}, -1, 0f, new int[] {2});
        float[] y = new float[2];
        new ReferenceRmsNorm().rmsNorm(s, new float[] {3, 4}, 0, new float[] {1, 2}, 0, y, 0);
        double rms = Math.sqrt(12.5);
        assertArrayEquals(new float[] {(float) (3 / rms), (float) (8 / rms)}, y);
    }

    @Test
    void instanceNormNormalisesEachPlane() {
        // N=1, C=2, 1x2 planes: [0, 2] and [5, 5]; epsilon 1 keeps the constant plane finite.
        InstanceNormShape s = InstanceNormShape.fromOnnx(new int[] {1, 2, 1, 2}, new int[] {2}, new int[] {2}, 1f);
        float[] y = new float[4];
        new ReferenceInstanceNorm().instanceNorm(s, new float[] {0, 2, 5, 5}, 0, new float[] {1, 3}, 0,
                new float[] {0, 7}, 0, y, 0);
        float r = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] {-r, r, 7, 7}, y, 1e-7f);
    }
}
