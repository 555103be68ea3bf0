package dev.lanes.reference;

/**
 * ONNX Attention (opset 23, and opset 24's {@code nonpad_kv_seqlen}): scaled dot-product attention
 * with grouped-query heads, masks, causal masking, softcap and a key/value cache.
 *
 * <p>Layouts (dense, row-major). With {@code threeD} Q is {@code [B, S, Hq·D]}, K {@code [B, L, Hkv·D]},
 * V {@code [B, L, Hkv·Dv]} and Y {@code [B, S, Hq·Dv]}; otherwise Q is {@code [B, Hq, S, D]}, K
 * {@code [B, Hkv, L, D]}, V {@code [B, Hkv, L, Dv]} and Y {@code [B, Hq, S, Dv]}. past_key/past_value
 * are always {@code [B, Hkv, P, D|Dv]}, present_key/present_value {@code [B, Hkv, T, D|Dv]} with
 * {@code T = P + L} (past first), and qk_matmul_output {@code [B, Hq, S, T]}. The index helpers
 * ({@link #qIndex} …) say where an element lives.
 *
 * <p>Semantics, per query row (b, h, i) and key t ∈ [0, T):
 * <ul>
 * <li>q head h reads kv head {@code h / (Hq/Hkv)} (ONNX repeats each kv head for consecutive q heads);
 * <li>{@code score = scale · q·k_t} (scale defaults to 1/√D), then {@code softcap·tanh(score/softcap)}
 *     when softcap &gt; 0, then the mask added;
 * <li>key t is <em>masked</em> — never read, probability 0 — when a boolean mask is false there, an
 *     additive mask is −∞ there, t lies beyond the mask's last dimension (ONNX pads it with −∞),
 *     t ≥ nonpad_kv_seqlen[b], or, with is_causal, {@code t > i + offset} where offset is P with a
 *     past, else {@code nonpad_kv_seqlen[b] − S} with nonpad, else 0 (bottom-right alignment);
 * <li>a row with every key masked (or every score −∞) gives probabilities 0 and Y = 0, as ONNX's
 *     reference does (not NaN).
 * </ul>
 *
 * <p>qk_matmul_output modes, as ONNX's conformance data define them: 0 the scaled product
 * {@code scale·Q·Kᵀ}; 1 after softcap; 2 after softcap and the mask (−∞ at masked keys); 3 the
 * softmax probabilities.
 *
 * @param batch     B (≥ 0)
 * @param qHeads    Hq (≥ 1)
 * @param kvHeads   Hkv (≥ 1, divides Hq)
 * @param qSeq      S, query rows per head (≥ 0)
 * @param kvSeq     L, new keys per kv head (≥ 0)
 * @param pastSeq   P, cached keys per kv head (≥ 0; 0 without a past)
 * @param headSize  D, of queries and keys (≥ 1)
 * @param vHeadSize Dv, of values and of the output (≥ 1)
 * @param threeD    whether Q, K, V and Y use the 3-D layout
 * @param scale     the factor on Q·Kᵀ (finite)
 * @param softcap   0 for none, else &gt; 0
 * @param causal    is_causal
 * @param mask      the attention mask's kind and broadcast dims
 * @param hasPast   whether past_key and past_value are given
 * @param hasNonpad whether nonpad_kv_seqlen is given (B values)
 * @param qkMode    qk_matmul_output_mode, 0..3
 */
