package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.WeightMemory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built transformers hold their linear weights packed only, and keep doing so while the session
 * compiles plans for new input shapes — GPT-2's prompt step and decode steps at growing contexts, BERT
 * at two sequence lengths: the new plans bind the same packed-only stand-ins, nothing is packed again, and the outputs equal the
 * unoptimised reference session's.
 */
class WeightMemoryTest {
    @Test
    void gpt2KeepsItsWeightsPackedOnlyAsTheContextGrows() {
        Gpt2Decoder.Config c = Gpt2Decoder.Config.tiny();
        byte[] bytes = Gpt2Decoder.build(c, 5).toBytes();
        Map<String, Tensor> prompt = new HashMap<>(Gpt2Decoder.emptyCache(c, 1));
        prompt.put("input_ids", Tensor.ofLongs(new long[] {5, 17, 42, 8, 3}, 1, 5));
        List<Map<String, Tensor>> steps = List.of(prompt, Gpt2Decoder.decodeInputs(c, 6, 11), Gpt2Decoder.decodeInputs(c, 9, 13));
        assertHeldOnceAcross(bytes, steps, "gpt2");
    }

    @Test
    void bertKeepsItsWeightsPackedOnlyAcrossSequenceLengths() {
        BertEncoder.Config c = BertEncoder.Config.tiny();
        byte[] bytes = BertEncoder.build(c, 3).toBytes();
        BertEncoder.Config shorter = new BertEncoder.Config(c.layers(), c.hidden(), c.heads(), c.intermediate(), c.vocab(),
                c.maxPositions(), 7);
        assertHeldOnceAcross(bytes, List.of(BertEncoder.exampleInputs(c, 1), BertEncoder.exampleInputs(shorter, 2)), "bert");
    }

    private static void assertHeldOnceAcross(byte[] bytes, List<Map<String, Tensor>> steps, String what) {
        try (Session ref = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.REFERENCE).withOptimize(false).withThreads(1));
             Session fast = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.FAST).withThreads(2))) {
            WeightMemory first = null;
            for (int i = 0; i < steps.size(); i++) {
                Outputs.assertClose(ref.run(steps.get(i)), fast.run(steps.get(i)), 1e-4, what + " step " + i);
                WeightMemory m = fast.weightMemory();
                if (first == null) {
                    first = m;
                    assertTrue(m.standIns() > 0 && m.packedConstants() > 0, m.describe());
                }
                assertEquals(first.packedBytes(), m.packedBytes(), what + " step " + i + ": nothing packed again: " + m.describe());
                // A plan for new shapes adds folded shape constants of its own, but binds the same stand-ins.
                Map<String, Tensor> general = fast.plan().graph().initializers();
                Map<String, Tensor> special = fast.planFor(steps.get(i)).graph().initializers();
                general.forEach((name, t) -> {
                    if (!t.holdsValues() && special.containsKey(name)) {
                        assertSame(t, special.get(name), what + ": " + name + " has no raw copy in a specialised plan");
                    }
                });
            }
            assertEquals(0, ref.weightMemory().standIns(), "the reference session keeps every weight raw");
        }
    }
}
