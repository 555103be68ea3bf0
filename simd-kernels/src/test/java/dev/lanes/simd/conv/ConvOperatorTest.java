package dev.lanes.simd.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hand-picked shapes through every algorithm against the reference (the properties in
 * property-tests cover generated shapes): borders, channel tails, strides, dilation, batch.
 */
class ConvOperatorTest {

    static ConvShape conv2d(int n, int c, int m, int g, int h, int w, int k, int pad, int stride, int dil, boolean bias) {
        return new ConvShape(n, c, m, g, new int[] {h, w}, new int[] {k, k}, new int[] {pad, pad}, new int[] {pad, pad},
                new int[] {stride, stride}, new int[] {dil, dil}, bias);
    }

    @Test
    void everyAlgorithmMatchesTheReference() {
        check(conv2d(2, 19, 21, 1, 9, 11, 3, 1, 1, 1, true), ConvAlgorithm.WINOGRAD_F2X3, 16);
        check(conv2d(2, 19, 21, 1, 9, 11, 3, 1, 1, 1, true), ConvAlgorithm.WINOGRAD_F4X3, 256);
        check(conv2d(1, 3, 5, 1, 4, 3, 3, 2, 1, 1, false), ConvAlgorithm.WINOGRAD_F4X3, 256);
        check(conv2d(2, 19, 21, 1, 9, 11, 3, 1, 1, 1, true), ConvAlgorithm.IM2COL_GEMM, 4);
        check(conv2d(1, 7, 33, 1, 13, 5, 5, 3, 2, 2, true), ConvAlgorithm.IM2COL_GEMM, 4);
        check(conv2d(2, 12, 9, 3, 8, 7, 3, 1, 2, 1, true), ConvAlgorithm.IM2COL_GEMM, 4);
        check(conv2d(2, 37, 17, 1, 6, 5, 1, 0, 1, 1, true), ConvAlgorithm.POINTWISE_GEMM, 4);
        check(conv2d(1, 37, 17, 1, 6, 5, 1, 0, 2, 1, true), ConvAlgorithm.IM2COL_GEMM, 4);
        check(conv2d(2, 37, 70, 1, 6, 5, 1, 0, 1, 1, true), ConvAlgorithm.POINTWISE_DIRECT, 4);
        check(conv2d(1, 37, 17, 1, 7, 9, 1, 0, 2, 1, false), ConvAlgorithm.POINTWISE_DIRECT, 4);
        check(conv2d(2, 37, 37, 37, 9, 8, 3, 1, 1, 1, true), ConvAlgorithm.DEPTHWISE_3X3, 4);
        check(conv2d(1, 40, 40, 40, 10, 12, 3, 1, 2, 1, true), ConvAlgorithm.DEPTHWISE_3X3, 4);
        check(conv2d(1, 17, 17, 17, 10, 12, 3, 2, 1, 2, false), ConvAlgorithm.DEPTHWISE_3X3, 4);
        check(conv2d(1, 33, 33, 33, 11, 9, 5, 2, 1, 1, true), ConvAlgorithm.DEPTHWISE_5X5, 4);
        check(conv2d(2, 20, 20, 20, 12, 13, 5, 2, 2, 1, true), ConvAlgorithm.DEPTHWISE_5X5, 4);
        // a channel multiplier (3): chosen as DEPTHWISE_MULTIPLIER (input repeated, then the multiplier-1 kernels);
        // forced DEPTHWISE_GENERIC is the gather kernel
        assertEquals(ConvAlgorithm.DEPTHWISE_MULTIPLIER, ConvOperator.choose(conv2d(1, 5, 15, 5, 7, 6, 3, 1, 1, 1, true)));
        check(conv2d(1, 5, 15, 5, 7, 6, 3, 1, 1, 1, true), ConvAlgorithm.DEPTHWISE_MULTIPLIER, 4);
        check(conv2d(1, 5, 15, 5, 7, 6, 3, 1, 1, 1, true), ConvAlgorithm.DEPTHWISE_GENERIC, 4);
        check(conv2d(1, 18, 18, 18, 9, 9, 7, 3, 2, 1, true), ConvAlgorithm.DEPTHWISE_GENERIC, 4);
        check(new ConvShape(2, 6, 4, 2, new int[] {5, 4, 6}, new int[] {2, 3, 2}, new int[] {1, 0, 1}, new int[] {0, 2, 1},
                new int[] {1, 2, 1}, new int[] {2, 1, 1}, true), ConvAlgorithm.IM2COL_GEMM, 4);
        check(new ConvShape(2, 6, 4, 1, new int[] {17}, new int[] {4}, new int[] {2}, new int[] {1},
                new int[] {3}, new int[] {2}, true), ConvAlgorithm.IM2COL_GEMM, 4);
        // one input plane but a padded depth axis: the only output plane reads padding (bias only), not the plane
        check(new ConvShape(1, 3, 3, 3, new int[] {1, 4, 5}, new int[] {1, 3, 3}, new int[] {1, 1, 1}, new int[] {0, 1, 1},
                new int[] {2, 1, 1}, new int[] {1, 1, 1}, true), ConvAlgorithm.DEPTHWISE_GENERIC, 4);
        check(new ConvShape(1, 1, 1, 1, new int[] {1, 4, 5}, new int[] {1, 3, 3}, new int[] {1, 1, 1}, new int[] {0, 1, 1},
                new int[] {2, 1, 1}, new int[] {1, 1, 1}, true), ConvOperator.choose(new ConvShape(1, 1, 1, 1, new int[] {1, 4, 5},
                new int[] {1, 3, 3}, new int[] {1, 1, 1}, new int[] {0, 1, 1}, new int[] {2, 1, 1}, new int[] {1, 1, 1}, true)), 4);
    }

