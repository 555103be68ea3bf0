package dev.lanes.models.builders;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Greedy text generation with a {@link Gpt2Decoder} model and its key/value cache: the prompt runs
 * once with an empty cache, then each step feeds only the newest token and the previous step's
 * {@code present} tensors as {@code past_key_values}, and picks the most likely next token (ties go to
 * the lowest id). Works with any session over a model that has the decoder's inputs and outputs.
 */
public final class GreedyGenerator {
    private final Session session;
    private final Gpt2Decoder.Config config;

    public GreedyGenerator(Session session, Gpt2Decoder.Config config) {
        this.session = session;
        this.config = config;
    }

    /**
     * The {@code count} tokens that follow {@code prompt}.
     *
     * @throws IllegalArgumentException when the prompt is empty, holds an id outside the vocabulary,
     *                                  or prompt plus new tokens exceed the model's positions
     */
    public long[] generate(long[] prompt, int count) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (count < 0 || (long) prompt.length + count > config.maxPositions()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus " + count
                    + " new ones exceeds the model's " + config.maxPositions() + " positions");
        }
        for (long id : prompt) {
            if (id < 0 || id >= config.vocab()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + config.vocab() + ")");
            }
        }
        long[] out = new long[count];
        Map<String, Tensor> feed = new HashMap<>(Gpt2Decoder.emptyCache(config, 1));
        feed.put("input_ids", Tensor.ofLongs(prompt.clone(), 1, prompt.length));
        for (int t = 0; t < count; t++) {
            Map<String, Tensor> result = session.run(feed);
            out[t] = lastArgMax(result.get("logits"));
            feed.clear();
            for (int i = 0; i < config.layers(); i++) {
                feed.put(Gpt2Decoder.pastKey(i), result.get(Gpt2Decoder.presentKey(i)));
                feed.put(Gpt2Decoder.pastValue(i), result.get(Gpt2Decoder.presentValue(i)));
            }
            feed.put("input_ids", Tensor.ofLongs(new long[] {out[t]}, 1, 1));
        }
        return out;
    }

    /** The index of the largest logit of the last position of [1, sequence, vocab] (first on ties). */
    static int lastArgMax(Tensor logits) {
        int vocab = logits.dim(2);
        float[] v = logits.floats();
        int base = (logits.dim(1) - 1) * vocab;
        int best = 0;
        for (int j = 1; j < vocab; j++) {
            if (v[base + j] > v[base + best]) {
                best = j;
            }
        }
        return best;
    }
}
