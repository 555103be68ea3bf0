package dev.lanes.simd.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvTransposeOperator;
import dev.lanes.simd.ConvTransposeOperator.Algorithm;
import dev.lanes.simd.Parallel;
import org.junit.jupiter.api.Test;

/**
 * ConvTranspose weights in a {@link ConvWeights} holder: both algorithms' forms are copies that give the weights
 * back bit for bit, so a releasing holder drops its raw values; another input size (and the other algorithm, from
 * the recovered values) shares the holder and gives the bits an operator prepared from the raw array gives.
 */
class ConvTransposeWeightsTest {
    /** X [n, c, h, w] → [n, m, …] with W [c, m/groups, k, k]. */
    private static ConvTransposeShape shape(int n, int c, int m, int groups, int h, int w, int k, int stride, int pad, int outPad) {
        return ConvTransposeShape.fromOnnx(new int[] {n, c, h, w}, new int[] {c, m / groups, k, k}, new int[] {m}, "NOTSET", null,
                new int[] {pad, pad, pad, pad}, new int[] {stride, stride}, null, new int[] {outPad, outPad}, null, groups);
    }

    @Test
    void disjointTilesGiveTheWeightsBackAndServeEveryInputSize() {
        // the 2x2 stride-2 upsampling of a detection head, grouped, channels that leave padding columns
        check(shape(1, 12, 9, 3, 5, 7, 2, 2, 0, 0), shape(2, 12, 9, 3, 11, 4, 2, 2, 0, 1), Algorithm.DISJOINT_DIRECT, Algorithm.GEMM_COL2IM);
        check(shape(1, 7, 5, 1, 6, 6, 2, 3, 0, 0), shape(1, 7, 5, 1, 3, 9, 2, 3, 1, 0), Algorithm.DISJOINT_DIRECT, Algorithm.DISJOINT_DIRECT);
    }

    @Test
    void gemmPanelsGiveTheWeightsBackAndServeEveryInputSize() {
        check(shape(1, 8, 6, 2, 5, 6, 3, 2, 1, 1), shape(2, 8, 6, 2, 9, 4, 3, 2, 1, 0), Algorithm.GEMM_COL2IM, Algorithm.GEMM_COL2IM);
        check(shape(1, 13, 4, 1, 7, 5, 4, 2, 1, 0), shape(1, 13, 4, 1, 3, 3, 4, 2, 1, 0), Algorithm.GEMM_COL2IM, null);
    }

    private static void check(ConvTransposeShape a, ConvTransposeShape b, Algorithm algoA, Algorithm algoB) {
        int size = a.inChannels() * a.outChannelsPerGroup() * a.kernelSize();
        float[] w = ConvWeightsTest.random(size + 5, a.inChannels()), bias = ConvWeightsTest.random(a.outChannels(), 3);
        float[] expected = java.util.Arrays.copyOfRange(w, 5, 5 + size);
        ConvWeights held = ConvWeights.releasing(w, 5, size);
        ConvTransposeOperator first = ConvTransposeOperator.prepare(a, held, bias, 0, Activation.RELU, algoA);
        assertFalse(held.holdsRaw(), algoA + ": the form is a copy, the raw values go");
        assertArrayEquals(expected, held.values(), algoA + " gives the weights back bit for bit");
        long bytes = held.bytes();
        ConvTransposeOperator other = ConvTransposeOperator.prepare(b, held, bias, 0, Activation.RELU, algoA);
        assertEquals(bytes, held.bytes(), algoA + ": another input size takes the same form");
        assertSameBits(ConvTransposeOperator.prepare(a, w, 5, bias, 0, Activation.RELU, algoA), first, a);
        assertSameBits(ConvTransposeOperator.prepare(b, w, 5, bias, 0, Activation.RELU, algoA), other, b);
        if (algoB != null) {
            ConvTransposeOperator second = ConvTransposeOperator.prepare(b, held, bias, 0, Activation.NONE, algoB);
            assertSameBits(ConvTransposeOperator.prepare(b, w, 5, bias, 0, Activation.NONE, algoB), second, b);
            assertArrayEquals(expected, held.values(), algoB + " after " + algoA);
            assertTrue(algoB == algoA || held.bytes() > bytes, "a second algorithm adds its own form");
        }
    }

    private static void assertSameBits(ConvTransposeOperator expected, ConvTransposeOperator actual, ConvTransposeShape s) {
        float[] x = ConvWeightsTest.random(s.batch() * s.inChannels() * s.inSpatialSize(), 7);
        int out = s.batch() * s.outChannels() * s.outSpatialSize();
        float[] y1 = new float[out], y2 = new float[out];
        expected.runNchw(x, 0, y1, 0, Parallel.shared());
        actual.runNchw(x, 0, y2, 0, Parallel.shared());
        assertArrayEquals(y1, y2, actual.toString());
    }
}
