package dev.lanes.models.builders;

import static dev.lanes.models.builders.GraphBuilder.attr;

import dev.lanes.graph.DType;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (Devlin et al., arXiv:1810.04805) laid out as Hugging Face's {@code BertModel}:
 * word, position and token-type embeddings summed and normalised, post-norm encoder layers
 * (self-attention with the padding mask added as {@code (1 − mask)·float32_min}, GELU feed-forward),
 * and the tanh pooler on the first token. At full size (BERT-base: 12 layers, hidden 768, 12 heads,
 * feed-forward 3072, vocabulary 30522) it has 109,482,240 parameters.
 *
 * <p>Inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 [batch, sequence]);
 * outputs {@code last_hidden_state} [batch, sequence, hidden] and {@code pooler_output} [batch, hidden].
 */
public final class BertEncoder {

    /**
     * @param layers encoder layers (12)
     * @param hidden model width (768)
     * @param heads attention heads (12); hidden must divide by it
     * @param intermediate feed-forward width (3072)
     * @param vocab vocabulary size (30522)
     * @param maxPositions position embeddings (512)
     * @param sequence the example input's length (128)
     */
    public record Config(int layers, int hidden, int heads, int intermediate, int vocab, int maxPositions, int sequence) {
        public Config {
            if (layers < 1 || heads < 1 || hidden % heads != 0 || intermediate < 1 || vocab < 2 || sequence < 1
                    || sequence > maxPositions) {
                throw new IllegalArgumentException("inconsistent BERT configuration " + this);
            }
        }

        public static Config base() {
            return new Config(12, 768, 12, 3072, 30522, 512, 128);
        }

        public static Config tiny() {
            return new Config(2, 32, 4, 64, 100, 64, 16);
        }
    }

    private static final float LN_EPS = 1e-12f;

    private BertEncoder() {}

    public static BuiltModel build(Config c, long seed) {
        GraphBuilder b = new GraphBuilder("bert", seed);
        String ids = b.input("input_ids", DType.INT64, "batch", "sequence");
        String maskIn = b.input("attention_mask", DType.INT64, "batch", "sequence");
        String types = b.input("token_type_ids", DType.INT64, "batch", "sequence");

        String x = embeddings(b, c, ids, types);
        String mask = additiveMask(b, maskIn);
        for (int i = 0; i < c.layers(); i++) {
            x = layer(b, c, "encoder.layer." + i, x, mask);
        }
        String first = b.op("pooler", "Gather", List.of(x, b.longScalar(0)), attr("axis", 1L));
        String pooled = b.op("pooler", "Tanh", List.of(TransformerLayers.linear(b, "pooler.dense", first, c.hidden(), c.hidden())));

        b.output(x, "last_hidden_state", DType.FLOAT32, "batch", "sequence", c.hidden());
        b.output(pooled, "pooler_output", DType.FLOAT32, "batch", c.hidden());
        return new BuiltModel("bert_base", b.build(17), b.parameterCount(), exampleInputs(c, seed));
    }

    /** One sequence of {@code c.sequence()} random tokens, its last quarter padding (mask 0). */
    public static Map<String, dev.lanes.graph.Tensor> exampleInputs(Config c, long seed) {
        int s = c.sequence();
        long[] mask = new long[s];
        int real = Math.max(1, s - s / 4);
        java.util.Arrays.fill(mask, 0, real, 1);
        return Map.of(
                "input_ids", ExampleInputs.tokens(seed, 1, s, 1, c.vocab()),
                "attention_mask", dev.lanes.graph.Tensor.ofLongs(mask, 1, s),
                "token_type_ids", ExampleInputs.filledLongs(0, 1, s));
    }

    private static String embeddings(GraphBuilder b, Config c, String ids, String types) {
        String s = "embeddings";
        WeightInit init = WeightInit.std(0.02);
        String words = b.op(s, "Gather", List.of(b.param(s + ".word_embeddings.weight", init, c.vocab(), c.hidden()), ids));
        String seqLen = b.op(s, "Gather", List.of(b.op(s, "Shape", List.of(ids)), b.longScalar(1)), attr("axis", 0L));
        String positions = b.op(s, "Range", List.of(b.longScalar(0), seqLen, b.longScalar(1)));
        String pos = b.op(s, "Gather", List.of(b.param(s + ".position_embeddings.weight", init, c.maxPositions(), c.hidden()), positions));
        String typ = b.op(s, "Gather", List.of(b.param(s + ".token_type_embeddings.weight", init, 2, c.hidden()), types));
        String sum = b.op(s, "Add", List.of(b.op(s, "Add", List.of(words, typ)), pos));
        return TransformerLayers.layerNorm(b, s + ".LayerNorm", sum, c.hidden(), LN_EPS);
    }

    /** [batch, seq] int64 0/1 → [batch, 1, 1, seq] float: 0 where attended, float32 min where padded. */
    private static String additiveMask(GraphBuilder b, String mask) {
        String s = "extended_attention_mask";
        String m = b.op(s, "Unsqueeze", List.of(mask, b.longs(1, 2)));
        m = b.op(s, "Cast", List.of(m), attr("to", (long) DType.FLOAT32.onnxCode()));
        m = b.op(s, "Sub", List.of(b.scalar(1f), m));
        return b.op(s, "Mul", List.of(m, b.scalar(-Float.MAX_VALUE)));
    }

    private static String layer(GraphBuilder b, Config c, String name, String x, String mask) {
        int d = c.hidden() / c.heads();
        String a = name + ".attention.self";
        String q = TransformerLayers.splitHeads(b, a + ".query", TransformerLayers.linear(b, a + ".query", x, c.hidden(), c.hidden()), c.heads(), d);
        String kt = TransformerLayers.splitHeadsTransposed(b, a + ".key", TransformerLayers.linear(b, a + ".key", x, c.hidden(), c.hidden()), c.heads(), d);
        String v = TransformerLayers.splitHeads(b, a + ".value", TransformerLayers.linear(b, a + ".value", x, c.hidden(), c.hidden()), c.heads(), d);
        String ctx = TransformerLayers.mergeHeads(b, a, TransformerLayers.attention(b, a, q, kt, v, mask, d), c.heads(), d);

        String o = name + ".attention.output";
        String h = b.op(o, "Add", List.of(TransformerLayers.linear(b, o + ".dense", ctx, c.hidden(), c.hidden()), x));
        h = TransformerLayers.layerNorm(b, o + ".LayerNorm", h, c.hidden(), LN_EPS);

        String inter = TransformerLayers.linear(b, name + ".intermediate.dense", h, c.hidden(), c.intermediate());
        inter = TransformerLayers.geluErf(b, name + ".intermediate", inter);
        String out = name + ".output";
        String y = b.op(out, "Add", List.of(TransformerLayers.linear(b, out + ".dense", inter, c.intermediate(), c.hidden()), h));
        return TransformerLayers.layerNorm(b, out + ".LayerNorm", y, c.hidden(), LN_EPS);
    }
}
