package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import dev.lanes.simd.InvertedResidualOperator;
import dev.lanes.simd.conv.StemConvDirect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inverted-residual block — expand 1x1 → depthwise 3x3 → projection 1x1 (+ the block's residual),
 * or a depthwise 3x3 with only one of the two 1x1 layers — becomes one lanes FusedInvertedResidual
 * node, which the fast backend runs in row strips so that the maps between the layers stay in L2
 * (simd-kernels' {@code InvertedResidualOperator}); the reference binding runs the layers in turn.
 *
 * <p>Pattern, around a FusedConv D that is a 3x3 depthwise convolution ({@code group} = its C output
 * channels, W {@code [C, 1, 3, 3]}, dilation 1, no residual):
 * <ul>
 *   <li>the expand E (optional): the FusedConv writing D's X, read by D alone, to C channels: a 1x1
 *       convolution with every Conv attribute at its default (group 1, unit strides and dilations, no
 *       padding) or a stem (one group, at most {@link StemConvDirect#MAX_IN_CHANNELS} input channels: the
 *       network's first convolution), an optional activation, no residual; E writes and D reads that
 *       value in NHWC;</li>
 *   <li>the projection P (optional): the only reader of D's output, a 1x1 FusedConv from C channels
 *       with default Conv attributes, an optional activation and an optional residual Z; D writes and
 *       P reads that value in NHWC.</li>
 * </ul>
 * At least one of E and P, and only where the depthwise's input map is large enough for the fusion to pay
 * ({@link InvertedResidualOperator#PAYS_FROM_BYTES}). The fused node reads {@code (X, W_E, B_E, W_D, B_D, W_P, B_P, Z)} ("" for
 * what is absent), keeps D's attributes, E's window attributes and activation and P's activation under the prefixes
 * {@value FusedOps#EXPAND_PREFIX} and {@value FusedOps#PROJECT_PREFIX}, the first layer's X layout and
 * the last layer's Y layout and output. Runs after {@link LayoutSelection} (the intermediates must
 * already be NHWC) and only on graphs whose inputs all have fixed shapes, so that the plan is never
 * specialised again (a second pass of LayoutSelection does not know the fused op).
 */
public final class InvertedResidualFusion extends FusionPass {
    /** Conv's window attributes (the expand's are kept under {@value FusedOps#EXPAND_PREFIX}). */
    private static final String[] WINDOW_ATTRIBUTES = {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"};

    private final long minMapBytes;

    /** Fuses blocks whose depthwise input map has at least {@link InvertedResidualOperator#PAYS_FROM_BYTES}. */
    public InvertedResidualFusion() {
        this(InvertedResidualOperator.PAYS_FROM_BYTES);
    }

    /** Fuses blocks whose depthwise input map has at least {@code minMapBytes} (tests fuse small ones). */
    InvertedResidualFusion(long minMapBytes) {
        this.minMapBytes = minMapBytes;
    }

    @Override
    public String name() {
        return "inverted-residual-fusion";
    }

    @Override
    public Graph apply(Graph g) {
        return StandardPasses.worthSpecialising(g) ? g : super.apply(g);
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node d) {
        if (!FusedConvMatch.isFusedConv(d) || !d.input(3).isEmpty() || !isDepthwise(ix, d)) {
            return;
        }
        int c = ix.constant(d.input(1)).shape()[0];
        if (!FusedConvMatch.mapOfAtLeast(ix.info(d.input(0)).fixedShape(), minMapBytes)) {
            return;   // smaller maps were not measured (see InvertedResidualOperator.PAYS_FROM_BYTES)
        }
        Node e = expand(ix, d, c), p = project(ix, d, c);
        if (e == null && p == null || !rw.claim(e != null && p != null ? new Node[] {e, d, p} : new Node[] {e != null ? e : p, d})) {
            return;
        }
        Node first = e != null ? e : d, last = p != null ? p : d;
        List<String> inputs = new ArrayList<>(List.of(first.input(0), e == null ? "" : e.input(1), e == null ? "" : e.input(2),
                d.input(1), d.input(2), p == null ? "" : p.input(1), p == null ? "" : p.input(2), p == null ? "" : p.input(3)));
        while (inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Attribute> a : d.attributes().entrySet()) {
            if (!a.getKey().equals(LayoutSelection.X_NHWC) && !a.getKey().equals(LayoutSelection.Y_NHWC)) {
                attrs.put(a.getKey(), a.getValue());
            }
        }
        layout(attrs, first, LayoutSelection.X_NHWC);
        layout(attrs, last, LayoutSelection.Y_NHWC);
        if (e != null) {
            activation(attrs, e, FusedOps.EXPAND_PREFIX);
            FusedConvMatch.putPrefixed(attrs, e, FusedOps.EXPAND_PREFIX, WINDOW_ATTRIBUTES);
        }
        if (p != null) {
            activation(attrs, p, FusedOps.PROJECT_PREFIX);
        }
        String name = (e != null ? e.name() + "+" : "") + d.name() + (p != null ? "+" + p.name() : "");
        rw.replace(last, new Node(name, FusedOps.FUSED_INVERTED_RESIDUAL, FusedOps.DOMAIN, d.opset(), inputs, last.outputs(), attrs));
    }

    /** The expand writing D's X, or null. */
    private static Node expand(GraphIndex ix, Node d, int c) {
        String mid = d.input(0);
        Node e = ix.producer(mid);
        if (e == null || !FusedConvMatch.isFusedConv(e) || !e.input(3).isEmpty() || ix.isGraphOutput(mid) || ix.singleConsumer(mid) != d
                || !(pointwise(ix, e) || stem(ix, e)) || ix.constant(e.input(1)).shape()[0] != c
                || !nhwc(e, LayoutSelection.Y_NHWC) || !nhwc(d, LayoutSelection.X_NHWC)) {
            return null;
        }
        return e;
    }

    /** The projection reading D's output, or null. */
    private static Node project(GraphIndex ix, Node d, int c) {
        String mid = Rewrite.out(d);
        Node p = mid == null || ix.isGraphOutput(mid) ? null : ix.singleConsumer(mid);
        if (p == null || !FusedConvMatch.isFusedConv(p) || !p.input(0).equals(mid) || p.input(3).equals(mid) || !pointwise(ix, p)
                || ix.constant(p.input(1)).shape()[1] != c || !nhwc(d, LayoutSelection.Y_NHWC) || !nhwc(p, LayoutSelection.X_NHWC)) {
            return null;
        }
        return p;
    }

    private static boolean nhwc(Node n, String attribute) {
        return NodeAttrs.getLong(n, attribute, 0) != 0;
    }

    /** A 1x1 convolution with default window attributes and float32 W (4-D) and B. */
    private static boolean pointwise(GraphIndex ix, Node n) {
        if (NodeAttrs.getLong(n, "group", 1) != 1 || !NodeAttrs.getString(n, "auto_pad", "NOTSET").equals("NOTSET")
                || !allEqual(NodeAttrs.getLongs(n, "strides"), 1) || !allEqual(NodeAttrs.getLongs(n, "dilations"), 1)
                || !allEqual(NodeAttrs.getLongs(n, "pads"), 0)) {
            return false;
        }
        Tensor w = ix.constant(n.input(1));
        return FusedConvMatch.floatWeights(ix, n) && w.shape()[2] == 1 && w.shape()[3] == 1;
    }

    /** A convolution of an image of a few channels (one group, at most {@link StemConvDirect#MAX_IN_CHANNELS}) with float32 W and B. */
    private static boolean stem(GraphIndex ix, Node n) {
        return NodeAttrs.getLong(n, "group", 1) == 1 && FusedConvMatch.floatWeights(ix, n)
                && ix.constant(n.input(1)).shape()[1] <= StemConvDirect.MAX_IN_CHANNELS;
    }

    /** A 3x3 depthwise convolution (W {@code [C, 1, 3, 3]}, group C, dilation 1) with float32 W and B. */
    private static boolean isDepthwise(GraphIndex ix, Node d) {
        if (!FusedConvMatch.floatWeights(ix, d)) {
            return false;
        }
        Tensor w = ix.constant(d.input(1));
        return w.shape()[1] == 1 && w.shape()[2] == 3 && w.shape()[3] == 3
                && NodeAttrs.getLong(d, "group", 1) == w.shape()[0] && allEqual(NodeAttrs.getLongs(d, "dilations"), 1);
    }

    private static void layout(Map<String, Attribute> attrs, Node from, String attribute) {
        if (nhwc(from, attribute)) {
            attrs.put(attribute, Attribute.ofLong(attribute, 1));
        }
    }

    private static void activation(Map<String, Attribute> attrs, Node from, String prefix) {
        String act = NodeAttrs.getString(from, FusedActivation.ACTIVATION, null);
        if (act != null) {
            attrs.put(prefix + FusedActivation.ACTIVATION, Attribute.ofString(prefix + FusedActivation.ACTIVATION, act));
            attrs.put(prefix + FusedActivation.ALPHA, Attribute.ofFloat(prefix + FusedActivation.ALPHA, NodeAttrs.getFloat(from, FusedActivation.ALPHA, 0f)));
            attrs.put(prefix + FusedActivation.BETA, Attribute.ofFloat(prefix + FusedActivation.BETA, NodeAttrs.getFloat(from, FusedActivation.BETA, 0f)));
        }
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
