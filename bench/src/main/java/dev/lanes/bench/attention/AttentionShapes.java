package dev.lanes.bench.attention;

import dev.lanes.graph.DType;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.reference.AttentionShape;
import java.util.SplittableRandom;

/**
 * Issue 5's attention shapes, batch 1, 12 heads × 64 (BERT-base): {@code bert128} (S = L = 128),
 * {@code bert512} (S = L = 512), {@code decode512} and {@code decode2048} (one query against L keys).
 * FLOPs are counted as 4·S·L·d per head, the convention of the ONNX Runtime figures.
 */
final class AttentionShapes {
    private AttentionShapes() {}

    static final int HEADS = 12, HEAD_SIZE = 64;

    /** {S, L} of a named shape. */
    static int[] parse(String name) {
        return switch (name) {
            case "bert128" -> new int[] {128, 128};
            case "bert512" -> new int[] {512, 512};
            case "decode512" -> new int[] {1, 512};
            case "decode2048" -> new int[] {1, 2048};
            default -> throw new IllegalArgumentException("unknown attention shape '" + name + "'");
        };
    }

    /** Plain 4-D attention [1, 12, S, 64] × [1, 12, L, 64], no mask, scale 1/8. */
    static AttentionShape shape(String name) {
        int[] sl = parse(name);
        return AttentionShape.of(1, HEADS, HEADS, sl[0], sl[1], HEAD_SIZE, HEAD_SIZE);
    }

    static long flops(String name) {
        int[] sl = parse(name);
        return 4L * HEADS * sl[0] * sl[1] * HEAD_SIZE;
    }

    /** Uniform values in [-1, 1): softmax over scores of a realistic spread. */
    static float[] data(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    /**
     * A single-node ONNX model (opset 23) running {@code Attention} on Q [1, 12, S, 64], K and V
     * [1, 12, L, 64]; with {@code past} > 0 also past_key / past_value [1, 12, past, 64] in and
     * present_key / present_value out (the ONNX way of carrying a KV cache).
     */
    static byte[] onnxModel(int s, int l, int past) {
        OnnxModelBuilder b = new OnnxModelBuilder("attention").opset(23)
                .input("Q", DType.FLOAT32, 1, HEADS, s, HEAD_SIZE)
                .input("K", DType.FLOAT32, 1, HEADS, l, HEAD_SIZE)
                .input("V", DType.FLOAT32, 1, HEADS, l, HEAD_SIZE);
        if (past > 0) {
            b.input("past_key", DType.FLOAT32, 1, HEADS, past, HEAD_SIZE)
                    .input("past_value", DType.FLOAT32, 1, HEADS, past, HEAD_SIZE)
                    .node("Attention").inputs("Q", "K", "V", "", "past_key", "past_value")
                    .outputs("Y", "present_key", "present_value").attr("is_causal", 1L).add()
                    .output("present_key", DType.FLOAT32, 1, HEADS, past + l, HEAD_SIZE)
                    .output("present_value", DType.FLOAT32, 1, HEADS, past + l, HEAD_SIZE);
        } else {
            b.node("Attention").inputs("Q", "K", "V").outputs("Y").add();
        }
        return b.output("Y", DType.FLOAT32, 1, HEADS, s, HEAD_SIZE).toBytes();
    }
}
