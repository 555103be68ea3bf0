package dev.lanes.models.text;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings as sentence-transformers computes them with a BERT encoder such as
 * all-MiniLM-L6-v2: tokenise, run the encoder, mean-pool its last hidden state over the attention
 * mask, L2-normalise. Texts are run in batches padded to their longest member (padding does not change
 * the result: the model masks it and the pooling ignores it).
 *
 * <p>Safe to use from many threads if the session is.
 */
public final class SentenceEmbedder {
    private final Session session;
    private final WordPieceTokenizer tokenizer;
    private final String outputName;
    private final int batchSize;

    /**
     * @param session   an encoder with inputs {@code input_ids}, {@code attention_mask} (and optionally
     *                  {@code token_type_ids}), and a {@code [batch, length, dim]} output
     * @param batchSize how many texts go through the encoder at once
     */
    public SentenceEmbedder(Session session, WordPieceTokenizer tokenizer, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        for (String needed : List.of("input_ids", "attention_mask")) {
            if (!session.inputNames().contains(needed)) {
                throw new IllegalArgumentException("the model has no input '" + needed + "'; its inputs: " + session.inputNames());
            }
        }
        this.session = session;
        this.tokenizer = tokenizer.withPadding(Padding.longest(tokenizer.padding().padId()));
        this.outputName = session.outputNames().contains("last_hidden_state") ? "last_hidden_state" : session.outputNames().get(0);
        this.batchSize = batchSize;
    }

    /** One unit-length embedding per text, in order. */
    public float[][] embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            BatchEncoding enc = tokenizer.encodeBatch(batch);
            Map<String, Tensor> inputs = new HashMap<>();
            inputs.put("input_ids", Tensor.ofLongs(enc.inputIds(), enc.batch(), enc.length()));
            inputs.put("attention_mask", Tensor.ofLongs(enc.attentionMask(), enc.batch(), enc.length()));
            if (session.inputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", Tensor.ofLongs(enc.tokenTypeIds(), enc.batch(), enc.length()));
            }
            Tensor hidden = session.run(inputs).get(outputName);
            if (hidden.rank() != 3 || hidden.dim(0) != enc.batch() || hidden.dim(1) != enc.length()) {
                throw new IllegalStateException("the encoder's '" + outputName + "' has shape " + java.util.Arrays.toString(hidden.shape())
                        + ", expected [" + enc.batch() + ", " + enc.length() + ", dim]");
            }
            int dim = hidden.dim(2);
            float[] pooled = MeanPooling.pool(hidden.floats(), enc.attentionMask(), enc.batch(), enc.length(), dim);
            L2Normalize.rows(pooled, enc.batch(), dim);
            for (int b = 0; b < enc.batch(); b++) out.add(java.util.Arrays.copyOfRange(pooled, b * dim, (b + 1) * dim));
        }
        return out.toArray(new float[0][]);
    }
}
