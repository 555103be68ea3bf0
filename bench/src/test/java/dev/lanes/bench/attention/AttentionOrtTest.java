package dev.lanes.bench.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.reference.AttentionShape;
import dev.lanes.simd.AttentionDecode;
import dev.lanes.simd.AttentionOperand;
import dev.lanes.simd.FlashAttention;
import dev.lanes.simd.KvCache;
import dev.lanes.simd.Parallel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's two sides compute the same thing: ONNX Runtime on the single-node Attention models
 * of {@link AttentionShapes} agrees with Lanes (operator and KV-cache path) on small versions of them.
 */
class AttentionOrtTest {
    private static final int H = AttentionShapes.HEADS, D = AttentionShapes.HEAD_SIZE;

    @Test
    void operatorAgreesWithOnnxRuntime() {
        for (int[] sl : new int[][] {{40, 40}, {1, 70}, {3, 9}}) {
            int s = sl[0], l = sl[1];
            float[] q = AttentionShapes.data(1, H * s * D), k = AttentionShapes.data(2, H * l * D), v = AttentionShapes.data(3, H * l * D);
            float[] y = new float[H * s * D];
            new FlashAttention(Parallel.callerOnly()).attention(AttentionShape.of(1, H, H, s, l, D, D), q, 0, k, 0, v, 0, y, 0);
            try (OrtPeer ort = OrtPeer.open(AttentionShapes.onnxModel(s, l, 0), 1); OrtPeer.Inputs in = ort.inputs()) {
                in.float32("Q", new long[] {1, H, s, D}, q).float32("K", new long[] {1, H, l, D}, k).float32("V", new long[] {1, H, l, D}, v);
                assertClose(ort.run(in).get("Y").floats(), y, "S=" + s + " L=" + l);
            }
        }
    }

    @Test
    void kvCacheStepAgreesWithOnnxRuntimePastPresent() {
        int past = 37;
        float[] q = AttentionShapes.data(1, H * D), k = AttentionShapes.data(2, H * D), v = AttentionShapes.data(3, H * D);
        float[] pk = AttentionShapes.data(4, H * past * D), pv = AttentionShapes.data(5, H * past * D), y = new float[H * D];
        KvCache cache = new KvCache(1, H, D, D, past + 1);
        cache.append(AttentionOperand.bhsd(pk, 0, H, past, D), AttentionOperand.bhsd(pv, 0, H, past, D), past);
        cache.append(AttentionOperand.bhsd(k, 0, H, 1, D), AttentionOperand.bhsd(v, 0, H, 1, D), 1);
        AttentionDecode.attend(cache, AttentionOperand.bhsd(q, 0, H, 1, D), H, 1, AttentionShape.defaultScale(D), 0f, true,
                AttentionOperand.bhsd(y, 0, H, 1, D), Parallel.callerOnly());
        try (OrtPeer ort = OrtPeer.open(AttentionShapes.onnxModel(1, 1, past), 1); OrtPeer.Inputs in = ort.inputs()) {
            in.float32("Q", new long[] {1, H, 1, D}, q).float32("K", new long[] {1, H, 1, D}, k).float32("V", new long[] {1, H, 1, D}, v)
                    .float32("past_key", new long[] {1, H, past, D}, pk).float32("past_value", new long[] {1, H, past, D}, pv);
            Map<String, OrtPeer.Output> out = ort.run(in);
            assertClose(out.get("Y").floats(), y, "decode P=" + past);
            assertEquals(H * (past + 1) * D, out.get("present_key").floats().length);
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= 1e-5, what + ": max |Lanes − ONNX Runtime| = " + worst);
    }
}
