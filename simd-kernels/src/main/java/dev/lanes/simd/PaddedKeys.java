package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The padding tail of a key-padding mask, which the prompt kernel need not compute. BERT-style exports
 * pad a batch to a fixed length and add {@code (1 - mask)·float32_min} to the scores: a padded key's score
 * is then about -3.4e38, its weight {@code exp(score - max)} is exactly 0 in float, and its {@code 0·V}
 * adds nothing — computing it is pure waste (41 % of MiniLM's attention on its 75-token input padded to 128).
 *
 * <p>Skipping the tail is exact only when the reference too gives those keys weight 0 and adds nothing,
 * which {@link #liveEnds} checks for each batch entry before allowing it:
 * <ul>
 *   <li>the mask is the same for every query and head ({@code [B, 1, 1, T]}), there is no softcap;</li>
 *   <li>the keys split into live ones, bias ≥ {@link #LIVE}, then a tail of dead ones, bias ≤ {@link #DEAD}
 *       (-inf included), with at least one live key — so each row's max is at least -2e30 whenever its
 *       result is finite, and every dead score is below it by about 1e38;</li>
 *   <li>every product |q·k|·scale is below {@link #DOT_BOUND} (from max|Q| and max|K| of the entry, both
 *       finite), so no score can climb out of its class;</li>
 *   <li>the dead keys' V rows are finite: the reference's {@code 0·V} is then 0, never NaN.</li>
 * </ul>
 * A row whose result comes out non-finite anyway is recomputed by {@link AttentionCall#strictRow} over
 * every key, as before. The scan costs one pass over Q, K and the dead V rows: about 1/S of the attention.
 */
final class PaddedKeys {
    private PaddedKeys() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    /** At or below this bias a key is padding. */
    static final float DEAD = -1e38f;
    /** At or above this bias a key is live; a bias in between disables the skip. */
    static final float LIVE = -1e30f;
    /** Largest |scale·q·k| for which the classes above stay apart. */
    static final double DOT_BOUND = 1e30;

    /**
     * For each batch entry b, the end of the keys that can carry weight ({@code T} where nothing can be
     * skipped); null when the call has no such mask at all.
     */
    static int[] liveEnds(AttentionCall call) {
        var s = call.s;
        if (!call.hasMask() || !call.maskSameForAllQueries() || !call.maskSameForAllHeads() || s.softcap() != 0) return null;
        int total = s.totalSeq();
        int[] ends = new int[s.batch()];
        boolean any = false;
        for (int b = 0; b < s.batch(); b++) {
            ends[b] = liveEnd(call, b, total);
            any |= ends[b] < total;
        }
        return any ? ends : null;
    }

    private static int liveEnd(AttentionCall call, int b, int total) {
        int end = total;
        while (end > 0 && call.bias(b, 0, 0, end - 1) <= DEAD) end--;
        if (end == total || end == 0) return total;
        for (int t = 0; t < end; t++) {
            if (!(call.bias(b, 0, 0, t) >= LIVE)) return total;
        }
        var s = call.s;
        int d = s.headSize(), dv = s.vHeadSize();
        int q = 0, k = 0, v = 0;   // float bits of the largest |x| so far
        for (int h = 0; h < s.qHeads(); h++) {
            for (int i = 0; i < s.qSeq(); i++) q = Math.max(q, absMaxBits(call.q.data(), call.q.at(b, h, i), d));
        }
        for (int h = 0; h < s.kvHeads(); h++) {
            for (int t = 0; t < total; t++) k = Math.max(k, absMaxBits(call.keyData(t), call.keyAt(b, h, t), d));
        }
        for (int h = 0; h < s.kvHeads(); h++) {
            for (int t = end; t < total; t++) v = Math.max(v, absMaxBits(call.valueData(t), call.valueAt(b, h, t), dv));
        }
        // NaN or ∞ anywhere in Q, K or the dead V rows fails these tests (NaN compares false): nothing is skipped.
        double qk = (double) Float.intBitsToFloat(q) * Float.intBitsToFloat(k) * d * Math.abs((double) s.scale());
        if (!(qk < DOT_BOUND) || !(Float.intBitsToFloat(v) < Float.POSITIVE_INFINITY)) return total;
        return end;
    }

    /**
     * The bits of max |x| over {@code x[off, off + n)}. The bits of a non-negative float order as the
     * float does, with ∞ and NaN above every finite value, so the max is an integer max. The row's
     * result leaves as an int: a vector accumulator carried from call to call was boxed by C2 on
     * every step (~16 MB of garbage per BERT-base run).
     */
    private static int absMaxBits(float[] x, int off, int n) {
        IntVector acc = IntVector.zero(I);
        for (int c = 0; c < n; c += F.length()) {
            acc = acc.max(FloatVector.fromArray(F, x, off + c, F.indexInRange(c, n)).reinterpretAsInts().and(0x7fffffff));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }
}
