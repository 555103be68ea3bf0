package dev.lanes.models.builders;

import static dev.lanes.models.builders.GraphBuilder.attr;
import static dev.lanes.models.builders.GraphBuilder.ints;

import java.util.List;

/**
 * The Transformer building blocks shared by the BERT, GPT-2 and ViT builders, spelled with the ops a
 * PyTorch export at opset 17 writes: MatMul + Add for a linear layer, LayerNormalization, GELU in its
 * decomposed erf or tanh form, Reshape/Transpose to split heads, and scaled dot-product attention as
 * MatMul, Div, Add (mask), Softmax, MatMul. Graph optimisers (ONNX Runtime's, Lanes' passes) are
 * expected to recognise and fuse these patterns, as they must for exported models.
 */
final class TransformerLayers {
    private TransformerLayers() {}

    /** x·W + b with W [in, out] ({@code scope.weight}) scaled to keep the variance, b ({@code scope.bias}). */
    static String linear(GraphBuilder b, String scope, String x, int in, int out) {
        String w = b.param(scope + ".weight", WeightInit.lecun(in), in, out);
        String bias = b.param(scope + ".bias", WeightInit.std(0.02), out);
        String y = b.op(scope, "MatMul", List.of(x, w));
        return b.op(scope, "Add", List.of(y, bias));
    }

    /** LayerNormalization over the last axis with a learnt scale near 1 and shift near 0. */
    static String layerNorm(GraphBuilder b, String scope, String x, int dim, float epsilon) {
        String gamma = b.param(scope + ".weight", WeightInit.uniform(0.9, 1.1), dim);
        String beta = b.param(scope + ".bias", WeightInit.std(0.02), dim);
        return b.op(scope, "LayerNormalization", List.of(x, gamma, beta), attr("axis", -1L), attr("epsilon", epsilon));
    }

    /** GELU, erf form: 0.5·x·(1 + erf(x/√2)), as torch.nn.GELU() exports (Div, Erf, Add, Mul, Mul). */
    static String geluErf(GraphBuilder b, String scope, String x) {
        String s = scope + "/gelu";
        String t = b.op(s, "Div", List.of(x, b.scalar((float) Math.sqrt(2))));
        t = b.op(s, "Erf", List.of(t));
        t = b.op(s, "Add", List.of(t, b.scalar(1f)));
        t = b.op(s, "Mul", List.of(x, t));
        return b.op(s, "Mul", List.of(t, b.scalar(0.5f)));
    }

    /**
     * GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as GPT-2's {@code gelu_new} exports
     * (Pow, Mul, Add, Mul, Tanh, Add, Mul, Mul).
     */
    static String geluTanh(GraphBuilder b, String scope, String x) {
        String s = scope + "/gelu";
        String cube = b.op(s, "Pow", List.of(x, b.scalar(3f)));
        String t = b.op(s, "Mul", List.of(cube, b.scalar(0.044715f)));
        t = b.op(s, "Add", List.of(x, t));
        t = b.op(s, "Mul", List.of(t, b.scalar((float) Math.sqrt(2 / Math.PI))));
        t = b.op(s, "Tanh", List.of(t));
        t = b.op(s, "Add", List.of(t, b.scalar(1f)));
        String half = b.op(s, "Mul", List.of(x, b.scalar(0.5f)));
        return b.op(s, "Mul", List.of(half, t));
    }

    /** [batch, seq, heads·d] → [batch, heads, seq, d]. */
    static String splitHeads(GraphBuilder b, String scope, String x, int heads, int headDim) {
        String r = b.op(scope, "Reshape", List.of(x, b.longs(0, 0, heads, headDim)));
        return b.op(scope, "Transpose", List.of(r), ints("perm", 0, 2, 1, 3));
    }

    /**
     * [batch, seq, heads·d] → Kᵀ per head [batch, heads, d, seq]: one Transpose (0 2 3 1), as exporters
     * write it once they merge the head split's transpose with the key's.
     */
    static String splitHeadsTransposed(GraphBuilder b, String scope, String x, int heads, int headDim) {
        String r = b.op(scope, "Reshape", List.of(x, b.longs(0, 0, heads, headDim)));
        return b.op(scope, "Transpose", List.of(r), ints("perm", 0, 2, 3, 1));
    }

    /** [batch, heads, seq, d] → [batch, seq, heads·d]. */
    static String mergeHeads(GraphBuilder b, String scope, String x, int heads, int headDim) {
        String t = b.op(scope, "Transpose", List.of(x), ints("perm", 0, 2, 1, 3));
        return b.op(scope, "Reshape", List.of(t, b.longs(0, 0, (long) heads * headDim)));
    }

    /**
     * softmax(Q·Kᵀ/√d + mask)·V with Q, V [batch, heads, seq, d] and Kᵀ [batch, heads, d, seq];
     * {@code mask} (additive, broadcast to the scores) may be null.
     */
    static String attention(GraphBuilder b, String scope, String q, String kt, String v, String mask, int headDim) {
        String s = b.op(scope, "MatMul", List.of(q, kt));
        s = b.op(scope, "Div", List.of(s, b.scalar((float) Math.sqrt(headDim))));
        if (mask != null) {
            s = b.op(scope, "Add", List.of(s, mask));
        }
        String p = b.op(scope, "Softmax", List.of(s), attr("axis", -1L));
        return b.op(scope, "MatMul", List.of(p, v));
    }

    /** Splits the last axis of a fused projection [.., n·d] into n equal parts. */
    static String[] splitLast(GraphBuilder b, String scope, String x, int parts, int size) {
        long[] sizes = new long[parts];
        java.util.Arrays.fill(sizes, size);
        return b.ops(scope, "Split", List.of(x, b.longs(sizes)), parts, attr("axis", -1L));
    }
}
