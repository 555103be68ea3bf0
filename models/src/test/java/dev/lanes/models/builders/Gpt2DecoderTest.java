package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GPT-2 decoder's cache and causality, on the tiny configuration and the reference backend. */
class Gpt2DecoderTest {
    private static final Gpt2Decoder.Config C = Gpt2Decoder.Config.tiny();
    private static Session session;

    @BeforeAll
    static void open() {
        BuiltModel m = Gpt2Decoder.build(C, 3);
        session = Session.open(dev.lanes.graph.onnx.OnnxImporter.load(m.toBytes()),
                SessionOptions.defaults().withBackend(Backend.REFERENCE).withOptimize(false).withThreads(1));
    }

    private static Map<String, Tensor> uncached(long[] tokens) {
        Map<String, Tensor> feed = new HashMap<>(Gpt2Decoder.emptyCache(C, 1));
        feed.put("input_ids", Tensor.ofLongs(tokens.clone(), 1, tokens.length));
        return session.run(feed);
    }

    @Test
    void cachedGreedyGenerationEqualsRecomputingTheWholePrefix() {
        long[] prompt = {5, 17, 42, 8};
        int n = 8;
        long[] cached = new GreedyGenerator(session, C).generate(prompt, n);

        long[] seq = java.util.Arrays.copyOf(prompt, prompt.length + n);
        for (int t = 0; t < n; t++) {
            Tensor logits = uncached(java.util.Arrays.copyOf(seq, prompt.length + t)).get("logits");
            seq[prompt.length + t] = GreedyGenerator.lastArgMax(logits);
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(seq, prompt.length, seq.length), cached);
    }

    @Test
    void oneDecodeStepEqualsTheLastRowOfTheFullPass() {
        long[] tokens = {3, 99, 0, 64, 12, 7};
        int p = tokens.length - 1;
        Map<String, Tensor> full = uncached(tokens);
        Map<String, Tensor> prefix = uncached(java.util.Arrays.copyOf(tokens, p));
        Map<String, Tensor> step = new HashMap<>();
        for (int i = 0; i < C.layers(); i++) {
            step.put(Gpt2Decoder.pastKey(i), prefix.get(Gpt2Decoder.presentKey(i)));
            step.put(Gpt2Decoder.pastValue(i), prefix.get(Gpt2Decoder.presentValue(i)));
        }
        step.put("input_ids", Tensor.ofLongs(new long[] {tokens[p]}, 1, 1));
        Map<String, Tensor> out = session.run(step);

        float[] all = full.get("logits").floats();
        float[] last = java.util.Arrays.copyOfRange(all, p * C.vocab(), (p + 1) * C.vocab());
        assertEquals(0, Outputs.maxAbsDiff(Tensor.of(last, 1, 1, C.vocab()), out.get("logits")), 1e-5);
        for (int i = 0; i < C.layers(); i++) {
            assertArrayEquals(new int[] {1, C.heads(), tokens.length, C.headDim()}, out.get(Gpt2Decoder.presentKey(i)).shape());
            assertEquals(0, Outputs.maxAbsDiff(full.get(Gpt2Decoder.presentValue(i)), out.get(Gpt2Decoder.presentValue(i))), 1e-5);
        }
    }

    @Test
    void earlierPositionsDoNotSeeLaterTokens() {
        float[] a = uncached(new long[] {1, 2, 3, 4}).get("logits").floats();
        float[] b = uncached(new long[] {1, 2, 3, 77}).get("logits").floats();
        for (int i = 0; i < 3 * C.vocab(); i++) {
            assertEquals(a[i], b[i], 0f, "position " + i / C.vocab() + " changed with a later token");
        }
        boolean lastChanged = false;
        for (int i = 3 * C.vocab(); i < 4 * C.vocab(); i++) {
            lastChanged |= a[i] != b[i];
        }
        assertTrue(lastChanged, "the last position must see its own token");
    }

    @Test
    void generatorRejectsWhatTheModelCannotTake() {
        GreedyGenerator g = new GreedyGenerator(session, C);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(new long[0], 3)).getMessage().contains("at least one"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(new long[] {1}, C.maxPositions()))
                .getMessage().contains("positions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(new long[] {C.vocab()}, 1))
                .getMessage().contains("outside the vocabulary"));
    }
}
