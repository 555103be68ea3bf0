package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceAttentionTest {
    private final ReferenceAttention attention = new ReferenceAttention();

    /** One head, one query, D = 1, scale 1: scores are q·k. */
    private static AttentionShape tiny(int s, int l, boolean causal, AttentionShape.Mask mask) {
        return new AttentionShape(1, 1, 1, s, l, 0, 1, 1, false, 1f, 0f, causal, mask, false, false, 0);
    }

    @Test
    void weightsValuesBySoftmaxOfScores() {
        // scores [0, ln 3] -> probabilities [1/4, 3/4]; values [4, 8] -> 1 + 6 = 7.
        float[] y = new float[1];
        attention.attention(tiny(1, 2, false, null), new float[] {1}, 0, new float[] {0, (float) Math.log(3)}, 0,
                new float[] {4, 8}, 0, y, 0);
        assertEquals(7f, y[0], 1e-6f);
    }

    @Test
    void causalRowsSeeOnlyEarlierKeys() {
        float[] y = new float[2];
        attention.attention(tiny(2, 2, true, null), new float[] {1, 1}, 0, new float[] {0, 0}, 0, new float[] {4, 8}, 0, y, 0);
        assertArrayEquals(new float[] {4, 6}, y);
    }

    @Test
    void fullyMaskedRowGivesZeroAndMaskedValuesAreNeverRead() {
        AttentionShape.Mask mask = new AttentionShape.Mask(AttentionShape.MaskKind.BOOLEAN, 1, 1, 2, 2);
        float[] y = new float[2];
        // row 0: no key; row 1: key 1 only. Value 0 is NaN: it must not leak into row 1.
        attention.attention(tiny(2, 2, false, mask), new float[] {1, 1}, 0, new float[] {0, 0}, 0,
                new float[] {Float.NaN, 8}, 0, null, new boolean[] {false, false, false, true}, 0, y, 0);
        assertArrayEquals(new float[] {0, 8}, y);
    }

    @Test
    void additiveMaskShiftsScoresAndShortMaskIsPaddedWithMinusInfinity() {
        AttentionShape.Mask mask = new AttentionShape.Mask(AttentionShape.MaskKind.ADDITIVE, 1, 1, 1, 2);
        float[] y = new float[1];
        // three keys, mask covers two: [ln 3, 0] added, key 2 padded out.
        attention.attention(tiny(1, 3, false, mask), new float[] {1}, 0, new float[] {0, 0, 0}, 0,
                new float[] {4, 8, 1000}, 0, new float[] {(float) Math.log(3), 0}, null, 0, y, 0);
        assertEquals(5f, y[0], 1e-6f);
    }

    @Test
    void softcapBoundsScores() {
        AttentionShape s = new AttentionShape(1, 1, 1, 1, 2, 0, 1, 1, false, 1f, 2f, false, null, false, false, 1);
        float[] y = new float[1], qk = new float[2];
        attention.attention(s, new float[] {1}, 0, new float[] {100, 0}, 0, new float[] {1, 0}, 0, null, null, 0,
                null, 0, null, 0, null, y, 0, null, 0, null, 0, qk, 0);
        assertArrayEquals(new float[] {(float) (2 * Math.tanh(50)), 0}, qk);
        double e = Math.exp(2 * Math.tanh(50));
        assertEquals((float) (e / (e + 1)), y[0], 1e-7f);
    }

    @Test
    void groupedQueryHeadsShareTheirKvHead() {
        // Hq = 4, Hkv = 2: q heads 0, 1 read kv head 0 and q heads 2, 3 read kv head 1. One key each.
        AttentionShape s = AttentionShape.of(1, 4, 2, 1, 1, 1, 1);
        float[] y = new float[4];
        attention.attention(s, new float[] {1, 2, 3, 4}, 0, new float[] {1, 1}, 0, new float[] {10, 20}, 0, y, 0);
        assertArrayEquals(new float[] {10, 10, 20, 20}, y);
    }

    @Test
    void pastIsPrependedToPresentAndCausalOffsetIsThePastLength() {
        // P = 1, L = 1, S = 1, causal: the query sees the past key and its own.
        AttentionShape s = AttentionShape.fromOnnx(new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1},
                null, false, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, null, null, null, 1f, true, 0f, 0);
        float[] y = new float[1], pk = new float[2], pv = new float[2];
        attention.attention(s, new float[] {1}, 0, new float[] {0}, 0, new float[] {8}, 0, null, null, 0,
                new float[] {0}, 0, new float[] {4}, 0, null, y, 0, pk, 0, pv, 0, null, 0);
        assertArrayEquals(new float[] {6}, y);
        assertArrayEquals(new float[] {0, 0}, pk);
        assertArrayEquals(new float[] {4, 8}, pv);
    }

    @Test
    void threeDLayoutIsTheFourDLayoutTransposed() {
        // B=1, H=2, S=2, L=2, D=1: 3-D Q [1, 2, 2] holds Q[s][h].
        AttentionShape s3 = AttentionShape.fromOnnx(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {1, 2, 2}, null,
                false, null, null, null, 2, 2, null, false, 0f, 0);
        AttentionShape s4 = AttentionShape.of(1, 2, 2, 2, 2, 1, 1);
        float[] q4 = {1, 2, 3, 4}, k4 = {0.5f, -1, 2, 0}, v4 = {1, 2, 3, 5};
        float[] y4 = new float[4], y3 = new float[4];
        attention.attention(s4, q4, 0, k4, 0, v4, 0, y4, 0);
        attention.attention(s3, transpose(q4), 0, transpose(k4), 0, transpose(v4), 0, y3, 0);
        assertArrayEquals(transpose(y4), y3);
    }

    private static float[] transpose(float[] a) { // 2x2
        return new float[] {a[0], a[2], a[1], a[3]};
    }

    @Test
    void nonpadLengthsMaskPaddingAndShiftTheCausalFrontier() {
        // L = 3 keys of which 2 are real; S = 2 causal: offset = 2 - 2 = 0.
        AttentionShape s = AttentionShape.fromOnnx(new int[] {1, 1, 2, 1}, new int[] {1, 1, 3, 1}, new int[] {1, 1, 3, 1},
                null, false, null, null, new int[] {1}, null, null, 1f, true, 0f, 0);
        float[] y = new float[2];
        attention.attention(s, new float[] {0, 0}, 0, new float[] {0, 0, 0}, 0, new float[] {2, 4, Float.NaN}, 0, null, null, 0,
                null, 0, null, 0, new int[] {2}, y, 0, null, 0, null, 0, null, 0);
        assertArrayEquals(new float[] {2, 3}, y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> attention.attention(s,
                new float[2], 0, new float[3], 0, new float[3], 0, null, null, 0, null, 0, null, 0, new int[] {4},
                new float[2], 0, null, 0, null, 0, null, 0));
        assertTrue(e.getMessage().contains("nonpad_kv_seqlen[0] = 4"), e.getMessage());
    }

    @Test
    void validationNamesWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.of(1, 3, 2, 1, 1, 4, 4));
        assertTrue(e.getMessage().contains("kv_num_heads 2 does not divide q_num_heads 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.fromOnnx(new int[] {1, 2, 6}, new int[] {1, 2, 6},
                new int[] {1, 2, 6}, null, false, null, null, null, null, null, null, false, 0f, 0));
        assertTrue(e.getMessage().contains("q_num_heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.fromOnnx(new int[] {1, 2, 3, 4}, new int[] {1, 2, 3, 4},
                new int[] {1, 2, 3, 4}, new int[] {4, 3}, false, null, null, null, null, null, null, false, 0f, 0));
        assertTrue(e.getMessage().contains("attn_mask"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.fromOnnx(new int[] {1, 2, 3, 4}, new int[] {1, 2, 3, 4},
                new int[] {1, 2, 3, 4}, null, false, null, null, null, null, null, null, false, 0f, 4));
        assertTrue(e.getMessage().contains("qk_matmul_output_mode"), e.getMessage());
    }
}