    @Test
    void wrongAlgorithmOrInputsAreRejectedByName() {
        ConvShape s = conv2d(1, 4, 4, 1, 5, 5, 3, 1, 2, 1, false);
        float[] w = new float[4 * 4 * 9];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvOperator.prepare(s, w, 0, null, 0, Activation.NONE, ConvAlgorithm.WINOGRAD_F2X3));
        assertEquals(true, e.getMessage().contains("Winograd"), e.getMessage());
        ConvOperator op = ConvOperator.prepare(s, w, 0, null, 0, Activation.NONE);
        e = assertThrows(IllegalArgumentException.class, () -> op.runNchw(new float[10], 0, new float[36], 0, Parallel.callerOnly()));
        assertEquals(true, e.getMessage().contains("Conv X"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvOperator.prepare(s, new float[3], 0, null, 0, Activation.NONE));
    }

    static void check(ConvShape s, ConvAlgorithm algo, double c) {
        SplittableRandom r = new SplittableRandom(s.hashCode());
        float[] x = random(r, s.batch() * s.inChannels() * s.inSpatialSize());
        float[] w = random(r, s.outChannels() * s.inChannelsPerGroup() * s.kernelSize());
        float[] b = random(r, s.outChannels());
        int outSize = s.batch() * s.outChannels() * s.outSpatialSize();
        float[] expected = new float[outSize];
        double[] terms = new double[outSize];
        new ReferenceConv().conv(s, x, 0, w, 0, b, 0, expected, 0, terms);
        ConvOperator op = ConvOperator.prepare(s, w, 0, b, 0, Activation.NONE, algo);
        assertEquals(algo, op.algorithm());
        for (int threads = 1; threads <= 3; threads++) {
            try (Parallel p = Parallel.create(threads)) {
                float[] y = new float[outSize + 2];
                y[outSize] = Float.NaN;
                op.runNchw(x, 0, y, 0, p);
                for (int i = 0; i < outSize; i++) {
                    double bound = c * Math.ulp(1f) * terms[i] + 1e-30;
                    if (!(Math.abs(y[i] - expected[i]) <= bound)) {
                        fail(algo + " " + s + " threads " + threads + ": element " + i + " is " + y[i] + ", expected " + expected[i]
                                + " (bound " + bound + ")");
                    }
                }
                if (!Float.isNaN(y[outSize]) || y[outSize + 1] != 0f) fail(algo + " wrote past its output");
            }
        }
    }

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
