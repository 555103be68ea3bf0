package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.graph.ops.FusedOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A residual connection added right after a convolution or a matrix product joins the kernel's
 * epilogue: Conv / FusedConv → Add(·, z) becomes FusedConv with residual Z, and MatMul / FusedMatMul
 * → Add(·, z) becomes FusedMatMul with residual Z (a Transformer's attention output and FFN
 * projections add the block's input this way). An activation fused afterwards applies to the sum, as
 * the unfused graph does when the Add comes before the activation.
 *
 * <p>Preconditions: the product's output is read only by the Add; the node has no activation or
 * residual yet (an activation before the Add cannot move past it) and no layout attributes; z and the
 * output are float32 of the same fixed shape, so the Add neither broadcasts z nor widens the output.
 */
public final class ResidualAddFusion extends FusionPass {

    @Override
    public String name() {
        return "residual-add-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node n) {
        String target = target(n);
        String y = Rewrite.out(n);
        if (target == null || y == null) {
            return;
        }
        Node add = Rewrite.consumer(ix, y, "Add");
        String z = add == null ? null : Rewrite.other(add, y);
        if (z == null || z.equals(y) || Rewrite.out(add) == null) {
            return;
        }
        int[] ys = ix.info(y).fixedShape();
        if (ys == null || ix.info(y).dtype() != DType.FLOAT32 || ix.info(z).dtype() != DType.FLOAT32
                || !Arrays.equals(ys, ix.info(z).fixedShape()) || !rw.claim(n, add)) {
            return;
        }
        List<String> inputs = new ArrayList<>(n.inputs());
        while (inputs.size() < 3) {
            inputs.add("");
        }
        inputs.add(z);
        rw.replace(add, new Node(n.name(), target, FusedOps.DOMAIN, n.opset(), inputs, add.outputs(), n.attributes()));
    }

    /** The fused op {@code n} becomes with a residual, or null when it cannot take one. */
    private static String target(Node n) {
        if (n.domain().isEmpty()) {
            return switch (n.opType()) {
                case "Conv" -> FusedOps.FUSED_CONV;
                case "MatMul" -> FusedOps.FUSED_MATMUL;
                default -> null;
            };
        }
        boolean fused = n.domain().equals(FusedOps.DOMAIN)
                && (n.opType().equals(FusedOps.FUSED_CONV) || n.opType().equals(FusedOps.FUSED_MATMUL));
        boolean plain = !NodeAttrs.has(n, FusedActivation.ACTIVATION) && !NodeAttrs.has(n, LayoutSelection.X_NHWC)
                && !NodeAttrs.has(n, LayoutSelection.Y_NHWC) && n.input(3).isEmpty();
        return fused && plain ? n.opType() : null;
    }
}
