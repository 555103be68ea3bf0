package dev.lanes.models.builders;

import static dev.lanes.models.builders.GraphBuilder.attr;
import static dev.lanes.models.builders.GraphBuilder.ints;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A GPT-2 decoder (Radford et al. 2019) laid out as Hugging Face's {@code GPT2LMHeadModel} exports
 * with its key/value cache: token and position embeddings, pre-norm blocks (fused QKV projection split
 * in three, causal self-attention over the cached keys and values, tanh-GELU feed-forward), a final
 * norm, and the language-model head tied to the token embedding (one initializer, used by a Gemm with
 * transB). At full size (GPT-2 small: 12 layers, hidden 768, 12 heads, vocabulary 50257, 1024
 * positions) it has 124,439,808 parameters.
 *
 * <p>Inputs: {@code input_ids} int64 [batch, sequence] and, per layer i, {@code past_key_values.i.key}
 * and {@code past_key_values.i.value} float [batch, heads, past_sequence, head_dim] (past_sequence may
 * be 0). Outputs: {@code logits} [batch, sequence, vocab] and {@code present.i.key/value}
 * [batch, heads, past_sequence + sequence, head_dim], the inputs of the next step. Positions continue
 * from past_sequence, and the causal mask lets query t see keys 0..past_sequence+t.
 */
public final class Gpt2Decoder {

    /**
     * @param layers blocks (12)
     * @param hidden width (768)
     * @param heads attention heads (12)
     * @param vocab vocabulary (50257)
     * @param maxPositions position embeddings (1024)
     * @param context the example input's context: one new token after context − 1 cached ones (512)
     */
    public record Config(int layers, int hidden, int heads, int vocab, int maxPositions, int context) {
        public Config {
            if (layers < 1 || heads < 1 || hidden % heads != 0 || vocab < 2 || context < 1 || context > maxPositions) {
                throw new IllegalArgumentException("inconsistent GPT-2 configuration " + this);
            }
        }

        public static Config small() {
            return new Config(12, 768, 12, 50257, 1024, 512);
        }

        public static Config tiny() {
            return new Config(2, 32, 4, 100, 64, 16);
        }

        public int headDim() {
            return hidden / heads;
        }
    }

    private static final float LN_EPS = 1e-5f;

    private Gpt2Decoder() {}

    public static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    public static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    public static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    public static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    public static BuiltModel build(Config c, long seed) {
        GraphBuilder b = new GraphBuilder("gpt2", seed);
        int d = c.headDim();
        String ids = b.input("input_ids", DType.INT64, "batch", "sequence");
        String[] pastK = new String[c.layers()];
        String[] pastV = new String[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            pastK[i] = b.input(pastKey(i), DType.FLOAT32, "batch", c.heads(), "past_sequence", d);
            pastV[i] = b.input(pastValue(i), DType.FLOAT32, "batch", c.heads(), "past_sequence", d);
        }

        // Positions past..past+seq-1 and the causal mask [seq, past+seq], computed once for all blocks.
        String s = "positions";
        String past = b.op(s, "Gather", List.of(b.op(s, "Shape", List.of(pastK[0])), b.longScalar(2)), attr("axis", 0L));
        String seq = b.op(s, "Gather", List.of(b.op(s, "Shape", List.of(ids)), b.longScalar(1)), attr("axis", 0L));
        String total = b.op(s, "Add", List.of(past, seq));
        String positions = b.op(s, "Range", List.of(past, total, b.longScalar(1)));
        String m = "causal_mask";
        String keyPos = b.op(m, "Range", List.of(b.longScalar(0), total, b.longScalar(1)));
        String queryPos = b.op(m, "Unsqueeze", List.of(positions, b.longs(1)));
        String visible = b.op(m, "LessOrEqual", List.of(keyPos, queryPos));
        String mask = b.op(m, "Where", List.of(visible, b.scalar(0f), b.scalar(-Float.MAX_VALUE)));

        String wte = b.param("wte.weight", WeightInit.std(0.02), c.vocab(), c.hidden());
        String wpe = b.param("wpe.weight", WeightInit.std(0.01), c.maxPositions(), c.hidden());
        String h = b.op("embeddings", "Add", List.of(
                b.op("wte", "Gather", List.of(wte, ids)),
                b.op("wpe", "Gather", List.of(wpe, positions))));

        for (int i = 0; i < c.layers(); i++) {
            h = block(b, c, i, h, pastK[i], pastV[i], mask);
        }
        h = TransformerLayers.layerNorm(b, "ln_f", h, c.hidden(), LN_EPS);

        // The head reuses wte ([vocab, hidden]) through transB: flatten the tokens, Gemm, restore the shape.
        String flat = b.op("lm_head", "Reshape", List.of(h, b.longs(-1, c.hidden())));
        String scores = b.op("lm_head", "Gemm", List.of(flat, wte), attr("transB", 1L));
        String outShape = b.op("lm_head", "Concat", List.of(b.op("lm_head", "Shape", List.of(ids)), b.longs(c.vocab())),
                attr("axis", 0L));
        b.opTo("logits", "lm_head", "Reshape", List.of(scores, outShape));
        b.output("logits", "logits", DType.FLOAT32, "batch", "sequence", c.vocab());
        for (int i = 0; i < c.layers(); i++) {
            b.output(presentKey(i), presentKey(i), DType.FLOAT32, "batch", c.heads(), "total_sequence", d);
            b.output(presentValue(i), presentValue(i), DType.FLOAT32, "batch", c.heads(), "total_sequence", d);
        }
        return new BuiltModel("gpt2_small", b.build(17), b.parameterCount(), decodeInputs(c, c.context() - 1, seed));
    }

