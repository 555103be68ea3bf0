package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the memory layout of the tensors between convolutions. simd-kernels' convolutions run in
 * NHWC (see "Convolution and pooling: layout decision" in simd-kernels/README.md) and take NCHW at
 * their API by reordering around every call. This pass keeps a tensor in NHWC when it only travels
 * from convolution to convolution through layout-blind ops, so that a chain of convolutions reorders
 * once at each end instead of twice per layer:
 *
 * <ul>
 *   <li>a value may be NHWC when it is a 4-D float32 tensor of fixed shape, not a graph output,
 *       written by a convolution or a layout-blind op, and read only by convolutions (as X or as the
 *       residual Z) and layout-blind ops;</li>
 *   <li>layout-blind: element-wise unary ops, and Add/Sub/Mul/Div whose operands are each either a
 *       same-shape tensor or a one-element constant — they never look at coordinates, so they give
 *       the same elements in either layout. Their inputs and output must then share the layout;</li>
 *   <li>channel-wise: Add/Sub/Mul/Div of a full-size tensor and one value per channel
 *       ({@code [N or 1, C, 1, 1]}, a squeeze-and-excitation scale): in NHWC that is a broadcast along
 *       the last axis. The full-size operand and the output share the layout; a {@code [N, C, 1, 1]}
 *       tensor has the same memory in both layouts. Such a node gets {@value #NHWC};</li>
 *   <li>global pools may read NHWC (their {@code [N, C, 1, 1]} output is the same either way): they get
 *       {@value #NHWC} when their X is NHWC;</li>
 *   <li>MaxPool (without its indices output) and AveragePool run in NHWC anyway: X and Y share the
 *       layout, and the node gets {@value #NHWC} when they are NHWC;</li>
 *   <li>everything else (Resize, Concat, other broadcasts along an axis, graph outputs) is a
 *       boundary and sees NCHW.</li>
 * </ul>
 * The candidates are pruned to a fixed point; each convolution touching an NHWC value becomes lanes
 * FusedConv with attributes {@value #X_NHWC} / {@value #Y_NHWC} (its residual follows Y). Values keep
 * their logical NCHW dims; only their memory order changes. Applied on the fast backend only, as the
 * last pass (shapes must be known: plans specialised for their input shapes).
 */
public final class LayoutSelection implements Pass {
    /** Attribute of a FusedConv whose input X arrives in NHWC. */
    public static final String X_NHWC = "lanes_x_nhwc";
    /** Attribute of a FusedConv that writes Y (and reads its residual Z) in NHWC. */
    public static final String Y_NHWC = "lanes_y_nhwc";
    /**
     * Attribute of a global pool whose X is NHWC, of a windowed pool whose X and Y are NHWC, or of a
     * channel-wise binary op whose full-size operand and output are NHWC.
     */
    public static final String NHWC = "lanes_nhwc";

    private static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "Elu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
            "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Erf", "Gelu");
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div");
    private static final Set<String> GLOBAL_POOLS = Set.of("GlobalAveragePool", "GlobalMaxPool");
    private static final Set<String> WINDOW_POOLS = Set.of("MaxPool", "AveragePool");

    private int nhwcValues;

    @Override
    public String name() {
        return "layout-selection";
    }

    /** Values kept in NHWC by the last {@link #apply}. */
    public int nhwcValues() {
        return nhwcValues;
    }

    @Override
    public Graph apply(Graph g) {
        GraphIndex ix = new GraphIndex(g);
        Set<String> nhwc = new HashSet<>();
        for (Node n : g.nodes()) {
            if ((isConv(ix, n) || isBlind(ix, n) || isChannelwise(ix, n) || isWindowPool(ix, n)) && candidate(ix, Rewrite.out(n))) {
                nhwc.add(Rewrite.out(n));
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : g.nodes()) {
                if (isBlind(ix, n)) {
                    // Inputs and output of a layout-blind op share one layout.
                    List<String> tensors = tensorOperands(ix, n);
                    tensors.add(Rewrite.out(n));
                    boolean all = nhwc.containsAll(tensors);
                    if (!all) {
                        changed |= nhwc.removeAll(tensors);
                    }
                } else if (isChannelwise(ix, n) || isWindowPool(ix, n)) {
                    // The full-size operand (the pool's X) and the output share one layout.
                    String full = isWindowPool(ix, n) ? n.input(0) : fullOperand(ix, n), out = Rewrite.out(n);
                    if (nhwc.contains(full) != nhwc.contains(out)) {
                        nhwc.remove(full);
                        nhwc.remove(out);
                        changed = true;
                    }
                } else if (isConv(ix, n) && !n.input(3).isEmpty()) {
                    // The residual is read in Y's layout.
                    boolean y = nhwc.contains(Rewrite.out(n)), z = nhwc.contains(n.input(3));
                    if (y != z) {
                        nhwc.remove(Rewrite.out(n));
                        nhwc.remove(n.input(3));
                        changed = true;
                    }
                }
            }
        }
        nhwcValues = nhwc.size();
        if (nhwc.isEmpty()) {
            return g;
        }
        List<Node> out = new ArrayList<>(g.nodes().size());
        for (Node n : g.nodes()) {
            boolean pool = isGlobalPool(n) && nhwc.contains(n.input(0)) || isWindowPool(ix, n) && nhwc.contains(Rewrite.out(n));
            boolean channelwise = isChannelwise(ix, n) && nhwc.contains(Rewrite.out(n));
            if (pool || channelwise) {
                Map<String, Attribute> attrs = new LinkedHashMap<>(n.attributes());
                attrs.put(NHWC, Attribute.ofLong(NHWC, 1));
                out.add(new Node(n.name(), n.opType(), n.domain(), n.opset(), n.inputs(), n.outputs(), attrs));
                continue;
            }
            boolean x = isConv(ix, n) && nhwc.contains(n.input(0)), y = isConv(ix, n) && nhwc.contains(Rewrite.out(n));
            if (!x && !y) {
                out.add(n);
                continue;
            }
            Map<String, Attribute> attrs = new LinkedHashMap<>(n.attributes());
            if (x) {
                attrs.put(X_NHWC, Attribute.ofLong(X_NHWC, 1));
            }
            if (y) {
                attrs.put(Y_NHWC, Attribute.ofLong(Y_NHWC, 1));
            }
            out.add(new Node(n.name(), FusedOps.FUSED_CONV, FusedOps.DOMAIN, n.opset(), n.inputs(), n.outputs(), attrs));
        }
        g.nodes().clear();
        g.nodes().addAll(out);
        return g;
    }

    /** A 4-D float32 value of fixed shape that is not a graph input or output, read only by nodes that take NHWC. */
    private static boolean candidate(GraphIndex ix, String v) {
        if (v == null || ix.isGraphOutput(v) || ix.info(v).dtype() != DType.FLOAT32) {
            return false;
        }
        int[] s = ix.info(v).fixedShape();
        if (s == null || s.length != 4 || ix.consumers(v).isEmpty()) {
            return false;
        }
        for (Node c : ix.consumers(v)) {
            boolean asConvData = isConv(ix, c) && (c.input(0).equals(v) || c.input(3).equals(v)) && !c.input(1).equals(v)
                    && !c.input(2).equals(v);
            boolean pooled = (isGlobalPool(c) || isWindowPool(ix, c)) && c.input(0).equals(v);
            // as the full-size operand, or as the per-channel one (whose memory is the same in both layouts)
            boolean scaled = isChannelwise(ix, c);
            if (!asConvData && !isBlind(ix, c) && !pooled && !scaled) {
                return false;
            }
        }
        return true;
    }

    /** A Conv or FusedConv the fast binding runs (constant float32 W and B, 2-D) with one output. */
    static boolean isConv(GraphIndex ix, Node n) {
        boolean conv = n.domain().isEmpty() && n.opType().equals("Conv")
                || n.domain().equals(FusedOps.DOMAIN) && n.opType().equals(FusedOps.FUSED_CONV);
        if (!conv || n.outputs().size() != 1) {
            return false;
        }
        Tensor w = ix.constant(n.input(1));
        Tensor b = n.input(2).isEmpty() ? null : ix.constant(n.input(2));
        if (n.domain().equals(FusedOps.DOMAIN) && NodeAttrs.has(n, FusedActivation.ACTIVATION)) {
            String a = NodeAttrs.getString(n, FusedActivation.ACTIVATION, "");
            try {
                if (!FusedActivation.fusable(dev.lanes.reference.UnaryOp.valueOf(a))) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return w != null && w.dtype() == DType.FLOAT32 && w.rank() == 4 && (n.input(2).isEmpty() || (b != null && b.dtype() == DType.FLOAT32));
    }

    /** An element-wise op that never looks at coordinates: unary, or binary over same-shape tensors and scalar constants. */
    static boolean isBlind(GraphIndex ix, Node n) {
        if (!n.domain().isEmpty() || n.outputs().size() != 1) {
            return false;
        }
        if (UNARY.contains(n.opType())) {
            return n.inputs().size() == 1;
        }
        if (!BINARY.contains(n.opType()) || n.inputs().size() != 2) {
            return false;
        }
        int[] out = ix.info(Rewrite.out(n)).fixedShape();
        if (out == null) {
            return false;
        }
        for (String in : n.inputs()) {
            Tensor c = ix.constant(in);
            if (c != null ? c.size() != 1 : !java.util.Arrays.equals(ix.info(in).fixedShape(), out)) {
                return false;
            }
        }
        return true;
    }

    /** GlobalAveragePool or GlobalMaxPool (one input, one output). */
    static boolean isGlobalPool(Node n) {
        return n.domain().isEmpty() && GLOBAL_POOLS.contains(n.opType()) && n.inputs().size() == 1 && n.outputs().size() == 1;
    }

    /** MaxPool with one output (no indices) or AveragePool, over a 4-D float32 tensor of fixed shape. */
    static boolean isWindowPool(GraphIndex ix, Node n) {
        if (!n.domain().isEmpty() || !WINDOW_POOLS.contains(n.opType()) || n.inputs().size() != 1 || n.outputs().size() != 1) {
            return false;
        }
        int[] x = ix.info(n.input(0)).fixedShape();
        return x != null && x.length == 4 && ix.info(n.input(0)).dtype() == DType.FLOAT32;
    }

    /**
     * Add/Sub/Mul/Div of a full-size float32 tensor {@code [N, C, H, W]} (H·W > 1, the output's shape) and
     * a float32 {@code [N or 1, C, 1, 1]} one: one value per channel, broadcast over the pixels.
     */
    static boolean isChannelwise(GraphIndex ix, Node n) {
        if (!n.domain().isEmpty() || !BINARY.contains(n.opType()) || n.inputs().size() != 2 || n.outputs().size() != 1) {
            return false;
        }
        int[] out = ix.info(Rewrite.out(n)).fixedShape();
        if (out == null || out.length != 4 || out[2] * out[3] <= 1 || fullOperand(ix, n) == null) {
            return false;
        }
        String other = n.input(0).equals(fullOperand(ix, n)) ? n.input(1) : n.input(0);
        int[] o = ix.info(other).fixedShape();
        return ix.info(other).dtype() == DType.FLOAT32 && ix.info(fullOperand(ix, n)).dtype() == DType.FLOAT32
                && o != null && o.length == 4 && (o[0] == 1 || o[0] == out[0]) && o[1] == out[1] && o[2] == 1 && o[3] == 1;
    }

    /** The operand of a binary op shaped like its output, if exactly one is. */
    private static String fullOperand(GraphIndex ix, Node n) {
        int[] out = ix.info(Rewrite.out(n)).fixedShape();
        boolean a = java.util.Arrays.equals(ix.info(n.input(0)).fixedShape(), out), b = java.util.Arrays.equals(ix.info(n.input(1)).fixedShape(), out);
        return a == b ? null : a ? n.input(0) : n.input(1);
    }

    /** The operands of a layout-blind op that are tensors (not one-element constants). */
    private static List<String> tensorOperands(GraphIndex ix, Node n) {
        List<String> t = new ArrayList<>();
        for (String in : n.inputs()) {
            if (ix.constant(in) == null) {
                t.add(in);
            }
        }
        return t;
    }
}
