package dev.lanes.reference;

/**
 * The obviously-right Attention: for each query row, every key's score in double, the mask and
 * causality applied per key, a softmax over the keys that are not masked, and the weighted sum of
 * their values; see {@link AttentionShape} for the semantics it follows.
 *
 * <p>Error scale ({@code terms}, dense like Y in Y's layout): a fast kernel's score for key t is off by
 * about {@code eps·A_t} with {@code A_t = |scale|·Σ_d|q_d·k_td| + |mask_t|}; exp turns that into a
 * relative error of the probability, and the normalisation adds about as much again. With
 * {@code A = max_t A_t} over the unmasked keys: {@code terms = (1 + 2A) · Σ_t p_t·|v_t|}.
 */
public final class ReferenceAttention implements Attention {

    @Override
    public void attention(AttentionShape s, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                          float[] maskAdd, boolean[] maskBool, int maskOff,
                          float[] pastKey, int pastKeyOff, float[] pastValue, int pastValueOff,
                          int[] nonpadKvSeqlen, float[] y, int yOff,
                          float[] presentKey, int presentKeyOff, float[] presentValue, int presentValueOff,
                          float[] qk, int qkOff) {
        attention(s, q, qOff, k, kOff, v, vOff, maskAdd, maskBool, maskOff, pastKey, pastKeyOff, pastValue, pastValueOff,
                nonpadKvSeqlen, y, yOff, presentKey, presentKeyOff, presentValue, presentValueOff, qk, qkOff, null);
    }

