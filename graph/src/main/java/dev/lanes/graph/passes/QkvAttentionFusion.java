package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Attention whose Q, K and V are the three outputs of one Split of a projection's last axis (what
 * {@link SiblingMatMulFusion} makes of an encoder's Q/K/V projections) reads them in place:
 *
 * <pre>
 *   q, k, v = Split(qkv, axis -1, [Nq, Nk, Nv])    y = Attention(q, k, v, mask?)
 *   →  y = lanes QkvAttention(qkv, mask?) with qkv_split = [Nq, Nk, Nv]
 * </pre>
 *
 * so the Split's three copies go. Preconditions: a default-domain Attention with 3-D inputs and no past or
 * nonpad_kv_seqlen, one output and qk_matmul_output_mode 0, an absent or float32 mask; the Split (opset 13
 * or later, widths a constant input) cuts the last axis of its input into exactly q, k and v, in that order,
 * each a fixed-shape float32 {@code [B, S, width]} read only by the Attention.
 */
public final class QkvAttentionFusion extends FusionPass {

    @Override
    public String name() {
        return "qkv-attention-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node at) {
        if (!at.domain().isEmpty() || !at.opType().equals("Attention") || at.inputs().size() < 3 || at.inputs().size() > 4
                || Rewrite.out(at) == null || NodeAttrs.getLong(at, "qk_matmul_output_mode", 0) != 0) {
            return;
        }
        String mask = at.inputs().size() > 3 && !at.input(3).isEmpty() ? at.input(3) : null;
        if (mask != null && ix.info(mask).dtype() != DType.FLOAT32) {
            return;
        }
        Node split = Rewrite.producer(ix, at.input(0), "Split");
        if (split == null || split.opset() < 13 || split.inputs().size() != 2 || split.outputs().size() != 3) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            if (!split.outputs().get(i).equals(at.input(i)) || !ix.hasSingleUse(at.input(i))) {
                return;
            }
        }
        // The slices' shapes, not the Split input's: a Split a pass has just made has no inferred shape yet.
        long[] widths = longs(ix, split.input(1));
        long axis = NodeAttrs.getLong(split, "axis", 0);
        if (widths == null || widths.length != 3 || (axis != -1 && axis != 2)) {
            return;
        }
        int[] q = ix.info(at.input(0)).fixedShape();
        for (int i = 0; i < 3; i++) {
            int[] slice = ix.info(at.input(i)).fixedShape();
            if (slice == null || slice.length != 3 || q == null || slice[0] != q[0] || slice[1] != q[1] || slice[2] != widths[i]
                    || ix.info(at.input(i)).dtype() != DType.FLOAT32) {
                return;
            }
        }
        if (!rw.claim(split, at)) {
            return;
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>(at.attributes());
        attrs.put(FusedOps.QKV_SPLIT, Attribute.ofLongs(FusedOps.QKV_SPLIT, widths));
        List<String> inputs = new ArrayList<>(List.of(split.input(0)));
        if (mask != null) {
            inputs.add(mask);
        }
        rw.replace(at, new Node(at.name(), FusedOps.QKV_ATTENTION, FusedOps.DOMAIN, 1, inputs, at.outputs(), attrs));
    }

    private static long[] longs(GraphIndex ix, String value) {
        var t = ix.constant(value);
        if (t == null || !t.dtype().isInteger()) {
            return null;
        }
        long[] v = new long[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getLong(i);
        }
        return v;
    }
}
