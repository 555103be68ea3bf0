package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A convolution whose only reader is a GlobalAveragePool (the last 1x1 of MobileNetV2 and similar heads: 320→1280
 * on 7², then the mean of each channel) becomes one lanes FusedConvGlobalAveragePool node: the fast backend sums
 * each share's channels right after computing them (simd-kernels' {@code ConvGlobalPoolOperator}), so the map is
 * never written out whole and the pool runs on every thread; the reference binding runs the two in turn.
 *
 * <p>Pattern: a FusedConv C (float32 W, no residual) whose output is read by a GlobalAveragePool P alone (not a graph
 * output), P with no attribute but {@link LayoutSelection}'s layout mark. The fused node reads {@code (X, W, B)} and
 * keeps C's attributes (X layout, activation) but Y's layout mark: its output {@code [N, M, 1, 1]} is the same in
 * either layout. Runs after {@link LayoutSelection}, only on graphs whose inputs all have fixed shapes.
 */
public final class ConvGlobalPoolFusion extends FusionPass {

    @Override
    public String name() {
        return "conv-global-pool-fusion";
    }

    @Override
    public Graph apply(Graph g) {
        return StandardPasses.worthSpecialising(g) ? g : super.apply(g);
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node p) {
        if (!p.domain().isEmpty() || !p.opType().equals("GlobalAveragePool") || p.outputs().size() != 1
                || !NodeAttrs.onlyHas(p, LayoutSelection.NHWC)) {
            return;
        }
        String mid = p.input(0);
        Node c = ix.producer(mid);
        if (c == null || !FusedConvMatch.isFusedConv(c) || !c.input(3).isEmpty() || ix.isGraphOutput(mid) || ix.singleConsumer(mid) != p
                || !FusedConvMatch.floatWeights(ix, c) || ix.info(mid).fixedShape() == null || ix.info(mid).fixedShape().length != 4) {
            return;
        }
        if (!rw.claim(new Node[] {c, p})) {
            return;
        }
        List<String> inputs = FusedConvMatch.convInputs(c);
        Map<String, Attribute> attrs = new LinkedHashMap<>(c.attributes());
        attrs.remove(LayoutSelection.Y_NHWC);
        rw.replace(p, new Node(c.name() + "+" + p.name(), FusedOps.FUSED_CONV_GLOBAL_AVERAGE_POOL, FusedOps.DOMAIN, c.opset(), inputs,
                p.outputs(), attrs));
    }
}
