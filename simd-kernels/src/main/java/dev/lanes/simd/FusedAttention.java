package dev.lanes.simd;

import dev.lanes.reference.Attention;
import dev.lanes.reference.AttentionShape;

/**
 * ONNX Attention (opset 23/24) on the fused kernels: {@link FlashAttention} (queries tiled into vector
 * lanes) for prompts, {@link AttentionDecode} (K and V streamed once per kv head) for a few query rows.
 * The same semantics as {@link dev.lanes.reference.ReferenceAttention}, which the property tests hold it to.
 *
 * <p>Thread-safe: a call keeps its state in per-thread scratch. Results do not depend on the thread count.
 */
public final class FusedAttention implements Attention {
    /**
     * Up to this many query rows per kv head (q heads of a group × positions) {@link AttentionDecode} runs:
     * it streams K and V once for all of them, while a query tile of {@link FlashAttention} would leave
     * most lanes empty (the two break even at 8 rows, measured at L = 512, d = 64).
     */
    static final int DECODE_MAX_ROWS = 8;

    private final Parallel par;

    /** The ONNX operator on the process-wide {@link Parallel#shared()} runtime. */
    public FusedAttention() {
        this(Parallel.shared());
    }

    /** The ONNX operator on {@code par}; results do not depend on its thread count. */
    public FusedAttention(Parallel par) {
        this.par = java.util.Objects.requireNonNull(par, "par");
    }

    /**
     * ONNX Attention on dense arrays in the layouts of {@link AttentionShape}: writes present_key and
     * present_value when asked (the past rows, then the new ones), qk_matmul_output when asked (which by
     * definition materialises the scores, see {@link AttentionScores}), and Y with the fused kernel —
     * {@link AttentionDecode} for a few query rows per kv head, the query-tiled kernel otherwise.
     */
    @Override
    public void attention(AttentionShape s, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                          float[] maskAdd, boolean[] maskBool, int maskOff,
                          float[] pastKey, int pastKeyOff, float[] pastValue, int pastValueOff,
                          int[] nonpadKvSeqlen, float[] y, int yOff,
                          float[] presentKey, int presentKeyOff, float[] presentValue, int presentValueOff,
                          float[] qk, int qkOff) {
        AttentionCall call = new AttentionCall(s, view(s, q, qOff, s.qHeads(), s.qSeq(), s.headSize()),
                s.hasPast() ? AttentionOperand.bhsd(pastKey, pastKeyOff, s.kvHeads(), s.pastSeq(), s.headSize()) : null,
                s.hasPast() ? AttentionOperand.bhsd(pastValue, pastValueOff, s.kvHeads(), s.pastSeq(), s.vHeadSize()) : null,
                view(s, k, kOff, s.kvHeads(), s.kvSeq(), s.headSize()), view(s, v, vOff, s.kvHeads(), s.kvSeq(), s.vHeadSize()),
                maskAdd, maskBool, maskOff, nonpadKvSeqlen, view(s, y, yOff, s.qHeads(), s.qSeq(), s.vHeadSize()));
        if (presentKey != null || presentValue != null) call.writePresent(presentKey, presentKeyOff, presentValue, presentValueOff);
        if (qk != null) AttentionScores.write(call, qk, qkOff);
        if (s.group() * s.qSeq() <= DECODE_MAX_ROWS) AttentionDecode.attend(call, par);
        else FlashAttention.attend(call, par);
    }

    private static AttentionOperand view(AttentionShape s, float[] data, int offset, int heads, int rows, int cols) {
        if (data == null) throw new IllegalArgumentException("Attention input array is null");
        return s.threeD() ? AttentionOperand.bsHd(data, offset, heads, rows, cols) : AttentionOperand.bhsd(data, offset, heads, rows, cols);
    }
}
