package dev.lanes.simd.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvWeights}: the kernels' forms give the raw weights back bit for bit where they are copies,
 * a releasing holder drops its raw values once such a form exists, operators prepared afterwards (other
 * input shapes, other algorithms) from the recovered values give the same bits as from the raw ones,
 * and one form serves every input shape.
 */
class ConvWeightsTest {
    private static ConvShape shape(int n, int c, int m, int h, int w, int k, int pad, int stride, int groups) {
        return ConvOperatorTest.conv2d(n, c, m, groups, h, w, k, pad, stride, 1, true);
    }

    @Test
    void exactFormsGiveTheWeightsBackAndLetTheRawValuesGo() {
        // POINTWISE_DIRECT, BAND_GEMM, IM2COL_GEMM (grouped), POINTWISE_GEMM: copies of the weights
        check(shape(1, 37, 70, 6, 5, 1, 0, 1, 1), ConvAlgorithm.POINTWISE_DIRECT, shape(2, 37, 70, 9, 4, 1, 0, 2, 1), ConvAlgorithm.BAND_GEMM);
        check(shape(1, 13, 40, 9, 8, 3, 1, 2, 1), ConvAlgorithm.BAND_GEMM, shape(2, 13, 40, 5, 11, 3, 2, 1, 1), ConvAlgorithm.IM2COL_GEMM);
        check(shape(1, 12, 12, 8, 7, 3, 1, 2, 3), ConvAlgorithm.IM2COL_GEMM, shape(3, 12, 12, 4, 6, 3, 0, 1, 3), ConvAlgorithm.GROUPED_DIRECT);
        check(shape(2, 37, 17, 6, 5, 1, 0, 1, 1), ConvAlgorithm.POINTWISE_GEMM, shape(1, 37, 17, 3, 3, 1, 0, 1, 1), ConvAlgorithm.POINTWISE_DIRECT);
        // PointwiseConv's panels in several chunks (of several panels, a narrow last one inside the last chunk)
        check(shape(1, 300, 456, 3, 4, 1, 0, 1, 1), ConvAlgorithm.POINTWISE_DIRECT, shape(2, 300, 456, 5, 3, 1, 0, 2, 1), ConvAlgorithm.IM2COL_GEMM);
    }

    /** PointwiseConv's panels take the weights' bytes (no padding at 456 = 7·64 + 8 at any width), in chunks below CHUNK_BYTES. */
    @Test
    void pointwisePanelsAreChunked() {
        ConvShape s = shape(1, 1024, 256, 2, 2, 1, 0, 1, 1);
        float[] w = random(1024 * 256, 6), bias = random(256, 7);
        ConvWeights held = ConvWeights.releasing(w.clone(), 0, w.length);
        ConvOperator op = ConvOperator.prepare(s, held, bias, 0, Activation.NONE, ConvAlgorithm.POINTWISE_DIRECT);
        assertEquals(4L * w.length, held.bytes(), "1 MB of panels, as the weights");
        assertArrayEquals(w, held.values());
        assertSameBits(ConvOperator.prepare(s, w, 0, bias, 0, Activation.NONE, ConvAlgorithm.POINTWISE_DIRECT), op, s);
        assertTrue(PointwiseConv.CHUNK_BYTES <= 512 << 10, "below half of G1's smallest region");
    }

    @Test
    void winogradKeepsTheRawValuesAndSharesItsTransformAcrossShapes() {
        ConvShape a = shape(1, 19, 21, 9, 11, 3, 1, 1, 1), b = shape(2, 19, 21, 30, 26, 3, 1, 1, 1);
        float[] w = random(21 * 19 * 9, 1), bias = random(21, 2);
        ConvWeights held = ConvWeights.releasing(w, 0, w.length);
        ConvOperator first = ConvOperator.prepare(a, held, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F4X3);
        long bytes = held.bytes();
        ConvOperator second = ConvOperator.prepare(b, held, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F4X3);
        assertEquals(bytes, held.bytes(), "the second shape takes the same transformed weights");
        assertTrue(held.holdsRaw(), "a transform is no copy: the raw values stay");
        assertArrayEquals(w, held.values());
        assertSameBits(ConvOperator.prepare(b, w, 0, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F4X3), second, b);
        assertSameBits(ConvOperator.prepare(a, w, 0, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F4X3), first, a);
    }

