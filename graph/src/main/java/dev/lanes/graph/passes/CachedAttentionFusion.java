package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedOps;
import dev.lanes.reference.AttentionShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attention of exported decoders (GPT-2 style), whose keys and values are already heads-first
 * {@code [B, H, L, d]} tensors — the KV cache after its Concat — becomes one ONNX Attention node (opset
 * 23) on those 4-D tensors, which the fast backend runs with the fused kernels (at decode, one query row
 * per head, K and V are each streamed once and the scores never leave the kernel's scratch):
 *
 * <pre>
 *   P = Softmax(MatMul(Q, Transpose(K, 0 1 3 2)) / c + mask)      (÷c or ·c or neither; the mask Add optional)
 *   Y = MatMul(P, V)
 * </pre>
 * → {@code Attention(Q, K, V, mask)} with {@code scale} = 1/c (or c, or 1); Y keeps its
 * {@code [B, H, S, dv]} shape, so the head merge after it is untouched.
 *
 * <p>Runs after {@link AttentionFusion} (which takes the encoder pattern with its head splits and
 * merge) and before {@link TransposedMatMulFusion} (which would otherwise take the Kᵀ product alone).
 * Preconditions: every intermediate is read only by the next step; Q, K, V, the mask and Y have fixed
 * shapes (the fusion applies in plans specialised for their input shapes) and are float32; the softmax
 * is over the last axis; c is a constant scalar; the shapes are a valid 4-D Attention whose output is
 * Y's shape (checked by {@link AttentionShape} itself, so K and V may have fewer heads than Q only as
 * grouped-query attention allows).
 */
public final class CachedAttentionFusion extends FusionPass {
    private static final long[] KEYS_TRANSPOSED = {0, 1, 3, 2};

    @Override
    public String name() {
        return "cached-attention-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node sm) {
        if (!sm.domain().isEmpty() || !sm.opType().equals("Softmax") || Rewrite.out(sm) == null) {
            return;
        }
        long axis = NodeAttrs.getLong(sm, "axis", sm.opset() < 13 ? 1 : -1);
        int[] scoreShape = ix.info(sm.input(0)).fixedShape();
        if (scoreShape == null || scoreShape.length != 4 || (axis != -1 && axis != 3)) {
            return;
        }
        List<Node> nodes = new ArrayList<>(List.of(sm));
        // Backwards from the softmax: optional mask Add, optional scale, then Q·Kᵀ.
        String scores = sm.input(0);
        String mask = null;
        Node add = Rewrite.producer(ix, scores, "Add");
        if (add != null) {
            if (!ix.hasSingleUse(scores)) {
                return;
            }
            for (int side = 0; side < 2 && mask == null; side++) {
                Node p = ix.producer(add.input(side));
                if (p != null && (p.domain().isEmpty() && (p.opType().equals("Div") || p.opType().equals("Mul") || p.opType().equals("MatMul"))
                        || transposedProduct(p))) {
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
        Node qk = ix.producer(scores);
        if (qk == null || !ix.hasSingleUse(scores)) {
            return;
        }
        String k;
        if (transposedProduct(qk)) {
            k = qk.input(1);
            nodes.add(qk);
        } else {
            Node kt = qk.domain().isEmpty() && qk.opType().equals("MatMul") ? Rewrite.producer(ix, qk.input(1), "Transpose") : null;
            if (kt == null || ix.singleConsumer(qk.input(1)) != qk || !Arrays.equals(NodeAttrs.getLongs(kt, "perm"), KEYS_TRANSPOSED)) {
                return;
            }
            k = kt.input(0);
            nodes.addAll(List.of(qk, kt));
        }
        // Forwards: P·V.
        Node pv = Rewrite.consumer(ix, Rewrite.out(sm), "MatMul");
        if (pv == null || !pv.input(0).equals(Rewrite.out(sm)) || Rewrite.out(pv) == null) {
            return;
        }
        nodes.add(pv);
        String q = qk.input(0), v = pv.input(1);
        int[] qs = floatShape(ix, q), ks = floatShape(ix, k), vs = floatShape(ix, v);
        int[] out = ix.info(Rewrite.out(pv)).fixedShape();
        if (qs == null || ks == null || vs == null || out == null || qs.length != 4) {
            return;
        }
        try {
            AttentionShape s = AttentionShape.fromOnnx(qs, ks, vs, mask == null ? null : ix.info(mask).fixedShape(), false,
                    null, null, null, null, null, scale, false, 0f, 0);
            if (!Arrays.equals(s.outputShape(), out)) {
                return;
            }
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!rw.claim(nodes.toArray(new Node[0]))) {
            return;
        }
        List<String> inputs = new ArrayList<>(List.of(q, k, v));
        if (mask != null) {
            inputs.add(mask);
        }
        rw.replace(pv, Rewrite.node(sm.name(), "Attention", Math.max(23, sm.opset()), inputs, pv.outputs(),
                List.of(Attribute.ofFloat("scale", scale))));
    }

    /**
     * Q·Kᵀ already folded by {@link TransposedMatMulFusion} (a session's general plan runs every pass
     * before the shapes are fixed, and its specialised plans start from that graph): lanes FusedMatMul
     * {@code (Q, K)} with {@code transB = 1} and nothing else.
     */
    private static boolean transposedProduct(Node n) {
        return n.domain().equals(FusedOps.DOMAIN) && n.opType().equals(FusedOps.FUSED_MATMUL) && n.inputs().size() == 2
                && NodeAttrs.getLong(n, FusedOps.TRANS_B, 0) == 1 && NodeAttrs.onlyHas(n, FusedOps.TRANS_B);
    }

    /** The fixed dims of a float32 value, or null. */
    private static int[] floatShape(GraphIndex ix, String value) {
        return ix.info(value).dtype() == DType.FLOAT32 ? ix.info(value).fixedShape() : null;
    }
}
