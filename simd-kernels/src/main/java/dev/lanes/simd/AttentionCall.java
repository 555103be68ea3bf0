package dev.lanes.simd;

import dev.lanes.reference.AttentionShape;

/**
 * One attention call as the kernels see it: the {@link AttentionShape} (sizes and ONNX attributes), the
 * operand views, the mask and nonpad_kv_seqlen, validated once so that the kernels index freely.
 *
 * <p>Keys come in two segments: the cached past {@code [0, P)} from {@code pastK}/{@code pastV} and the new
 * keys {@code [P, T)} from {@code k}/{@code v}; kernels tile each segment on its own, so neither is ever
 * concatenated. Masking follows the reference: key t of query row (b, h, i) is masked when it lies at or
 * past nonpad_kv_seqlen[b], past the causal diagonal {@code i + causalOffset(b)}, past the mask's last
 * dimension, where a boolean mask is false, or where an additive mask is -inf.
 */
final class AttentionCall {
    final AttentionShape s;
    final AttentionOperand q, pastK, pastV, k, v, y;
    private final float[] maskAdd;
    private final boolean[] maskBool;
    private final int maskOff, maskBatchStride, maskHeadStride, maskRowStride, maskCols;
    private final int[] nonpad;

    AttentionCall(AttentionShape s, AttentionOperand q, AttentionOperand pastK, AttentionOperand pastV,
                  AttentionOperand k, AttentionOperand v, float[] maskAdd, boolean[] maskBool, int maskOff,
                  int[] nonpad, AttentionOperand y) {
        this.s = s;
        this.q = q;
        this.pastK = pastK;
        this.pastV = pastV;
        this.k = k;
        this.v = v;
        this.y = y;
        int b = s.batch(), d = s.headSize(), dv = s.vHeadSize();
        q.require("Q", b, s.qHeads(), s.qSeq(), d);
        k.require("K", b, s.kvHeads(), s.kvSeq(), d);
        v.require("V", b, s.kvHeads(), s.kvSeq(), dv);
        y.require("Y", b, s.qHeads(), s.qSeq(), dv);
        if (s.hasPast()) {
            if (pastK == null || pastV == null) throw new IllegalArgumentException("Attention shape has a past but past_key/past_value are null");
            pastK.require("past_key", b, s.kvHeads(), s.pastSeq(), d);
            pastV.require("past_value", b, s.kvHeads(), s.pastSeq(), dv);
        }
        AttentionShape.Mask m = s.mask();
        this.maskAdd = m.kind() == AttentionShape.MaskKind.ADDITIVE ? maskAdd : null;
        this.maskBool = m.kind() == AttentionShape.MaskKind.BOOLEAN ? maskBool : null;
        if (m.present()) {
            int length = m.kind() == AttentionShape.MaskKind.ADDITIVE ? lengthOf(maskAdd) : lengthOf(maskBool);
            if (maskOff < 0 || (long) maskOff + m.size() > length) {
                throw new IllegalArgumentException("Attention attn_mask [" + m.batch() + ", " + m.heads() + ", " + m.rows() + ", "
                        + m.cols() + "] at offset " + maskOff + " does not fit an array of " + length);
            }
        }
        this.maskOff = maskOff;
        this.maskCols = m.present() ? m.cols() : Integer.MAX_VALUE;
        this.maskRowStride = m.rows() == 1 ? 0 : m.cols();
        this.maskHeadStride = m.heads() == 1 ? 0 : m.rows() * m.cols();
        this.maskBatchStride = m.batch() == 1 ? 0 : m.heads() * m.rows() * m.cols();
        if (s.hasNonpad()) {
            if (nonpad == null || nonpad.length < b) {
                throw new IllegalArgumentException("Attention shape has nonpad_kv_seqlen but " + b + " values are not given");
            }
            for (int i = 0; i < b; i++) s.validKeys(i, nonpad); // throws for a value outside [0, T]
        }
        this.nonpad = nonpad;
    }

    private static int lengthOf(float[] a) {
        if (a == null) throw new IllegalArgumentException("Attention shape has an additive attn_mask but the float array is null");
        return a.length;
    }

    private static int lengthOf(boolean[] a) {
        if (a == null) throw new IllegalArgumentException("Attention shape has a boolean attn_mask but the boolean array is null");
        return a.length;
    }

    boolean hasMask() {
        return maskCols != Integer.MAX_VALUE;
    }

    /** Whether the mask is the same for every query row, as BERT's key-padding mask {@code [B, 1, 1, T]}. */
    boolean maskSameForAllQueries() {
        return maskRowStride == 0;
    }

    /** Whether the mask is the same for every head (its head dimension is 1). */
    boolean maskSameForAllHeads() {
        return maskHeadStride == 0;
    }

    /** Keys t with {@code t < keyEnd(b, i)} may take part for query row i of batch b (nonpad and causal). */
    int keyEnd(int b, int i) {
        long end = s.validKeys(b, nonpad);
        if (s.causal()) end = Math.min(end, (long) i + s.causalOffset(b, nonpad) + 1);
        return (int) Math.max(0, end);
    }

    /** With is_causal, query i of batch b sees keys t ≤ i + causalOffset(b); may be negative with nonpad. */
    int causalOffset(int b) {
        return s.causalOffset(b, nonpad);
    }

    /** The mask's bias for (b, h, i, t): 0 without a mask, -inf where a boolean mask is false or past its end. */
    float bias(int b, int h, int i, int t) {
        if (t >= maskCols) return Float.NEGATIVE_INFINITY;
        if (maskAdd == null && maskBool == null) return 0f;
        int at = maskOff + b * maskBatchStride + h * maskHeadStride + i * maskRowStride + t;
        return maskAdd != null ? maskAdd[at] : maskBool[at] ? 0f : Float.NEGATIVE_INFINITY;
    }

