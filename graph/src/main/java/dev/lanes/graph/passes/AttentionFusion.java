package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.reference.AttentionShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The multi-head attention of exported BERT-style encoders becomes one ONNX Attention node (opset 23)
 * on the projections' {@code [batch, sequence, heads·head_size]} tensors, which the fast backend runs
 * with the fused flash-attention kernel (the {@code [S, L]} score matrix is never stored):
 *
 * <pre>
 *   Qh = Transpose(Reshape(q, [B, S, H, d]), 0 2 1 3)      Kt = Transpose(Reshape(k, [B, L, H, d]), 0 2 3 1)
 *   Vh = Transpose(Reshape(v, [B, L, H, dv]), 0 2 1 3)
 *   P  = Softmax(MatMul(Qh, Kt) / c  + mask)               (÷c or ·c or neither; the mask Add optional)
 *   y  = Reshape(Transpose(MatMul(P, Vh), 0 2 1 3), [B, S, H·dv])
 * </pre>
 * → {@code Attention(q, k, v, mask)} with {@code q_num_heads = kv_num_heads = H} and {@code scale} = 1/c
 * (or c, or 1).
 *
 * <p>Preconditions: every intermediate is read only by the next step; q, k, v and the Reshapes'
 * results have fixed shapes (so this fusion applies in plans specialised for their input shapes, once
 * the shape chains are folded); the softmax is over the last axis; c is a constant scalar; the mask is
 * float32 and broadcasts to {@code [B, H, S, L]} (checked by {@link AttentionShape} itself).
 */
public final class AttentionFusion extends FusionPass {
    private static final long[] HEADS_FIRST = {0, 2, 1, 3};
    private static final long[] KEYS_TRANSPOSED = {0, 2, 3, 1};

    @Override
    public String name() {
        return "attention-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node sm) {
        if (sm.domain().isEmpty() && sm.opType().equals("Softmax")) {
            fuse(ix, rw, sm);
        }
    }

    private static void fuse(GraphIndex ix, Rewrite rw, Node sm) {
        int[] sShape = ix.info(sm.input(0)).fixedShape();
        if (sShape == null || sShape.length != 4 || Rewrite.out(sm) == null) {
            return;
        }
        long axis = NodeAttrs.getLong(sm, "axis", sm.opset() < 13 ? 1 : -1);
        if (axis != -1 && axis != 3) {
            return;
        }
        List<Node> nodes = new ArrayList<>(List.of(sm));
        // Backwards from the softmax: optional mask Add, optional scale, then Q·Kᵀ.
        String scores = sm.input(0);
        String mask = null;
        Node add = Rewrite.producer(ix, scores, "Add");
        if (add != null && ix.hasSingleUse(scores)) {
            for (int side = 0; side < 2 && mask == null; side++) {
                Node p = ix.producer(add.input(side));
                if (p != null && p.domain().isEmpty() && (p.opType().equals("Div") || p.opType().equals("Mul") || p.opType().equals("MatMul"))) {
                    mask = add.input(1 - side);
                    scores = add.input(side);
                }
            }
            if (mask == null || ix.info(mask).dtype() != DType.FLOAT32 || ix.info(mask).fixedShape() == null) {
                return;
            }
            nodes.add(add);
        }
        ScaledScores scaled = ScaledScores.of(ix, scores);
        if (scaled == null) {
            return;
        }
        if (scaled.node() != null) {
            nodes.add(scaled.node());
        }
        float scale = scaled.scale();
        scores = scaled.input();
        Node qk = Rewrite.producer(ix, scores, "MatMul");
        if (qk == null || !ix.hasSingleUse(scores)) {
            return;
        }
        nodes.add(qk);
        // Forwards: P·V, the transpose back and the merge of the heads.
        Node pv = Rewrite.consumer(ix, Rewrite.out(sm), "MatMul");
        if (pv == null || !pv.input(0).equals(Rewrite.out(sm)) || Rewrite.out(pv) == null) {
            return;
        }
        Node back = Rewrite.consumer(ix, Rewrite.out(pv), "Transpose");
        if (back == null || !Arrays.equals(NodeAttrs.getLongs(back, "perm"), HEADS_FIRST) || Rewrite.out(back) == null) {
            return;
        }
        Node merge = Rewrite.consumer(ix, Rewrite.out(back), "Reshape");
        if (merge == null || !merge.input(0).equals(Rewrite.out(back)) || Rewrite.out(merge) == null) {
            return;
        }
        nodes.addAll(List.of(pv, back, merge));
        // The three head splits.
        Split q = split(ix, qk.input(0), HEADS_FIRST), k = split(ix, qk.input(1), KEYS_TRANSPOSED), v = split(ix, pv.input(1), HEADS_FIRST);
        if (q == null || k == null || v == null || q.heads != k.heads || k.heads != v.heads) {
            return;
        }
        nodes.addAll(List.of(q.reshape, q.transpose, k.reshape, k.transpose, v.reshape, v.transpose));
        int[] out = ix.info(Rewrite.out(merge)).fixedShape();
        int[] maskShape = mask == null ? null : ix.info(mask).fixedShape();
        try {
            AttentionShape s = AttentionShape.fromOnnx(q.shape, k.shape, v.shape, maskShape, false, null, null, null, q.heads, k.heads,
                    scale, false, 0f, 0);
            if (out == null || !Arrays.equals(s.outputShape(), out)) {
                return;
            }
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!rw.claim(nodes.toArray(new Node[0]))) {
            return;
        }
        List<String> inputs = new ArrayList<>(List.of(q.value, k.value, v.value));
        if (mask != null) {
            inputs.add(mask);
        }
        rw.replace(merge, Rewrite.node(sm.name(), "Attention", Math.max(23, sm.opset()), inputs, merge.outputs(),
                List.of(Attribute.ofLong("q_num_heads", q.heads), Attribute.ofLong("kv_num_heads", k.heads), Attribute.ofFloat("scale", scale))));
    }

    /** {@code Transpose(Reshape(value, [B, S, H, d]), perm)}: the projection split into heads. */
    private record Split(String value, int[] shape, int heads, Node reshape, Node transpose) {}

    private static Split split(GraphIndex ix, String headsValue, long[] perm) {
        Node t = Rewrite.producer(ix, headsValue, "Transpose");
        if (t == null || !ix.hasSingleUse(headsValue) || !Arrays.equals(NodeAttrs.getLongs(t, "perm"), perm)) {
            return null;
        }
        Node r = Rewrite.producer(ix, t.input(0), "Reshape");
        if (r == null || !ix.hasSingleUse(t.input(0))) {
            return null;
        }
        ValueInfo in = ix.info(r.input(0));
        int[] src = in.fixedShape(), split = ix.info(t.input(0)).fixedShape();
        if (src == null || split == null || src.length != 3 || split.length != 4 || in.dtype() != DType.FLOAT32
                || split[0] != src[0] || split[1] != src[1] || (long) split[2] * split[3] != src[2]) {
            return null;
        }
        return new Split(r.input(0), src, split[2], r, t);
    }
}
