package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.AttentionShape.Mask;
import dev.lanes.reference.AttentionShape.MaskKind;
import dev.lanes.reference.Dims;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.ReferenceAttention;
import dev.lanes.reference.ReferenceGemm;
import dev.lanes.reference.ReferenceSoftmax;
import dev.lanes.reference.SoftmaxShape;
import org.junit.jupiter.api.Test;

/**
 * The Attention reference against itself and against the GEMM and Softmax references: what the
 * ONNX definition says, checked along independent routes (and the generators proven on the way).
 */
class ReferenceAttentionProperties {
    private final ReferenceAttention attention = new ReferenceAttention();

    /** Decomposition rounds scores and probabilities to float: a few eps of the reference's scale. */
    private static final double DECOMPOSED_C = 16;

    @Test
    void unmaskedAttentionEqualsSoftmaxOfScaledProductTimesV() {
        Theories.qt(30).forAll(AttentionShapes.plain(), Sizes.seeds()).checkAssert((s, seed) -> {
            AttentionInputs in = new AttentionInputs(s, seed, false);
            AttentionInputs.Outputs ref = in.reference();
            int S = s.qSeq(), L = s.kvSeq(), D = s.headSize(), Dv = s.vHeadSize();
            float[] y = new float[s.outputSize()], scores = new float[S * L], probs = new float[S * L];
            ReferenceGemm gemm = new ReferenceGemm();
            for (int b = 0; b < s.batch(); b++) {
                for (int h = 0; h < s.qHeads(); h++) {
                    int hk = s.kvHead(h);
                    // scores = scale · Q_bh (S×D) · K_bhkᵀ (K stored L×D: transB)
                    gemm.gemm(new GemmShape(S, L, D, false, true, s.scale(), 0f, 0, 0), in.q, s.qIndex(b, h, 0, 0),
                            in.k, s.kIndex(b, hk, 0, 0), null, 0, scores, 0);
                    new ReferenceSoftmax().softmax(SoftmaxShape.rows(S, L), scores, 0, probs, 0);
                    gemm.gemm(GemmShape.of(S, Dv, L), probs, 0, in.v, s.vIndex(b, hk, 0, 0), null, 0, y, s.yIndex(b, h, 0, 0));
                }
            }
            Tolerance.assertClose("attention vs softmax(QKᵀ·scale)·V " + s, y, ref.y, ref.terms, DECOMPOSED_C);
        });
    }

    @Test
    void causalEqualsAnAdditiveMaskOfMinusInfinityAboveTheDiagonal() {
        Theories.qt(30).forAll(AttentionShapes.plain(), Sizes.seeds()).checkAssert((plain, seed) -> {
            AttentionShape causal = with(plain, true, Mask.NONE);
            AttentionShape masked = with(plain, false, new Mask(MaskKind.ADDITIVE, 1, 1, plain.qSeq(), plain.totalSeq()));
            float[] mask = new float[plain.qSeq() * plain.totalSeq()];
            for (int i = 0; i < plain.qSeq(); i++) {
                for (int t = i + 1; t < plain.totalSeq(); t++) mask[i * plain.totalSeq() + t] = Float.NEGATIVE_INFINITY;
            }
            AttentionInputs in = new AttentionInputs(plain, seed, false);
            float[] yc = new float[plain.outputSize()], ym = new float[plain.outputSize()];
            attention.attention(causal, in.q, 0, in.k, 0, in.v, 0, yc, 0);
            attention.attention(masked, in.q, 0, in.k, 0, in.v, 0, mask, null, 0, ym, 0);
            Tolerance.assertBitsEqual("causal vs -inf triangle " + plain, yc, ym);
        });
    }

    @Test
    void booleanMaskEqualsAdditiveZeroOrMinusInfinity() {
        Theories.qt(30).forAll(AttentionShapes.any(), Sizes.seeds()).checkAssert((s, seed) -> {
            if (s.mask().kind() != MaskKind.BOOLEAN) return;
            AttentionInputs in = new AttentionInputs(s, seed, true);
            float[] additive = new float[in.maskBool.length];
            for (int i = 0; i < additive.length; i++) additive[i] = in.maskBool[i] ? 0f : Float.NEGATIVE_INFINITY;
            Mask m = s.mask();
            AttentionShape sa = new AttentionShape(s.batch(), s.qHeads(), s.kvHeads(), s.qSeq(), s.kvSeq(), s.pastSeq(),
                    s.headSize(), s.vHeadSize(), s.threeD(), s.scale(), s.softcap(), s.causal(),
                    new Mask(MaskKind.ADDITIVE, m.batch(), m.heads(), m.rows(), m.cols()), s.hasPast(), s.hasNonpad(), s.qkMode());
            float[] yb = run(s, in, in.maskAdd, in.maskBool), ya = run(sa, in, additive, null);
            Tolerance.assertBitsEqual("boolean vs additive mask " + s, ya, yb);
        });
    }

