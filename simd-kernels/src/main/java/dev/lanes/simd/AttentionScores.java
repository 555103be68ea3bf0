package dev.lanes.simd;

import dev.lanes.reference.AttentionShape;

/**
 * ONNX Attention's optional output qk_matmul_output {@code [B, Hq, S, T]}: a diagnostic that by definition
 * holds the whole score matrix, so it is computed apart from the fused kernel (which never forms it), per
 * row in double. Modes as ONNX's conformance data define them: 0 {@code scale·Q·Kᵀ}; 1 after softcap;
 * 2 after softcap and the mask (-inf at masked keys); 3 the softmax probabilities (0 at masked keys).
 */
final class AttentionScores {
    private AttentionScores() {}

    static void write(AttentionCall call, float[] qk, int qkOff) {
        AttentionShape s = call.s;
        int total = s.totalSeq();
        long size = (long) s.batch() * s.qHeads() * s.qSeq() * total;
        if (qkOff < 0 || qkOff + size > qk.length) {
            throw new IllegalArgumentException("Attention qk_matmul_output of " + size + " values at offset " + qkOff
                    + " does not fit an array of " + qk.length);
        }
        double[] row = new double[total];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.qHeads(); h++) {
                for (int i = 0; i < s.qSeq(); i++) {
                    int out = qkOff + s.qkIndex(b, h, i, 0), end = call.keyEnd(b, i);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < total; t++) {
                        float bias = t < end ? call.bias(b, h, i, t) : Float.NEGATIVE_INFINITY;
                        boolean masked = bias == Float.NEGATIVE_INFINITY;
                        double v = switch (s.qkMode()) {
                            case 0 -> call.rawScore(b, h, i, t);
                            case 1 -> call.score(b, h, i, t);
                            default -> masked ? Double.NEGATIVE_INFINITY : call.score(b, h, i, t) + bias;
                        };
                        row[t] = v;
                        if (!masked) max = Math.max(max, v);
                    }
                    if (s.qkMode() == 3) probabilities(row, max);
                    for (int t = 0; t < total; t++) qk[out + t] = (float) row[t];
                }
            }
        }
    }

    /** Softmax in place over the finite-or-NaN entries; -inf entries (masked) become 0, all zeros when max is -inf. */
    private static void probabilities(double[] row, double max) {
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(row, 0);
            return;
        }
        double sum = 0;
        for (double v : row) if (v != Double.NEGATIVE_INFINITY) sum += Math.exp(v - max);
        for (int t = 0; t < row.length; t++) row[t] = row[t] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(row[t] - max) / sum;
    }
}
