package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import dev.lanes.reference.UnaryOp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Conv, Gemm and MatMul (and their lanes fused forms without an activation yet) followed by an
 * activation become lanes FusedConv / FusedGemm / FusedMatMul with the activation in the kernel's
 * epilogue: Relu, LeakyRelu, Clip (Relu6), HardSigmoid, HardSwish, Sigmoid, Tanh and Gelu (both forms).
 *
 * <p>Preconditions: the producer's output is read only by the activation; Clip's bounds are
 * attributes or constant scalars; the activation is one the epilogue implements
 * ({@link FusedActivation#fusable}).
 */
public final class ActivationFusion extends FusionPass {

    @Override
    public String name() {
        return "activation-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node p) {
        String target = fusedForm(p);
        if (target == null || p.outputs().size() != 1) {
            return;
        }
        Node act = ix.singleConsumer(p.outputs().get(0));
        FusedActivation a = act == null ? null : activation(ix, act);
        if (a == null || !act.input(0).equals(p.outputs().get(0)) || !FusedActivation.fusable(a.op()) || !rw.claim(p, act)) {
            return;
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>(p.attributes());
        for (Attribute at : a.attributes()) {
            attrs.put(at.name(), at);
        }
        Node f = new Node(p.name(), target, FusedOps.DOMAIN, p.domain().isEmpty() ? Math.max(1, p.opset()) : p.opset(),
                p.inputs(), act.outputs(), attrs);
        rw.replace(act, f);
    }

    /** The fused op a producer becomes, or null when it cannot take an activation. */
    private static String fusedForm(Node p) {
        if (p.domain().isEmpty()) {
            return switch (p.opType()) {
                case "Conv" -> FusedOps.FUSED_CONV;
                case "Gemm" -> FusedOps.FUSED_GEMM;
                case "MatMul" -> FusedOps.FUSED_MATMUL;
                default -> null;
            };
        }
        if (p.domain().equals(FusedOps.DOMAIN) && !NodeAttrs.has(p, FusedActivation.ACTIVATION)) {
            return p.opType();
        }
        return null;
    }

    /** The activation a default-domain node computes, or null when it is not one (or its parameters are not constant). */
    static FusedActivation activation(GraphIndex ix, Node n) {
        if (!n.domain().isEmpty() || n.outputs().size() != 1) {
            return null;
        }
        UnaryOp op;
        float alpha = 0f, beta = 0f;
        switch (n.opType()) {
            case "Relu" -> op = UnaryOp.RELU;
            case "Sigmoid" -> op = UnaryOp.SIGMOID;
            case "Tanh" -> op = UnaryOp.TANH;
            case "HardSwish" -> op = UnaryOp.HARD_SWISH;
            case "LeakyRelu" -> {
                op = UnaryOp.LEAKY_RELU;
                alpha = NodeAttrs.getFloat(n, "alpha", 0.01f);
            }
            case "HardSigmoid" -> {
                op = UnaryOp.HARD_SIGMOID;
                alpha = NodeAttrs.getFloat(n, "alpha", 0.2f);
                beta = NodeAttrs.getFloat(n, "beta", 0.5f);
            }
            case "Gelu" -> {
                String approx = NodeAttrs.getString(n, "approximate", "none");
                op = approx.equals("tanh") ? UnaryOp.GELU_TANH : approx.equals("none") ? UnaryOp.GELU : null;
            }
            case "Clip" -> {
                op = UnaryOp.CLIP;
                if (n.opset() < 11) {
                    alpha = NodeAttrs.getFloat(n, "min", Float.NEGATIVE_INFINITY);
                    beta = NodeAttrs.getFloat(n, "max", Float.POSITIVE_INFINITY);
                } else {
                    Float lo = bound(ix, n.input(1), Float.NEGATIVE_INFINITY), hi = bound(ix, n.input(2), Float.POSITIVE_INFINITY);
                    if (lo == null || hi == null) {
                        return null;
                    }
                    alpha = lo;
                    beta = hi;
                }
            }
            default -> op = null;
        }
        return op == null ? null : new FusedActivation(op, alpha, beta);
    }

    /** A Clip bound: the constant scalar, the default when omitted, null when computed at run time. */
    private static Float bound(GraphIndex ix, String value, float dflt) {
        if (value.isEmpty()) {
            return dflt;
        }
        Tensor t = ix.constant(value);
        return t == null || t.size() != 1 || !t.dtype().isFloatingPoint() ? null : (float) t.getDouble(0);
    }
}
