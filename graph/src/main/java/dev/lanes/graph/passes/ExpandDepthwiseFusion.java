package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inverted-residual block's expand 1x1 and the depthwise 3x3 that reads its output become one
 * lanes FusedExpandDepthwise node, which the fast backend runs in row strips so that the expanded
 * map stays in L2 (simd-kernels' {@code ExpandDepthwiseOperator}); the reference binding runs the
 * two convolutions one after the other.
 *
 * <p>Pattern: FusedConv E (a 1x1 convolution with every Conv attribute at its default — group 1, unit
 * strides and dilations, no padding — an optional activation, no residual, writing its output in
 * NHWC) whose output is read only by FusedConv D (a 3x3 depthwise convolution, {@code group} = its
 * output channels = E's output channels, dilation 1, no residual, reading X in NHWC). The fused node
 * reads {@code (X, W_E, B_E, W_D, B_D)}, keeps D's attributes and output, E's activation under the
 * prefix {@value FusedOps#EXPAND_PREFIX} and E's X layout. Runs after {@link LayoutSelection} (the
 * intermediate must already be NHWC, read by nothing else) and only on graphs whose inputs all have
 * fixed shapes, so that the plan is never specialised again (a second pass of LayoutSelection does
 * not know the fused op).
 */
public final class ExpandDepthwiseFusion extends FusionPass {
    /** The attributes a FusedConv of the pattern may have (a fusion must not drop one it does not understand). */
    private static final String[] CONV_ATTRIBUTES = {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad",
            FusedActivation.ACTIVATION, FusedActivation.ALPHA, FusedActivation.BETA, LayoutSelection.X_NHWC, LayoutSelection.Y_NHWC};

    @Override
    public String name() {
        return "expand-depthwise-fusion";
    }

    @Override
    public Graph apply(Graph g) {
        return StandardPasses.worthSpecialising(g) ? g : super.apply(g);
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node e) {
        String mid = Rewrite.out(e);
        if (!isFusedConv(e) || mid == null || ix.isGraphOutput(mid) || !isExpand(ix, e)) {
            return;
        }
        Node d = ix.singleConsumer(mid);
        if (d == null || !isFusedConv(d) || !d.input(0).equals(mid) || !isDepthwise(ix, d, ix.constant(e.input(1)).shape()[0])
                || !rw.claim(e, d)) {
            return;
        }
        List<String> inputs = List.of(e.input(0), e.input(1), e.input(2), d.input(1), d.input(2));
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Attribute> a : d.attributes().entrySet()) {
            if (!a.getKey().equals(LayoutSelection.X_NHWC)) {
                attrs.put(a.getKey(), a.getValue());
            }
        }
        if (NodeAttrs.getLong(e, LayoutSelection.X_NHWC, 0) != 0) {
            attrs.put(LayoutSelection.X_NHWC, Attribute.ofLong(LayoutSelection.X_NHWC, 1));
        }
        String act = NodeAttrs.getString(e, FusedActivation.ACTIVATION, null);
        if (act != null) {
            String p = FusedOps.EXPAND_PREFIX;
            attrs.put(p + FusedActivation.ACTIVATION, Attribute.ofString(p + FusedActivation.ACTIVATION, act));
            attrs.put(p + FusedActivation.ALPHA, Attribute.ofFloat(p + FusedActivation.ALPHA, NodeAttrs.getFloat(e, FusedActivation.ALPHA, 0f)));
            attrs.put(p + FusedActivation.BETA, Attribute.ofFloat(p + FusedActivation.BETA, NodeAttrs.getFloat(e, FusedActivation.BETA, 0f)));
        }
        rw.replace(d, new Node(e.name() + "+" + d.name(), FusedOps.FUSED_EXPAND_DEPTHWISE, FusedOps.DOMAIN, d.opset(), inputs,
                d.outputs(), attrs));
    }

    private static boolean isFusedConv(Node n) {
        return n.domain().equals(FusedOps.DOMAIN) && n.opType().equals(FusedOps.FUSED_CONV) && n.input(3).isEmpty()
                && n.inputs().size() <= 3;
    }

    /** A 1x1 FusedConv with default window attributes and a float32 4-D W (and B), writing Y in NHWC. */
    private static boolean isExpand(GraphIndex ix, Node e) {
        if (!NodeAttrs.onlyHas(e, CONV_ATTRIBUTES) || NodeAttrs.getLong(e, LayoutSelection.Y_NHWC, 0) == 0
                || NodeAttrs.getLong(e, "group", 1) != 1 || !NodeAttrs.getString(e, "auto_pad", "NOTSET").equals("NOTSET")
                || !allEqual(NodeAttrs.getLongs(e, "strides"), 1) || !allEqual(NodeAttrs.getLongs(e, "dilations"), 1)
                || !allEqual(NodeAttrs.getLongs(e, "pads"), 0)) {
            return false;
        }
        Tensor w = ix.constant(e.input(1));
        return float32(w) && w.rank() == 4 && w.shape()[2] == 1 && w.shape()[3] == 1 && bias(ix, e);
    }

    /** A 3x3 depthwise FusedConv over {@code channels} channels (dilation 1) reading X in NHWC. */
    private static boolean isDepthwise(GraphIndex ix, Node d, int channels) {
        if (!NodeAttrs.onlyHas(d, CONV_ATTRIBUTES) || NodeAttrs.getLong(d, LayoutSelection.X_NHWC, 0) == 0
                || NodeAttrs.getLong(d, "group", 1) != channels || !allEqual(NodeAttrs.getLongs(d, "dilations"), 1)) {
            return false;
        }
        Tensor w = ix.constant(d.input(1));
        return float32(w) && w.rank() == 4 && w.shape()[0] == channels && w.shape()[1] == 1 && w.shape()[2] == 3 && w.shape()[3] == 3
                && bias(ix, d);
    }

    private static boolean bias(GraphIndex ix, Node n) {
        return n.input(2).isEmpty() || float32(ix.constant(n.input(2)));
    }

    private static boolean float32(Tensor t) {
        return t != null && t.dtype() == DType.FLOAT32;
    }

    /** True when the attribute is absent (its default) or every value equals {@code v}. */
    private static boolean allEqual(long[] values, long v) {
        if (values == null) {
            return true;
        }
        for (long x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }
}