    @Test
    void groupedQueryHeadsEqualRepeatedKvHeads() {
        Theories.qt(30).forAll(AttentionShapes.plain(), Sizes.seeds()).checkAssert((s, seed) -> {
            if (s.group() == 1) return;
            AttentionInputs in = new AttentionInputs(s, seed, false);
            AttentionShape mha = AttentionShape.of(s.batch(), s.qHeads(), s.qHeads(), s.qSeq(), s.kvSeq(), s.headSize(), s.vHeadSize());
            float[] k = new float[s.batch() * s.qHeads() * s.kvSeq() * s.headSize()];
            float[] v = new float[s.batch() * s.qHeads() * s.kvSeq() * s.vHeadSize()];
            for (int b = 0; b < s.batch(); b++) {
                for (int h = 0; h < s.qHeads(); h++) {
                    for (int l = 0; l < s.kvSeq(); l++) {
                        for (int d = 0; d < s.headSize(); d++) k[mha.kIndex(b, h, l, d)] = in.k[s.kIndex(b, s.kvHead(h), l, d)];
                        for (int d = 0; d < s.vHeadSize(); d++) v[mha.vIndex(b, h, l, d)] = in.v[s.vIndex(b, s.kvHead(h), l, d)];
                    }
                }
            }
            float[] yg = new float[s.outputSize()], ym = new float[s.outputSize()];
            attention.attention(s, in.q, 0, in.k, 0, in.v, 0, yg, 0);
            attention.attention(mha, in.q, 0, k, 0, v, 0, ym, 0);
            Tolerance.assertBitsEqual("GQA vs repeated heads " + s, yg, ym);
        });
    }

    @Test
    void threeDLayoutEqualsFourDLayout() {
        Theories.qt(30).forAll(AttentionShapes.any(), Sizes.seeds()).checkAssert((s, seed) -> {
            AttentionInputs in = new AttentionInputs(s, seed, true);
            AttentionShape other = new AttentionShape(s.batch(), s.qHeads(), s.kvHeads(), s.qSeq(), s.kvSeq(), s.pastSeq(),
                    s.headSize(), s.vHeadSize(), !s.threeD(), s.scale(), s.softcap(), s.causal(), s.mask(), s.hasPast(),
                    s.hasNonpad(), s.qkMode());
            float[] q = relayout(in.q, s.batch(), s.qHeads(), s.qSeq(), s.headSize(), s.threeD());
            float[] k = relayout(in.k, s.batch(), s.kvHeads(), s.kvSeq(), s.headSize(), s.threeD());
            float[] v = relayout(in.v, s.batch(), s.kvHeads(), s.kvSeq(), s.vHeadSize(), s.threeD());
            float[] y = run(s, in, in.maskAdd, in.maskBool);
            float[] yOther = new float[s.outputSize()];
            attention.attention(other, q, 0, k, 0, v, 0, in.maskAdd, in.maskBool, 0, in.pastKey, 0, in.pastValue, 0,
                    in.nonpad, yOther, 0, null, 0, null, 0, null, 0);
            Tolerance.assertBitsEqual("3-D vs 4-D " + s, relayout(yOther, s.batch(), s.qHeads(), s.qSeq(), s.vHeadSize(), !s.threeD()), y);
        });
    }

    @Test
    void pastThenNewKeysEqualOneConcatenatedInput() {
        Theories.qt(30).forAll(AttentionShapes.any(), Sizes.seeds()).checkAssert((any, seed) -> {
            // 4-D, not causal (its offset differs between the two forms), with a past of 1..4 rows
            int p = any.hasPast() ? any.pastSeq() : 1 + (int) (seed % 4);
            AttentionShape s = new AttentionShape(any.batch(), any.qHeads(), any.kvHeads(), any.qSeq(), any.kvSeq(), p,
                    any.headSize(), any.vHeadSize(), false, any.scale(), any.softcap(), false, any.mask(), true, false, 0);
            AttentionInputs in = new AttentionInputs(s, seed, false);
            AttentionInputs.Outputs ref = in.reference();
            AttentionShape flat = new AttentionShape(s.batch(), s.qHeads(), s.kvHeads(), s.qSeq(), s.totalSeq(), 0,
                    s.headSize(), s.vHeadSize(), false, s.scale(), s.softcap(), false, s.mask(), false, false, 0);
            float[] y = new float[s.outputSize()];
            // present_key/present_value are exactly the concatenation the flat run reads
            attention.attention(flat, in.q, 0, ref.presentKey, 0, ref.presentValue, 0, in.maskAdd, in.maskBool, 0, y, 0);
            Tolerance.assertBitsEqual("past + new vs concatenated " + s, y, ref.y);
        });
    }

