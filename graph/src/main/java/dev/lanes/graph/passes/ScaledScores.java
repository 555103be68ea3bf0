package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Node;

/**
 * The optional constant scale in front of an attention softmax: {@code scores / c}, {@code scores · c}
 * or {@code c · scores}, as the attention fusion passes match it walking back from the softmax.
 *
 * @param node  the Div/Mul that scales, or null when the scores are not scaled
 * @param input the unscaled scores (the product Q·Kᵀ)
 * @param scale the factor the fused Attention applies (1/c for a Div)
 */
record ScaledScores(Node node, String input, float scale) {

    /** The scale in front of {@code scores}; null when a Div/Mul is there but cannot be folded (not a constant, or shared). */
    static ScaledScores of(GraphIndex ix, String scores) {
        Node n = ix.producer(scores);
        if (n == null || !n.domain().isEmpty() || !(n.opType().equals("Div") || n.opType().equals("Mul"))) {
            return new ScaledScores(null, scores, 1f);
        }
        if (!ix.hasSingleUse(scores)) {
            return null;
        }
        boolean div = n.opType().equals("Div");
        int constSide = Rewrite.scalar(ix, n.input(1)) != null ? 1 : !div && Rewrite.scalar(ix, n.input(0)) != null ? 0 : -1;
        if (constSide < 0) {
            return null;
        }
        double c = Rewrite.scalar(ix, n.input(constSide));
        return new ScaledScores(n, n.input(1 - constSide), (float) (div ? 1 / c : c));
    }
}