    /** Index in {@link #keyData(int)} of row t (absolute: past first) of kv head {@code kvh}. */
    int keyAt(int b, int kvh, int t) {
        int p = s.pastSeq();
        return t < p ? pastK.at(b, kvh, t) : k.at(b, kvh, t - p);
    }

    int valueAt(int b, int kvh, int t) {
        int p = s.pastSeq();
        return t < p ? pastV.at(b, kvh, t) : v.at(b, kvh, t - p);
    }

    float[] keyData(int t) {
        return t < s.pastSeq() ? pastK.data() : k.data();
    }

    float[] valueData(int t) {
        return t < s.pastSeq() ? pastV.data() : v.data();
    }

    int keyStride(int t) {
        return t < s.pastSeq() ? pastK.rowStride() : k.rowStride();
    }

    int valueStride(int t) {
        return t < s.pastSeq() ? pastV.rowStride() : v.rowStride();
    }

    /** End of the segment that holds key t: tiles never straddle the past/new boundary. */
    int segmentEnd(int t) {
        return t < s.pastSeq() ? s.pastSeq() : s.totalSeq();
    }

    /**
     * ONNX's present_key / present_value {@code [B, Hkv, T, D|Dv]} (dense, past rows first): the one place
     * the segments are concatenated, because the operator's outputs say so. Either array may be null.
     */
    void writePresent(float[] presentKey, int presentKeyOff, float[] presentValue, int presentValueOff) {
        int b = s.batch(), hkv = s.kvHeads(), total = s.totalSeq(), d = s.headSize(), dv = s.vHeadSize();
        if (presentKey != null && (presentKeyOff < 0 || presentKeyOff + (long) b * hkv * total * d > presentKey.length)) {
            throw new IllegalArgumentException("Attention present_key of " + b * hkv * total * d + " values at offset " + presentKeyOff
                    + " does not fit an array of " + presentKey.length);
        }
        if (presentValue != null && (presentValueOff < 0 || presentValueOff + (long) b * hkv * total * dv > presentValue.length)) {
            throw new IllegalArgumentException("Attention present_value of " + b * hkv * total * dv + " values at offset " + presentValueOff
                    + " does not fit an array of " + presentValue.length);
        }
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < hkv; h++) {
                for (int t = 0; t < total; t++) {
                    int row = (bi * hkv + h) * total + t;
                    if (presentKey != null) System.arraycopy(keyData(t), keyAt(bi, h, t), presentKey, presentKeyOff + row * d, d);
                    if (presentValue != null) System.arraycopy(valueData(t), valueAt(bi, h, t), presentValue, presentValueOff + row * dv, dv);
                }
            }
        }
    }

    /**
     * Recomputes output row (b, h, i) the slow, strict way: masked keys are skipped outright (never read),
     * scores and sums in double. The fast kernels let every key of a tile through their vectors, so a NaN
     * or an infinity in a masked key's K or V (0·NaN) would leak into their result; they call this for
     * each row whose result is not finite, which leaves rows with real NaN/Inf as the reference has them.
     */
    void strictRow(int b, int h, int i, double[] acc) {
        int kvh = h / s.group(), d = s.headSize(), dv = s.vHeadSize(), end = keyEnd(b, i);
        float[] qd = q.data();
        int qRow = q.at(b, h, i);
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < end; t++) {
            float bias = bias(b, h, i, t);
            if (bias == Float.NEGATIVE_INFINITY) continue;
            max = Math.max(max, score(qd, qRow, keyData(t), keyAt(b, kvh, t), d) + bias);
        }
        java.util.Arrays.fill(acc, 0, dv, 0);
        // Every live score -inf: all probabilities are 0, and 0·v is still NaN for an infinite v, as in the reference.
        boolean none = max == Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int t = 0; t < end; t++) {
            float bias = bias(b, h, i, t);
            if (bias == Float.NEGATIVE_INFINITY) continue;
            double e = none ? 0 : Math.exp(score(qd, qRow, keyData(t), keyAt(b, kvh, t), d) + bias - max);
            sum += e;
            float[] vd = valueData(t);
            int vRow = valueAt(b, kvh, t);
            for (int c = 0; c < dv; c++) acc[c] += e * vd[vRow + c];
        }
        float[] yd = y.data();
        int yRow = y.at(b, h, i);
        for (int c = 0; c < dv; c++) yd[yRow + c] = (float) (none ? acc[c] : acc[c] / sum);
    }

    /** {@code softcap(scale · q·k)} in double. */
    double score(int b, int h, int i, int t) {
        return score(q.data(), q.at(b, h, i), keyData(t), keyAt(b, h / s.group(), t), s.headSize());
    }

    /** {@code scale · q·k} in double, before softcap. */
    double rawScore(int b, int h, int i, int t) {
        float[] qd = q.data(), kd = keyData(t);
        int qRow = q.at(b, h, i), kRow = keyAt(b, h / s.group(), t);
        double dot = 0;
        for (int c = 0; c < s.headSize(); c++) dot += (double) qd[qRow + c] * kd[kRow + c];
        return s.scale() * dot;
    }

    private double score(float[] qd, int qRow, float[] kd, int kRow, int d) {
        double dot = 0;
        for (int c = 0; c < d; c++) dot += (double) qd[qRow + c] * kd[kRow + c];
        double x = s.scale() * dot;
        return s.softcap() > 0 ? s.softcap() * Math.tanh(x / s.softcap()) : x;
    }
}