    @Test
    void writesOnlyItsOutputsAndBlankRowsAreZero() {
        Theories.qt(40).forAll(AttentionShapes.any(), Sizes.seeds()).checkAssert((s, seed) -> {
            AttentionInputs in = new AttentionInputs(s, seed, false);
            Guarded y = new Guarded(s.outputSize()), pk = new Guarded(Dims.size(s.presentKeyShape()));
            Guarded pv = new Guarded(Dims.size(s.presentValueShape())), qk = new Guarded(Dims.size(s.qkShape()));
            attention.attention(s, in.q, 0, in.k, 0, in.v, 0, in.maskAdd, in.maskBool, 0, in.pastKey, 0, in.pastValue, 0,
                    in.nonpad, y.array(), y.offset(), pk.array(), pk.offset(), pv.array(), pv.offset(), qk.array(), qk.offset());
            for (Guarded g : new Guarded[] {y, pk, pv, qk}) g.assertCanariesIntact();
            float[] out = y.region();
            for (int i = 0; i < out.length; i++) assertFalse(Float.isNaN(out[i]), "NaN in Y from finite inputs at " + i + " of " + s);
            // A query row with no key to attend gives exactly 0 (never NaN).
            for (int b = 0; b < s.batch(); b++) {
                for (int h = 0; h < s.qHeads(); h++) {
                    for (int i = 0; i < s.qSeq(); i++) {
                        if (anyKey(s, in, b, h, i)) continue;
                        for (int d = 0; d < s.vHeadSize(); d++) assertEquals(0f, out[s.yIndex(b, h, i, d)], "blank row of " + s);
                    }
                }
            }
        });
    }

    /** Whether query row (b, h, i) has a key that is not masked, from the rules written out again. */
    private static boolean anyKey(AttentionShape s, AttentionInputs in, int b, int h, int i) {
        Mask m = s.mask();
        int valid = s.validKeys(b, in.nonpad), offset = s.causalOffset(b, in.nonpad);
        for (int t = 0; t < Math.min(valid, s.totalSeq()); t++) {
            if (s.causal() && t > i + offset) continue;
            if (m.present()) {
                if (t >= m.cols()) continue;
                int at = m.index(b, h, i, t);
                if (m.kind() == MaskKind.BOOLEAN ? !in.maskBool[at] : in.maskAdd[at] == Float.NEGATIVE_INFINITY) continue;
            }
            return true;
        }
        return false;
    }

    private float[] run(AttentionShape s, AttentionInputs in, float[] maskAdd, boolean[] maskBool) {
        float[] y = new float[s.outputSize()];
        attention.attention(s, in.q, 0, in.k, 0, in.v, 0, maskAdd, maskBool, 0, in.pastKey, 0, in.pastValue, 0, in.nonpad,
                y, 0, null, 0, null, 0, null, 0);
        return y;
    }

    private static AttentionShape with(AttentionShape s, boolean causal, Mask mask) {
        return new AttentionShape(s.batch(), s.qHeads(), s.kvHeads(), s.qSeq(), s.kvSeq(), s.pastSeq(), s.headSize(),
                s.vHeadSize(), s.threeD(), s.scale(), s.softcap(), causal, mask, s.hasPast(), s.hasNonpad(), s.qkMode());
    }

    /** [B, H, S, D] ↔ [B, S, H·D]: from the 3-D layout when {@code fromThreeD}, else to it. */
    static float[] relayout(float[] a, int batch, int heads, int seq, int d, boolean fromThreeD) {
        float[] out = new float[a.length];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < seq; i++) {
                    for (int e = 0; e < d; e++) {
                        int four = ((b * heads + h) * seq + i) * d + e, three = ((b * seq + i) * heads + h) * d + e;
                        if (fromThreeD) out[four] = a[three];
                        else out[three] = a[four];
                    }
                }
            }
        }
        return out;
    }
}
