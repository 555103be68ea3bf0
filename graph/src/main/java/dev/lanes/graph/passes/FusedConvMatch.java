package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import java.util.List;
import java.util.Map;

/**
 * What the passes that merge a lanes FusedConv with its neighbours into one node ({@link InvertedResidualFusion},
 * {@link ConvMaxPoolFusion}) ask of the nodes they merge, and how they carry a neighbour's attributes over.
 */
final class FusedConvMatch {
    /** The attributes a FusedConv may have to be merged (a fusion must not drop one it does not understand). */
    private static final String[] CONV_ATTRIBUTES = {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad",
            FusedActivation.ACTIVATION, FusedActivation.ALPHA, FusedActivation.BETA, LayoutSelection.X_NHWC, LayoutSelection.Y_NHWC};

    private FusedConvMatch() {}

    /** A lanes FusedConv with one output and only attributes a fusion knows how to carry. */
    static boolean isFusedConv(Node n) {
        return n.domain().equals(FusedOps.DOMAIN) && n.opType().equals(FusedOps.FUSED_CONV) && n.outputs().size() == 1
                && NodeAttrs.onlyHas(n, CONV_ATTRIBUTES);
    }

    /** Constant float32 W of rank 4 and, if there is one, constant float32 B. */
    /** A FusedConv's X, W and, when it has one, B: the inputs of a node that takes the conv's place. */
    static List<String> convInputs(Node conv) {
        return conv.input(2).isEmpty() ? List.of(conv.input(0), conv.input(1)) : List.of(conv.input(0), conv.input(1), conv.input(2));
    }

    static boolean floatWeights(GraphIndex ix, Node n) {
        Tensor w = ix.constant(n.input(1));
        return float32(w) && w.rank() == 4 && (n.input(2).isEmpty() || float32(ix.constant(n.input(2))));
    }

    /** True when {@code shape} is a known 4-D shape of at least {@code minBytes} float32 bytes. */
    static boolean mapOfAtLeast(int[] shape, long minBytes) {
        return shape != null && shape.length == 4 && (long) shape[0] * shape[1] * shape[2] * shape[3] * Float.BYTES >= minBytes;
    }

    /** Copies {@code from}'s attributes named in {@code names} (those it has) into {@code attrs} under {@code prefix}. */
    static void putPrefixed(Map<String, Attribute> attrs, Node from, String prefix, String... names) {
        for (String a : names) {
            Attribute v = from.attributes().get(a);
            if (v != null) {
                attrs.put(prefix + a, new Attribute(prefix + a, v.kind(), v.value()));
            }
        }
    }

    private static boolean float32(Tensor t) {
        return t != null && t.dtype() == DType.FLOAT32;
    }
}