    /** Values that can be computed again from outside: the raw values go even when the only form is Winograd's. */
    @Test
    void aRecoverableHolderDropsItsRawValuesBehindAnInexactForm() {
        ConvShape a = shape(1, 19, 21, 9, 11, 3, 1, 1, 1), b = shape(2, 19, 21, 30, 26, 3, 1, 1, 1);
        float[] w = random(21 * 19 * 9, 4), bias = random(21, 5);
        int[] recomputed = {0};
        ConvWeights held = ConvWeights.releasing(w.clone(), 0, w.length);
        held.recoverableBy(() -> {
            recomputed[0]++;
            return w.clone();
        });
        assertTrue(held.holdsRaw(), "nothing to recover from before a form exists: the raw values stay");
        ConvOperator f2 = ConvOperator.prepare(a, held, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F2X3);
        assertFalse(held.holdsRaw(), "an inexact form plus a way to recompute: the raw values go");
        assertEquals(0, recomputed[0], "the first form packs from the raw values");
        ConvOperator f4 = ConvOperator.prepare(b, held, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F4X3);
        assertEquals(1, recomputed[0], "the other variant packs from recomputed values");
        assertArrayEquals(w, held.values());
        assertSameBits(ConvOperator.prepare(a, w, 0, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F2X3), f2, a);
        assertSameBits(ConvOperator.prepare(b, w, 0, bias, 0, Activation.RELU, ConvAlgorithm.WINOGRAD_F4X3), f4, b);
    }

    /**
     * Prepares {@code a} with {@code algoA} over a releasing holder (which then drops the raw values),
     * then {@code b} with {@code algoB} from the recovered values: both as from the raw array.
     */
    private static void check(ConvShape a, ConvAlgorithm algoA, ConvShape b, ConvAlgorithm algoB) {
        int size = a.outChannels() * a.inChannelsPerGroup() * a.kernelSize();
        float[] w = random(size + 3, a.inChannels()), bias = random(a.outChannels(), 9);
        ConvWeights held = ConvWeights.releasing(w, 3, size);
        assertTrue(held.holdsRaw());
        ConvOperator first = ConvOperator.prepare(a, held, bias, 0, Activation.RELU, algoA);
        assertFalse(held.holdsRaw(), algoA + ": an exact form holds the weights, the raw values go");
        float[] expected = java.util.Arrays.copyOfRange(w, 3, 3 + size);
        assertArrayEquals(expected, held.values(), algoA + " gives the weights back bit for bit");
        long bytes = held.bytes();
        ConvOperator again = ConvOperator.prepare(shape(4, a.inChannels(), a.outChannels(), 5, 6, a.kernel()[0], a.kernel()[0] / 2, 1, a.groups()), held, bias, 0,
                Activation.RELU, algoA);
        assertEquals(bytes, held.bytes(), algoA + ": another input shape reuses the form");
        assertSameBits(ConvOperator.prepare(a, w, 3, bias, 0, Activation.RELU, algoA), first, a);
        if (algoB != null) {
            ConvOperator second = ConvOperator.prepare(b, held, bias, 0, Activation.RELU, algoB);
            assertSameBits(ConvOperator.prepare(b, w, 3, bias, 0, Activation.RELU, algoB), second, b);
            assertArrayEquals(expected, held.values(), algoB + " after " + algoA);
        }
        assertEquals(again.shape().batch(), 4);
    }

    private static void assertSameBits(ConvOperator expected, ConvOperator actual, ConvShape s) {
        float[] x = random(s.batch() * s.inChannels() * s.inSpatialSize(), 5);
        int out = s.batch() * s.outChannels() * s.outSpatialSize();
        float[] y1 = new float[out], y2 = new float[out];
        expected.runNchw(x, 0, y1, 0, Parallel.shared());
        actual.runNchw(x, 0, y2, 0, Parallel.shared());
        assertArrayEquals(y1, y2, actual.toString());
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }
}
