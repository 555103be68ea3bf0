package dev.lanes.models.builders;

import static dev.lanes.models.builders.GraphBuilder.attr;
import static dev.lanes.models.builders.GraphBuilder.ints;

import dev.lanes.graph.DType;
import java.util.List;
import java.util.Map;

/**
 * The Vision Transformer ViT-B/16 (Dosovitskiy et al., arXiv:2010.11929) as torchvision defines it:
 * a 16x16/16 convolution cuts the image into patches, a class token is prepended and position
 * embeddings added, pre-norm encoder blocks (fused QKV projection, self-attention without mask, GELU
 * feed-forward), a final norm and a linear head on the class token. At full size (224x224, 12 layers,
 * hidden 768, 12 heads, feed-forward 3072, 1000 classes) it has 86,567,656 parameters.
 *
 * <p>Input {@code input} [batch, 3, size, size]; output {@code logits} [batch, classes].
 */
public final class VitB16 {

    /**
     * @param imageSize input height and width (224), a multiple of the patch size
     * @param patch patch size (16)
     * @param layers encoder blocks (12)
     * @param hidden width (768)
     * @param heads attention heads (12)
     * @param mlp feed-forward width (3072)
     * @param classes head outputs (1000)
     */
    public record Config(int imageSize, int patch, int layers, int hidden, int heads, int mlp, int classes) {
        public Config {
            if (patch < 1 || imageSize % patch != 0 || layers < 1 || heads < 1 || hidden % heads != 0 || mlp < 1 || classes < 1) {
                throw new IllegalArgumentException("inconsistent ViT configuration " + this);
            }
        }

        public static Config b16() {
            return new Config(224, 16, 12, 768, 12, 3072, 1000);
        }

        public static Config tiny() {
            return new Config(32, 8, 2, 32, 4, 64, 10);
        }

        /** Patches plus the class token. */
        public int tokens() {
            int side = imageSize / patch;
            return side * side + 1;
        }
    }

    private static final float LN_EPS = 1e-6f;

    private VitB16() {}

    public static BuiltModel build(Config c, long seed) {
        GraphBuilder b = new GraphBuilder("vit_b_16", seed);
        String x = b.input("input", DType.FLOAT32, "batch", 3, c.imageSize(), c.imageSize());
        int p = c.patch();
        String w = b.param("conv_proj.weight", WeightInit.lecun(3L * p * p), c.hidden(), 3, p, p);
        String bias = b.param("conv_proj.bias", WeightInit.std(0.02), c.hidden());
        String y = b.op("conv_proj", "Conv", List.of(x, w, bias),
                ints("dilations", 1, 1), attr("group", 1L), ints("kernel_shape", p, p),
                ints("pads", 0, 0, 0, 0), ints("strides", p, p));
        // [b, hidden, h/p, w/p] → [b, patches, hidden]
        y = b.op("patchify", "Reshape", List.of(y, b.longs(0, c.hidden(), -1)));
        y = b.op("patchify", "Transpose", List.of(y), ints("perm", 0, 2, 1));

        String cls = b.param("class_token", WeightInit.std(0.02), 1, 1, c.hidden());
        String batch = b.op("class_token", "Gather", List.of(b.op("class_token", "Shape", List.of(x)), b.longs(0)),
                attr("axis", 0L));
        String clsShape = b.op("class_token", "Concat", List.of(batch, b.longs(1, c.hidden())), attr("axis", 0L));
        String clsTokens = b.op("class_token", "Expand", List.of(cls, clsShape));
        y = b.op("class_token", "Concat", List.of(clsTokens, y), attr("axis", 1L));
        String pos = b.param("encoder.pos_embedding", WeightInit.std(0.02), 1, c.tokens(), c.hidden());
        y = b.op("encoder", "Add", List.of(y, pos));

        for (int i = 0; i < c.layers(); i++) {
            y = block(b, c, "encoder.layers.encoder_layer_" + i, y);
        }
        y = TransformerLayers.layerNorm(b, "encoder.ln", y, c.hidden(), LN_EPS);
        String first = b.op("heads", "Gather", List.of(y, b.longScalar(0)), attr("axis", 1L));
        String hw = b.param("heads.head.weight", WeightInit.lecun(c.hidden()), c.classes(), c.hidden());
        String hb = b.param("heads.head.bias", WeightInit.std(0.01), c.classes());
        b.opTo("logits", "heads.head", "Gemm", List.of(first, hw, hb), attr("transB", 1L));
        b.output("logits", "logits", DType.FLOAT32, "batch", c.classes());
        return new BuiltModel("vit_b_16", b.build(17), b.parameterCount(),
                Map.of("input", ExampleInputs.image(seed, 1, c.imageSize(), c.imageSize())));
    }

    private static String block(GraphBuilder b, Config c, String name, String x) {
        int d = c.hidden() / c.heads();
        String a = name + ".self_attention";
        String n1 = TransformerLayers.layerNorm(b, name + ".ln_1", x, c.hidden(), LN_EPS);
        String qkv = TransformerLayers.linear(b, a + ".in_proj", n1, c.hidden(), 3 * c.hidden());
        String[] parts = TransformerLayers.splitLast(b, a, qkv, 3, c.hidden());
        String q = TransformerLayers.splitHeads(b, a + ".q", parts[0], c.heads(), d);
        String kt = TransformerLayers.splitHeadsTransposed(b, a + ".k", parts[1], c.heads(), d);
        String v = TransformerLayers.splitHeads(b, a + ".v", parts[2], c.heads(), d);
        String ctx = TransformerLayers.mergeHeads(b, a, TransformerLayers.attention(b, a, q, kt, v, null, d), c.heads(), d);
        String h = b.op(name, "Add", List.of(x, TransformerLayers.linear(b, a + ".out_proj", ctx, c.hidden(), c.hidden())));

        String n2 = TransformerLayers.layerNorm(b, name + ".ln_2", h, c.hidden(), LN_EPS);
        String m = TransformerLayers.linear(b, name + ".mlp.0", n2, c.hidden(), c.mlp());
        m = TransformerLayers.geluErf(b, name + ".mlp", m);
        m = TransformerLayers.linear(b, name + ".mlp.3", m, c.mlp(), c.hidden());
        return b.op(name, "Add", List.of(h, m));
    }
}
