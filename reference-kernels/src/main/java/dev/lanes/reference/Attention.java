package dev.lanes.reference;

/**
 * ONNX Attention (opset 23/24) over dense arrays; {@link AttentionShape} gives the layouts and the
 * semantics.
 */
public interface Attention {

    /**
     * Computes Y, and the optional outputs whose arrays are not null. Inputs the shape does not have
     * are ignored and may be null: the mask ({@code maskAdd} for an additive mask, {@code maskBool}
     * for a boolean one, both read from {@code maskOff}), past key/value, nonpad_kv_seqlen
     * ({@code B} values from index 0). Writes exactly the elements of each requested output:
     * Y, present_key and present_value (past rows then new ones), qk_matmul_output per
     * {@code s.qkMode()}. Throws {@link IllegalArgumentException} for a nonpad value outside [0, T].
     */
    void attention(AttentionShape s,
                   float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                   float[] maskAdd, boolean[] maskBool, int maskOff,
                   float[] pastKey, int pastKeyOff, float[] pastValue, int pastValueOff,
                   int[] nonpadKvSeqlen,
                   float[] y, int yOff,
                   float[] presentKey, int presentKeyOff, float[] presentValue, int presentValueOff,
                   float[] qk, int qkOff);

    /** Y only, with an optional mask (per {@code s.mask()}) and no cache. */
    default void attention(AttentionShape s, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                           float[] maskAdd, boolean[] maskBool, int maskOff, float[] y, int yOff) {
        attention(s, q, qOff, k, kOff, v, vOff, maskAdd, maskBool, maskOff, null, 0, null, 0, null, y, yOff,
                null, 0, null, 0, null, 0);
    }

    /** Y only, without a mask or a cache. */
    default void attention(AttentionShape s, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                           float[] y, int yOff) {
        attention(s, q, qOff, k, kOff, v, vOff, null, null, 0, y, yOff);
    }
}