    private static String block(GraphBuilder b, Config c, int i, String h, String pastK, String pastV, String mask) {
        String name = "h." + i;
        int d = c.headDim();
        String x = TransformerLayers.layerNorm(b, name + ".ln_1", h, c.hidden(), LN_EPS);
        String a = name + ".attn";
        String qkv = TransformerLayers.linear(b, a + ".c_attn", x, c.hidden(), 3 * c.hidden());
        String[] parts = TransformerLayers.splitLast(b, a, qkv, 3, c.hidden());
        String q = TransformerLayers.splitHeads(b, a + ".q", parts[0], c.heads(), d);
        String k = TransformerLayers.splitHeads(b, a + ".k", parts[1], c.heads(), d);
        String v = TransformerLayers.splitHeads(b, a + ".v", parts[2], c.heads(), d);
        String keys = b.opTo(presentKey(i), a, "Concat", List.of(pastK, k), attr("axis", 2L));
        String values = b.opTo(presentValue(i), a, "Concat", List.of(pastV, v), attr("axis", 2L));
        // The cache holds keys as [batch, heads, seq, d], so Kᵀ is a Transpose after the Concat, as exported.
        String kt = b.op(a, "Transpose", List.of(keys), ints("perm", 0, 1, 3, 2));
        String ctx = TransformerLayers.mergeHeads(b, a, TransformerLayers.attention(b, a, q, kt, values, mask, d), c.heads(), d);
        h = b.op(name, "Add", List.of(h, TransformerLayers.linear(b, a + ".c_proj", ctx, c.hidden(), c.hidden())));

        String y = TransformerLayers.layerNorm(b, name + ".ln_2", h, c.hidden(), LN_EPS);
        String f = name + ".mlp";
        y = TransformerLayers.linear(b, f + ".c_fc", y, c.hidden(), 4 * c.hidden());
        y = TransformerLayers.geluTanh(b, f, y);
        y = TransformerLayers.linear(b, f + ".c_proj", y, 4 * c.hidden(), c.hidden());
        return b.op(name, "Add", List.of(h, y));
    }

    /** Inputs of one decode step: one token after {@code past} cached positions of random keys and values. */
    public static Map<String, Tensor> decodeInputs(Config c, int past, long seed) {
        Map<String, Tensor> in = new HashMap<>();
        in.put("input_ids", ExampleInputs.tokens(seed, 1, 1, 0, c.vocab()));
        for (int i = 0; i < c.layers(); i++) {
            in.put(pastKey(i), ExampleInputs.floats(seed * 31 + 2L * i, 1, c.heads(), past, c.headDim()));
            in.put(pastValue(i), ExampleInputs.floats(seed * 31 + 2L * i + 1, 1, c.heads(), past, c.headDim()));
        }
        return in;
    }

    /** An empty cache: every past key and value with past_sequence 0, for the first (prompt) step. */
    public static Map<String, Tensor> emptyCache(Config c, int batch) {
        Map<String, Tensor> in = new HashMap<>();
        for (int i = 0; i < c.layers(); i++) {
            in.put(pastKey(i), Tensor.of(new float[0], batch, c.heads(), 0, c.headDim()));
            in.put(pastValue(i), Tensor.of(new float[0], batch, c.heads(), 0, c.headDim()));
        }
        return in;
    }
}
