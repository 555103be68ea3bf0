package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.ReferenceAttention;
import dev.lanes.simd.AttentionDecode;
import dev.lanes.simd.AttentionOperand;
import dev.lanes.simd.KvCache;
import dev.lanes.simd.Parallel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * GPT-style generation through a {@link KvCache}: a prompt, then one token at a time, each step appending
 * its keys and values and attending causally over everything so far. Every step must equal the reference
 * fed the same history as past_key/past_value (ONNX's way: the whole past copied in each step).
 */
@WidthSensitive
class KvCacheProperties {
    private static final ReferenceAttention REF = new ReferenceAttention();

    @Test
    void generationStepsMatchTheReferenceWithAPast() {
        Theories.qt(20).forAll(Sizes.seeds(), Generate.pick(List.of(1, 2, 4)), Generate.pick(List.of(24, 32, 40, 64, 80, 3)))
                .checkAssert((seed, group, d) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int batch = 1 + r.nextInt(2), kvHeads = 1 + r.nextInt(2), qHeads = kvHeads * group, dv = d;
                    int prompt = 1 + r.nextInt(40), steps = 1 + r.nextInt(6);
                    // A small initial capacity makes the cache grow on the way.
                    KvCache cache = new KvCache(batch, kvHeads, d, dv, 1 + r.nextInt(prompt + 2));
                    float[] histK = new float[0], histV = new float[0];
                    int past = 0;
                    for (int step = 0; step <= steps; step++) {
                        int s = step == 0 ? prompt : 1 + (step == steps ? r.nextInt(3) : 0); // last step: a few speculative tokens
                        float[] q = Data.uniform(r.nextLong(), batch * s * qHeads * d);
                        float[] k = Data.uniform(r.nextLong(), batch * s * kvHeads * d);
                        float[] v = Data.uniform(r.nextLong(), batch * s * kvHeads * dv);
                        // New keys and values arrive in the 3-D projection layout [B, S, Hkv·D].
                        cache.append(AttentionOperand.bsHd(k, 0, kvHeads, s, d), AttentionOperand.bsHd(v, 0, kvHeads, s, dv), s);
                        Guarded y = new Guarded(batch * s * qHeads * dv);
                        AttentionDecode.attend(cache, AttentionOperand.bsHd(q, 0, qHeads, s, d), qHeads, s,
                                AttentionShape.defaultScale(d), 0f, true,
                                AttentionOperand.bsHd(y.array(), y.offset(), qHeads, s, dv), Parallel.callerOnly());
                        y.assertCanariesIntact();

                        AttentionShape shape = new AttentionShape(batch, qHeads, kvHeads, s, s, past, d, dv, true,
                                AttentionShape.defaultScale(d), 0f, true, AttentionShape.Mask.NONE, true, false, 0);
                        float[] expected = new float[shape.outputSize()];
                        float[] presentK = new float[batch * kvHeads * (past + s) * d], presentV = new float[batch * kvHeads * (past + s) * dv];
                        double[] terms = new double[expected.length];
                        REF.attention(shape, q, 0, k, 0, v, 0, null, null, 0, histK, 0, histV, 0, null, expected, 0,
                                presentK, 0, presentV, 0, null, 0, terms);
                        Tolerance.assertClose("step " + step + " (P=" + past + ", S=" + s + ", G=" + group + ", D=" + d + ")",
                                y.region(), expected, terms, 2.0 * (d + past + s) + 16);
                        histK = presentK;
                        histV = presentV;
                        past += s;
                        assertEquals(past, cache.length());
                    }
                });
    }

    @Test
    void appendingWithinCapacityKeepsTheBuffers() {
        KvCache cache = new KvCache(1, 2, 4, 4, 8);
        float[] kv = new float[2 * 3 * 4];
        cache.append(AttentionOperand.bhsd(kv, 0, 2, 3, 4), AttentionOperand.bhsd(kv, 0, 2, 3, 4), 3);
        float[] keys = cache.keys().data();
        cache.append(AttentionOperand.bhsd(kv, 0, 2, 3, 4), AttentionOperand.bhsd(kv, 0, 2, 3, 4), 3);
        assertSame(keys, cache.keys().data(), "an append within capacity must not copy the past");
        cache.append(AttentionOperand.bhsd(kv, 0, 2, 3, 4), AttentionOperand.bhsd(kv, 0, 2, 3, 4), 3);
        assertEquals(16, cache.capacity());
        assertEquals(9, cache.length());
        cache.truncate(4);
        assertEquals(4, cache.length());
        assertThrows(IllegalArgumentException.class, () -> cache.truncate(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionDecode.attend(cache,
                AttentionOperand.bhsd(new float[2 * 5 * 4], 0, 2, 5, 4), 2, 5, 0.5f, 0f, true,
                AttentionOperand.bhsd(new float[2 * 5 * 4], 0, 2, 5, 4), Parallel.callerOnly()));
        assertEquals(true, e.getMessage().contains("append"), e.getMessage());
    }
}
