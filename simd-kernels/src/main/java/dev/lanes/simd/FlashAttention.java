package dev.lanes.simd;

import dev.lanes.reference.Attention;
import dev.lanes.reference.AttentionShape;

/**
 * ONNX Attention (opset 23/24) on fused, flash-style kernels: {@link QueryTileKernel} (queries tiled into
 * vector lanes, online softmax over key tiles) for prompts, {@link AttentionDecode} (K and V streamed once
 * per kv head) for a few query rows. {@link #attend} is the prompt kernel's strided entry, for callers that
 * hold Q, K, V and Y in other layouts (the graph's fused BERT pattern, a {@link KvCache}).
 * The same semantics as {@link dev.lanes.reference.ReferenceAttention}, which the property tests hold it to.
 *
 * <p>Thread-safe: a call keeps its state in per-thread scratch. Results do not depend on the thread count.
 */
public final class FlashAttention implements Attention {
    /**
     * Up to this many query rows per kv head (q heads of a group × positions) {@link AttentionDecode} runs:
     * it streams K and V once for all of them, while a query tile of {@link QueryTileKernel} would leave
     * most lanes empty (the two break even at 8 rows, measured at L = 512, d = 64).
     */
    static final int DECODE_MAX_ROWS = 8;

    private final Parallel par;

    /** The ONNX operator on the process-wide {@link Parallel#shared()} runtime. */
    public FlashAttention() {
        this(Parallel.shared());
    }

    /** The ONNX operator on {@code par}; results do not depend on its thread count. */
    public FlashAttention(Parallel par) {
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
        else QueryTileKernel.attend(call, par);
    }

    private static AttentionOperand view(AttentionShape s, float[] data, int offset, int heads, int rows, int cols) {
        if (data == null) throw new IllegalArgumentException("Attention input array is null");
        return s.threeD() ? AttentionOperand.bsHd(data, offset, heads, rows, cols) : AttentionOperand.bhsd(data, offset, heads, rows, cols);
    }

    /**
     * Attention without a past on operands read in place through their views (Q, K and V as column slices
     * of one projection's output, for instance), with the kernel {@link #attention} would choose:
     * {@link AttentionDecode} for a few query rows per kv head, the query-tiled kernel otherwise.
     *
     * @param maskAdd additive mask (dense, dims {@code s.mask()}) or null; {@code s} must not have a boolean mask,
     *                a past or nonpad_kv_seqlen
     * @param y       output {@code [B, Hq, S, Dv]} view; exactly its elements are written
     */
    public static void attendViews(AttentionShape s, AttentionOperand q, AttentionOperand k, AttentionOperand v,
                                   float[] maskAdd, int maskOff, AttentionOperand y, Parallel par) {
        if (s.hasPast() || s.hasNonpad() || s.mask().kind() == AttentionShape.MaskKind.BOOLEAN) {
            throw new IllegalArgumentException("Attention views: a past, nonpad_kv_seqlen or a boolean mask are not taken here");
        }
        AttentionCall call = new AttentionCall(s, q, null, null, k, v, maskAdd, null, maskOff, null, y);
        if (s.group() * s.qSeq() <= DECODE_MAX_ROWS) AttentionDecode.attend(call, par);
        else QueryTileKernel.attend(call, par);
    }

    /**
     * The prefill kernel: attention for every (batch, query head, query row) of {@code s} into {@code y},
     * with each operand read in place through its view. {@code s.threeD()} and {@code s.qkMode()} are not
     * used here (the views carry the layout).
     *
     * @param q     queries {@code [B, Hq, S, D]}
     * @param pastK cached keys {@code [B, Hkv, P, D]} (null without a past), then the new {@code k} {@code [B, Hkv, L, D]}
     * @param pastV cached values {@code [B, Hkv, P, Dv]} (null without a past), then the new {@code v}
     * @param maskAdd  additive mask (dense, dims {@code s.mask()}) or null
     * @param maskBool boolean mask (dense, dims {@code s.mask()}) or null
     * @param nonpad   nonpad_kv_seqlen ({@code B} values) or null
     * @param y     output {@code [B, Hq, S, Dv]}; exactly its elements are written
     * @param par   where to run; results do not depend on its thread count
     */
    public static void attend(AttentionShape s, AttentionOperand q, AttentionOperand pastK, AttentionOperand pastV,
                              AttentionOperand k, AttentionOperand v, float[] maskAdd, boolean[] maskBool, int maskOff,
                              int[] nonpad, AttentionOperand y, Parallel par) {
        QueryTileKernel.attend(new AttentionCall(s, q, pastK, pastV, k, v, maskAdd, maskBool, maskOff, nonpad, y), par);
    }
}