public record AttentionShape(int batch, int qHeads, int kvHeads, int qSeq, int kvSeq, int pastSeq, int headSize,
                             int vHeadSize, boolean threeD, float scale, float softcap, boolean causal, Mask mask,
                             boolean hasPast, boolean hasNonpad, int qkMode) {

    /** What an attention mask holds. */
    public enum MaskKind {
        NONE,
        /** {@code boolean[]}: true = the key takes part. */
        BOOLEAN,
        /** {@code float[]}: added to the score; −∞ masks the key out. */
        ADDITIVE
    }

    /**
     * The attention mask, seen as a dense {@code [batch, heads, rows, cols]} tensor broadcast to
     * {@code [B, Hq, S, T]}: batch ∈ {1, B}, heads ∈ {1, Hq}, rows ∈ {1, S}; {@code cols ≤ T}, and keys
     * {@code t ≥ cols} are masked (ONNX pads a short last dimension with −∞ / false).
     */
    public record Mask(MaskKind kind, int batch, int heads, int rows, int cols) {
        public static final Mask NONE = new Mask(MaskKind.NONE, 0, 0, 0, 0);

        public Mask {
            if (kind == null) throw new IllegalArgumentException("Attention mask kind is null");
            if (kind != MaskKind.NONE && (batch < 1 || heads < 1 || rows < 1 || cols < 0)) {
                throw new IllegalArgumentException("Attention attn_mask dims must be ≥ 1, got [" + batch + ", " + heads
                        + ", " + rows + ", " + cols + "]");
            }
        }

        public boolean present() {
            return kind != MaskKind.NONE;
        }

        /** Elements of the mask tensor. */
        public int size() {
            return present() ? Dims.size(batch, heads, rows, cols) : 0;
        }

        /** Index of the mask element for query row (b, h, i) and key t (requires {@code t < cols}). */
        public int index(int b, int h, int i, int t) {
            return ((((batch == 1 ? 0 : b) * heads + (heads == 1 ? 0 : h)) * rows + (rows == 1 ? 0 : i)) * cols) + t;
        }
    }

    public AttentionShape {
        if (batch < 0 || qSeq < 0 || kvSeq < 0 || pastSeq < 0) {
            throw new IllegalArgumentException("Attention sizes must be ≥ 0, got batch=" + batch + " q_sequence_length=" + qSeq
                    + " kv_sequence_length=" + kvSeq + " past_sequence_length=" + pastSeq);
        }
        if (qHeads < 1 || kvHeads < 1) {
            throw new IllegalArgumentException("Attention q_num_heads and kv_num_heads must be ≥ 1, got " + qHeads + " and " + kvHeads);
        }
        if (qHeads % kvHeads != 0) {
            throw new IllegalArgumentException("Attention kv_num_heads " + kvHeads + " does not divide q_num_heads " + qHeads);
        }
        if (headSize < 1 || vHeadSize < 1) {
            throw new IllegalArgumentException("Attention head sizes must be ≥ 1, got head_size=" + headSize + " v_head_size=" + vHeadSize);
        }
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("Attention scale must be finite, got " + scale);
        if (!(softcap >= 0) || Float.isInfinite(softcap)) {
            throw new IllegalArgumentException("Attention softcap must be 0 (none) or a positive finite value, got " + softcap);
        }
        if (qkMode < 0 || qkMode > 3) {
            throw new IllegalArgumentException("Attention qk_matmul_output_mode must be 0..3, got " + qkMode);
        }
        if (mask == null) mask = Mask.NONE;
        if (!hasPast && pastSeq != 0) throw new IllegalArgumentException("Attention past_sequence_length " + pastSeq + " without a past");
        int total = pastSeq + kvSeq;
        if (mask.present()) {
            if ((mask.batch() != 1 && mask.batch() != batch) || (mask.heads() != 1 && mask.heads() != qHeads)
                    || (mask.rows() != 1 && mask.rows() != qSeq) || mask.cols() > total) {
                throw new IllegalArgumentException("Attention attn_mask [" + mask.batch() + ", " + mask.heads() + ", " + mask.rows()
                        + ", " + mask.cols() + "] does not broadcast to [batch, q_num_heads, q_sequence_length, total_sequence_length] = ["
                        + batch + ", " + qHeads + ", " + qSeq + ", " + total + "]");
            }
        }
        Dims.size(batch, qHeads, qSeq, Math.max(headSize, Math.max(vHeadSize, total)));
        Dims.size(batch, kvHeads, total, Math.max(headSize, vHeadSize));
    }

    /** Plain 4-D self/cross attention without mask, cache or extra output; scale 1/√D. */
    public static AttentionShape of(int batch, int qHeads, int kvHeads, int qSeq, int kvSeq, int headSize, int vHeadSize) {
        return new AttentionShape(batch, qHeads, kvHeads, qSeq, kvSeq, 0, headSize, vHeadSize, false,
                defaultScale(headSize), 0f, false, Mask.NONE, false, false, 0);
    }

    /** ONNX's default scale 1/√D, rounded to float. */
    public static float defaultScale(int headSize) {
        return (float) (1 / Math.sqrt(headSize));
    }

    /**
     * From ONNX: the dims of Q, K, V (all 3-D or all 4-D), of attn_mask (null when absent) and
     * whether it is boolean, of past_key and past_value (both or neither; null when absent), of
     * nonpad_kv_seqlen (null when absent; must be [B]), and the attributes (null / 0 when absent).
     */
    public static AttentionShape fromOnnx(int[] q, int[] k, int[] v, int[] attnMask, boolean maskIsBool,
                                          int[] pastKey, int[] pastValue, int[] nonpadKvSeqlen,
                                          Integer qNumHeads, Integer kvNumHeads, Float scale, boolean isCausal,
                                          float softcap, int qkMatmulOutputMode) {
        if (q.length != k.length || q.length != v.length || (q.length != 3 && q.length != 4)) {
            throw new IllegalArgumentException("Attention Q, K and V must all be 3-D or all 4-D, got Q " + Dims.str(q)
                    + ", K " + Dims.str(k) + ", V " + Dims.str(v));
        }
        boolean threeD = q.length == 3;
        int b = q[0];
        if (k[0] != b || v[0] != b) {
            throw new IllegalArgumentException("Attention batch sizes differ: Q " + Dims.str(q) + ", K " + Dims.str(k) + ", V " + Dims.str(v));
        }
        int hq, hkv, s, l, d, dv;
        if (threeD) {
            if (qNumHeads == null || kvNumHeads == null) {
                throw new IllegalArgumentException("Attention with 3-D inputs needs the q_num_heads and kv_num_heads attributes");
            }
            hq = qNumHeads;
            hkv = kvNumHeads;
            if (hq < 1 || hkv < 1) throw new IllegalArgumentException("Attention q_num_heads and kv_num_heads must be ≥ 1, got " + hq + " and " + hkv);
            s = q[1];
            l = k[1];
            if (v[1] != l) throw new IllegalArgumentException("Attention K and V sequence lengths differ: K " + Dims.str(k) + ", V " + Dims.str(v));
            d = exactDivision("Q hidden size", q[2], "q_num_heads", hq);
            int dk = exactDivision("K hidden size", k[2], "kv_num_heads", hkv);
            if (dk != d) throw new IllegalArgumentException("Attention head sizes of Q (" + d + ") and K (" + dk + ") differ");
            dv = exactDivision("V hidden size", v[2], "kv_num_heads", hkv);
        } else {
            hq = q[1];
            hkv = k[1];
            s = q[2];
            l = k[2];
            d = q[3];
            dv = v[3];
            if (v[1] != hkv || v[2] != l) {
                throw new IllegalArgumentException("Attention K " + Dims.str(k) + " and V " + Dims.str(v) + " differ in heads or sequence length");
            }
            if (k[3] != d) throw new IllegalArgumentException("Attention head sizes of Q (" + d + ") and K (" + k[3] + ") differ");
            if (qNumHeads != null && qNumHeads != hq) {
                throw new IllegalArgumentException("Attention q_num_heads=" + qNumHeads + " disagrees with Q " + Dims.str(q));
            }
            if (kvNumHeads != null && kvNumHeads != hkv) {
                throw new IllegalArgumentException("Attention kv_num_heads=" + kvNumHeads + " disagrees with K " + Dims.str(k));
            }
        }
        if ((pastKey == null) != (pastValue == null)) {
            throw new IllegalArgumentException("Attention past_key and past_value must be given together");
        }
        int p = 0;
        if (pastKey != null) {
            p = pastKey.length == 4 ? pastKey[2] : -1;
            requireDims("past_key", pastKey, b, hkv, p, d);
            requireDims("past_value", pastValue, b, hkv, p, dv);
        }
        if (nonpadKvSeqlen != null && (nonpadKvSeqlen.length != 1 || nonpadKvSeqlen[0] != b)) {
            throw new IllegalArgumentException("Attention nonpad_kv_seqlen must have shape [" + b + "], got " + Dims.str(nonpadKvSeqlen));
        }
        Mask mask = Mask.NONE;
        if (attnMask != null) {
            if (attnMask.length < 1 || attnMask.length > 4) {
                throw new IllegalArgumentException("Attention attn_mask must have rank 1 to 4, got " + Dims.str(attnMask));
            }
            int[] m4 = {1, 1, 1, 1};
            System.arraycopy(attnMask, 0, m4, 4 - attnMask.length, attnMask.length);
            mask = new Mask(maskIsBool ? MaskKind.BOOLEAN : MaskKind.ADDITIVE, m4[0], m4[1], m4[2], m4[3]);
        }
        float sc = scale != null ? scale : defaultScale(d);
        return new AttentionShape(b, hq, hkv, s, l, p, d, dv, threeD, sc, softcap, isCausal, mask, pastKey != null,
                nonpadKvSeqlen != null, qkMatmulOutputMode);
    }

    private static int exactDivision(String what, int size, String heads, int h) {
        if (size % h != 0) {
            throw new IllegalArgumentException("Attention " + what + " " + size + " is not a multiple of " + heads + " " + h);
        }
        return size / h;
    }

    private static void requireDims(String input, int[] dims, int... expected) {
        if (!java.util.Arrays.equals(dims, expected)) {
            throw new IllegalArgumentException("Attention " + input + " must have shape " + Dims.str(expected)
                    + " (batch, kv_num_heads, past_sequence_length, head size), got " + Dims.str(dims));
        }
    }

    /** T = P + L, the keys each query row attends over. */
    public int totalSeq() {
        return pastSeq + kvSeq;
    }

    /** Hq / Hkv: consecutive q heads sharing one kv head. */
    public int group() {
        return qHeads / kvHeads;
    }

    /** The kv head that q head {@code h} reads. */
    public int kvHead(int h) {
        return h / group();
    }

    public int[] outputShape() {
        return threeD ? new int[] {batch, qSeq, qHeads * vHeadSize} : new int[] {batch, qHeads, qSeq, vHeadSize};
    }

    public int[] presentKeyShape() {
        return new int[] {batch, kvHeads, totalSeq(), headSize};
    }

    public int[] presentValueShape() {
        return new int[] {batch, kvHeads, totalSeq(), vHeadSize};
    }

    public int[] qkShape() {
        return new int[] {batch, qHeads, qSeq, totalSeq()};
    }

    public int outputSize() {
        return batch * qSeq * qHeads * vHeadSize;
    }

    /** Q·Kᵀ and P·V, every key counted (masks and causality ignored): 2·B·Hq·S·T·(D + Dv). */
    public long flops() {
        return 2L * batch * qHeads * qSeq * totalSeq() * (headSize + vHeadSize);
    }

    public int qIndex(int b, int h, int i, int d) {
        return threeD ? ((b * qSeq + i) * qHeads + h) * headSize + d : ((b * qHeads + h) * qSeq + i) * headSize + d;
    }

    /** Element d of new key {@code l} (in [0, L)) of kv head {@code hk} in K. */
    public int kIndex(int b, int hk, int l, int d) {
        return threeD ? ((b * kvSeq + l) * kvHeads + hk) * headSize + d : ((b * kvHeads + hk) * kvSeq + l) * headSize + d;
    }

    public int vIndex(int b, int hk, int l, int d) {
        return threeD ? ((b * kvSeq + l) * kvHeads + hk) * vHeadSize + d : ((b * kvHeads + hk) * kvSeq + l) * vHeadSize + d;
    }

    public int pastKeyIndex(int b, int hk, int p, int d) {
        return ((b * kvHeads + hk) * pastSeq + p) * headSize + d;
    }

    public int pastValueIndex(int b, int hk, int p, int d) {
        return ((b * kvHeads + hk) * pastSeq + p) * vHeadSize + d;
    }

    public int presentKeyIndex(int b, int hk, int t, int d) {
        return ((b * kvHeads + hk) * totalSeq() + t) * headSize + d;
    }

    public int presentValueIndex(int b, int hk, int t, int d) {
        return ((b * kvHeads + hk) * totalSeq() + t) * vHeadSize + d;
    }

    public int yIndex(int b, int h, int i, int d) {
        return threeD ? ((b * qSeq + i) * qHeads + h) * vHeadSize + d : ((b * qHeads + h) * qSeq + i) * vHeadSize + d;
    }

    public int qkIndex(int b, int h, int i, int t) {
        return ((b * qHeads + h) * qSeq + i) * totalSeq() + t;
    }

    /**
     * Keys of batch {@code b} that are not padding: nonpad_kv_seqlen[b] when given, else T. Throws
     * when a given value is outside [0, T].
     */
    public int validKeys(int b, int[] nonpadKvSeqlen) {
        if (!hasNonpad) return totalSeq();
        int n = nonpadKvSeqlen[b];
        if (n < 0 || n > totalSeq()) {
            throw new IllegalArgumentException("Attention nonpad_kv_seqlen[" + b + "] = " + n + " is outside [0, " + totalSeq() + "]");
        }
        return n;
    }

    /**
     * With is_causal, query row i of batch b sees keys {@code t ≤ i + causalOffset(b)}: P with a past,
     * else nonpad_kv_seqlen[b] − S with nonpad (may be negative), else 0.
     */
    public int causalOffset(int b, int[] nonpadKvSeqlen) {
        if (hasPast) return pastSeq;
        if (hasNonpad) return validKeys(b, nonpadKvSeqlen) - qSeq;
        return 0;
    }
}