    /** As the interface method; when {@code terms} is not null also fills it (see the class comment). */
    public void attention(AttentionShape s, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                          float[] maskAdd, boolean[] maskBool, int maskOff,
                          float[] pastKey, int pastKeyOff, float[] pastValue, int pastValueOff,
                          int[] nonpadKvSeqlen, float[] y, int yOff,
                          float[] presentKey, int presentKeyOff, float[] presentValue, int presentValueOff,
                          float[] qk, int qkOff, double[] terms) {
        Inputs in = new Inputs(s, k, kOff, v, vOff, pastKey, pastKeyOff, pastValue, pastValueOff);
        requireInputs(s, maskAdd, maskBool, pastKey, pastValue, nonpadKvSeqlen);
        writePresent(s, in, presentKey, presentKeyOff, presentValue, presentValueOff);
        int total = s.totalSeq();
        AttentionShape.Mask mask = s.mask();
        double[] score = new double[total], absScore = new double[total], prob = new double[total];
        boolean[] live = new boolean[total];
        for (int b = 0; b < s.batch(); b++) {
            int valid = s.validKeys(b, nonpadKvSeqlen);
            int offset = s.causalOffset(b, nonpadKvSeqlen);
            for (int h = 0; h < s.qHeads(); h++) {
                int hk = s.kvHead(h);
                for (int i = 0; i < s.qSeq(); i++) {
                    double max = Double.NEGATIVE_INFINITY, worst = 0;
                    for (int t = 0; t < total; t++) {
                        boolean masked = t >= valid || (s.causal() && t > i + offset);
                        double bias = 0;
                        if (!masked && mask.present()) {
                            if (t >= mask.cols()) {
                                masked = true;
                            } else if (mask.kind() == AttentionShape.MaskKind.BOOLEAN) {
                                masked = !maskBool[maskOff + mask.index(b, h, i, t)];
                            } else {
                                bias = maskAdd[maskOff + mask.index(b, h, i, t)];
                                masked = bias == Double.NEGATIVE_INFINITY;
                            }
                        }
                        live[t] = !masked;
                        boolean qkNeedsScore = qk != null && s.qkMode() <= 1;
                        if (masked && !qkNeedsScore) {
                            if (qk != null && s.qkMode() == 2) qk[qkOff + s.qkIndex(b, h, i, t)] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0, abs = 0;
                        for (int d = 0; d < s.headSize(); d++) {
                            double prod = (double) q[qOff + s.qIndex(b, h, i, d)] * in.key(b, hk, t, d);
                            dot += prod;
                            abs += Math.abs(prod);
                        }
                        double raw = s.scale() * dot;
                        double capped = s.softcap() > 0 ? s.softcap() * Math.tanh(raw / s.softcap()) : raw;
                        if (qk != null && s.qkMode() <= 2) {
                            double out = s.qkMode() == 0 ? raw : s.qkMode() == 1 ? capped
                                    : masked ? Double.NEGATIVE_INFINITY : capped + bias;
                            qk[qkOff + s.qkIndex(b, h, i, t)] = (float) out;
                        }
                        if (masked) continue;
                        score[t] = capped + bias;
                        absScore[t] = Math.abs(s.scale()) * abs + Math.abs(bias);
                        max = Math.max(max, score[t]);
                        worst = Math.max(worst, absScore[t]);
                    }
                    softmaxOverLive(score, live, max, prob);
                    if (qk != null && s.qkMode() == 3) {
                        for (int t = 0; t < total; t++) qk[qkOff + s.qkIndex(b, h, i, t)] = (float) prob[t];
                    }
                    for (int d = 0; d < s.vHeadSize(); d++) {
                        double sum = 0, abs = 0;
                        for (int t = 0; t < total; t++) {
                            if (!live[t]) continue;
                            double val = in.value(b, hk, t, d);
                            sum += prob[t] * val;
                            abs += prob[t] * Math.abs(val);
                        }
                        int at = s.yIndex(b, h, i, d);
                        y[yOff + at] = (float) sum;
                        if (terms != null) terms[at] = (1 + 2 * worst) * abs;
                    }
                }
            }
        }
    }

    /**
     * Probabilities over the live keys (0 for the others). A row whose max is −∞ — every key masked,
     * or every live score −∞ — gets all zeros, as ONNX's reference gives; a NaN max spreads NaN.
     */
    private static void softmaxOverLive(double[] score, boolean[] live, double max, double[] prob) {
        java.util.Arrays.fill(prob, 0);
        if (max == Double.NEGATIVE_INFINITY) return;
        double sum = 0;
        for (int t = 0; t < score.length; t++) {
            if (live[t]) sum += Math.exp(score[t] - max);
        }
        for (int t = 0; t < score.length; t++) {
            if (live[t]) prob[t] = Math.exp(score[t] - max) / sum;
        }
    }

    private static void requireInputs(AttentionShape s, float[] maskAdd, boolean[] maskBool, float[] pastKey,
                                      float[] pastValue, int[] nonpad) {
        if (s.mask().kind() == AttentionShape.MaskKind.ADDITIVE && maskAdd == null) {
            throw new IllegalArgumentException("Attention shape has an additive attn_mask but maskAdd is null");
        }
        if (s.mask().kind() == AttentionShape.MaskKind.BOOLEAN && maskBool == null) {
            throw new IllegalArgumentException("Attention shape has a boolean attn_mask but maskBool is null");
        }
        if (s.hasPast() && (pastKey == null || pastValue == null)) {
            throw new IllegalArgumentException("Attention shape has past_key/past_value but an array is null");
        }
        if (s.hasNonpad() && (nonpad == null || nonpad.length < s.batch())) {
            throw new IllegalArgumentException("Attention shape has nonpad_kv_seqlen but " + s.batch() + " values are not given");
        }
    }

    private static void writePresent(AttentionShape s, Inputs in, float[] presentKey, int presentKeyOff,
                                     float[] presentValue, int presentValueOff) {
        for (int b = 0; b < s.batch(); b++) {
            for (int hk = 0; hk < s.kvHeads(); hk++) {
                for (int t = 0; t < s.totalSeq(); t++) {
                    if (presentKey != null) {
                        for (int d = 0; d < s.headSize(); d++) {
                            presentKey[presentKeyOff + s.presentKeyIndex(b, hk, t, d)] = in.key(b, hk, t, d);
                        }
                    }
                    if (presentValue != null) {
                        for (int d = 0; d < s.vHeadSize(); d++) {
                            presentValue[presentValueOff + s.presentValueIndex(b, hk, t, d)] = in.value(b, hk, t, d);
                        }
                    }
                }
            }
        }
    }

    /** Keys and values at absolute position t ∈ [0, T): the past first, then the new ones. */
    private record Inputs(AttentionShape s, float[] k, int kOff, float[] v, int vOff,
                          float[] pastKey, int pastKeyOff, float[] pastValue, int pastValueOff) {
        float key(int b, int hk, int t, int d) {
            int p = s.pastSeq();
            return t < p ? pastKey[pastKeyOff + s.pastKeyIndex(b, hk, t, d)] : k[kOff + s.kIndex(b, hk, t - p, d)];
        }

        float value(int b, int hk, int t, int d) {
            int p = s.pastSeq();
            return t < p ? pastValue[pastValueOff + s.pastValueIndex(b, hk, t, d)] : v[vOff + s.vIndex(b, hk, t - p, d)];
        }
    }
}
