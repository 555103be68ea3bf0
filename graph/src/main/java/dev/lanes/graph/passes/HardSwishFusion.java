package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedActivation;
import dev.lanes.reference.UnaryOp;
import java.util.List;

/**
 * Hard-swish spelled out becomes one HardSwish node (which {@link ActivationFusion} can then put into
 * the preceding convolution's epilogue). Two spellings:
 *
 * <ul>
 *   <li>{@code x · Clip(x + 3, 0, 6) / 6} — Add, Clip, Mul, then Div by 6 or Mul by 1/6 (Paddle and
 *       PyTorch exports; the product may also be {@code x · (Clip(x + 3, 0, 6) / 6)});</li>
 *   <li>{@code x · HardSigmoid(x)} with alpha 1/6 and beta 1/2.</li>
 * </ul>
 * Preconditions: every intermediate is read only by the next node of the pattern, both products read
 * the same {@code x}, and the constants are 3, 0, 6 and 6 (or 1/6) as one-element tensors.
 */
public final class HardSwishFusion extends FusionPass {
    private static final double TOL = 1e-6;

    @Override
    public String name() {
        return "hardswish-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node n) {
        if (!n.domain().isEmpty()) {
            return;
        }
        if (n.opType().equals("Clip")) {
            clipForm(ix, rw, n);
        } else if (n.opType().equals("HardSigmoid")) {
            hardSigmoidForm(ix, rw, n);
        }
    }

    /** Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(·, 6), or the Div before the Mul. */
    private static void clipForm(GraphIndex ix, Rewrite rw, Node clip) {
        FusedActivation c = ActivationFusion.activation(ix, clip);
        if (c == null || c.op() != UnaryOp.CLIP || c.alpha() != 0f || c.beta() != 6f) {
            return;
        }
        Node add = Rewrite.producer(ix, clip.input(0), "Add");
        if (add == null || !ix.hasSingleUse(clip.input(0))) {
            return;
        }
        String x = Rewrite.isScalar(ix, add.input(1), 3, TOL) ? add.input(0)
                : Rewrite.isScalar(ix, add.input(0), 3, TOL) ? add.input(1) : null;
        String clipped = Rewrite.out(clip);
        if (x == null || clipped == null) {
            return;
        }
        Node first = ix.singleConsumer(clipped);
        if (first == null || !first.domain().isEmpty() || Rewrite.out(first) == null) {
            return;
        }
        Node second = ix.singleConsumer(Rewrite.out(first));
        if (second == null || !second.domain().isEmpty() || Rewrite.out(second) == null) {
            return;
        }
        boolean ok;
        if (first.opType().equals("Mul") && x.equals(Rewrite.other(first, clipped))) {
            ok = isSixth(ix, second, Rewrite.out(first));                       // (x · clip) / 6
        } else if (isSixth(ix, first, clipped)) {
            ok = second.opType().equals("Mul") && x.equals(Rewrite.other(second, Rewrite.out(first)));  // x · (clip / 6)
        } else {
            ok = false;
        }
        if (ok && rw.claim(add, clip, first, second)) {
            rw.replace(second, Rewrite.node(clip.name(), "HardSwish", Math.max(14, clip.opset()), List.of(x), second.outputs(), List.of()));
        }
    }

    /** {@code n} divides {@code value} by 6 or multiplies it by 1/6. */
    private static boolean isSixth(GraphIndex ix, Node n, String value) {
        if (n.opType().equals("Div") && n.input(0).equals(value)) {
            return Rewrite.isScalar(ix, n.input(1), 6, TOL);
        }
        if (n.opType().equals("Mul")) {
            String k = Rewrite.other(n, value);
            return k != null && Rewrite.isScalar(ix, k, 1.0 / 6, 1e-6);
        }
        return false;
    }

    /** Mul(x, HardSigmoid(x; 1/6, 1/2)). */
    private static void hardSigmoidForm(GraphIndex ix, Rewrite rw, Node hs) {
        FusedActivation a = ActivationFusion.activation(ix, hs);
        if (a == null || Math.abs(a.alpha() - 1.0 / 6) > 1e-6 || a.beta() != 0.5f || Rewrite.out(hs) == null) {
            return;
        }
        String x = hs.input(0);
        Node mul = Rewrite.consumer(ix, Rewrite.out(hs), "Mul");
        if (mul == null || !x.equals(Rewrite.other(mul, Rewrite.out(hs))) || !rw.claim(hs, mul)) {
            return;
        }
        rw.replace(mul, Rewrite.node(hs.name(), "HardSwish", Math.max(14, hs.opset()), List.of(x), mul.outputs(), List.of()));
    }
}
