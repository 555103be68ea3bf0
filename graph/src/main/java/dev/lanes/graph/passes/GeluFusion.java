package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import java.util.List;

/**
 * GELU spelled out becomes one Gelu node (opset 20; {@link ActivationFusion} can then put it into the
 * preceding MatMul's epilogue):
 *
 * <ul>
 *   <li>erf form {@code 0.5 · x · (1 + erf(x / √2))}: Div by √2 or Mul by 1/√2, Erf, Add 1, and the
 *       three-factor product in any of the orders exporters write
 *       ({@code (x·a)·0.5}, {@code (x·0.5)·a}, {@code x·(a·0.5)});</li>
 *   <li>tanh form {@code 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))}: Pow(x, 3) or x·x·x, the
 *       Mul by 0.044715, Add x, Mul by √(2/π), Tanh, Add 1, and the same product.</li>
 * </ul>
 * Preconditions: every intermediate is read only inside the pattern; all factors read the same x;
 * constants match to 1e-4 relative (exports round √2 and √(2/π) differently).
 */
public final class GeluFusion extends FusionPass {
    private static final double TOL = 1e-4;

    @Override
    public String name() {
        return "gelu-fusion";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node n) {
        if (n.domain().isEmpty() && n.opType().equals("Erf")) {
            erfForm(ix, rw, n);
        } else if (n.domain().isEmpty() && n.opType().equals("Tanh")) {
            tanhForm(ix, rw, n);
        }
    }

    private static void erfForm(GraphIndex ix, Rewrite rw, Node erf) {
        Node scale = ix.producer(erf.input(0));
        if (scale == null || !scale.domain().isEmpty() || !ix.hasSingleUse(erf.input(0))) {
            return;
        }
        String x = null;
        if (scale.opType().equals("Div") && Rewrite.isScalar(ix, scale.input(1), Math.sqrt(2), TOL)) {
            x = scale.input(0);
        } else if (scale.opType().equals("Mul")) {
            x = Rewrite.isScalar(ix, scale.input(1), Math.sqrt(0.5), TOL) ? scale.input(0)
                    : Rewrite.isScalar(ix, scale.input(0), Math.sqrt(0.5), TOL) ? scale.input(1) : null;
        }
        if (x != null) {
            finish(ix, rw, x, erf, "none", scale, erf);
        }
    }

    private static void tanhForm(GraphIndex ix, Rewrite rw, Node tanh) {
        // tanh(c · inner), inner = x + 0.044715 · x³
        Node outerMul = Rewrite.producer(ix, tanh.input(0), "Mul");
        if (outerMul == null || !ix.hasSingleUse(tanh.input(0))) {
            return;
        }
        String inner = Rewrite.isScalar(ix, outerMul.input(1), Math.sqrt(2 / Math.PI), TOL) ? outerMul.input(0)
                : Rewrite.isScalar(ix, outerMul.input(0), Math.sqrt(2 / Math.PI), TOL) ? outerMul.input(1) : null;
        Node add = inner == null ? null : Rewrite.producer(ix, inner, "Add");
        if (add == null || !ix.hasSingleUse(inner)) {
            return;
        }
        for (int side = 0; side < 2; side++) {
            String x = add.input(side), cubicTerm = add.input(1 - side);
            Node coef = Rewrite.producer(ix, cubicTerm, "Mul");
            if (coef == null || !ix.hasSingleUse(cubicTerm)) {
                continue;
            }
            String cube = Rewrite.isScalar(ix, coef.input(1), 0.044715, TOL) ? coef.input(0)
                    : Rewrite.isScalar(ix, coef.input(0), 0.044715, TOL) ? coef.input(1) : null;
            Node[] cubeNodes = cube == null ? null : cubeOf(ix, cube, x);
            if (cubeNodes == null) {
                continue;
            }
            Node[] inside = new Node[cubeNodes.length + 4];
            System.arraycopy(cubeNodes, 0, inside, 0, cubeNodes.length);
            inside[cubeNodes.length] = coef;
            inside[cubeNodes.length + 1] = add;
            inside[cubeNodes.length + 2] = outerMul;
            inside[cubeNodes.length + 3] = tanh;
            finish(ix, rw, x, tanh, "tanh", inside);
            return;
        }
    }

    /** The nodes computing x³ as Pow(x, 3) or x·x·x (in either grouping), or null. */
    private static Node[] cubeOf(GraphIndex ix, String cube, String x) {
        Node p = ix.producer(cube);
        if (p == null || !p.domain().isEmpty() || !ix.hasSingleUse(cube)) {
            return null;
        }
        if (p.opType().equals("Pow") && p.input(0).equals(x) && Rewrite.isScalar(ix, p.input(1), 3, 0)) {
            return new Node[] {p};
        }
        if (p.opType().equals("Mul")) {
            String sq = Rewrite.other(p, x);
            Node q = sq == null ? null : Rewrite.producer(ix, sq, "Mul");
            if (q != null && ix.hasSingleUse(sq) && q.input(0).equals(x) && q.input(1).equals(x)) {
                return new Node[] {q, p};
            }
        }
        return null;
    }

    /**
     * The tail shared by both forms: {@code a = 1 + f} after the transcendental node {@code f}, then the
     * product {@code 0.5 · x · a}; on a match, the pattern (the {@code inside} nodes, the Add and the
     * Muls) becomes Gelu.
     */
    private static void finish(GraphIndex ix, Rewrite rw, String x, Node f, String approximate, Node... inside) {
        String fv = Rewrite.out(f);
        Node plusOne = fv == null ? null : Rewrite.consumer(ix, fv, "Add");
        String one = plusOne == null ? null : Rewrite.other(plusOne, fv);
        if (one == null || !Rewrite.isScalar(ix, one, 1, 0) || Rewrite.out(plusOne) == null) {
            return;
        }
        String a = Rewrite.out(plusOne);
        Node m1 = Rewrite.consumer(ix, a, "Mul");
        String o1 = m1 == null ? null : Rewrite.other(m1, a);
        if (o1 == null || Rewrite.out(m1) == null) {
            return;
        }
        Node last;
        Node extra = null;
        if (o1.equals(x)) {                                   // (x · a) · 0.5
            last = Rewrite.consumer(ix, Rewrite.out(m1), "Mul");
            String h = last == null ? null : Rewrite.other(last, Rewrite.out(m1));
            if (h == null || !Rewrite.isScalar(ix, h, 0.5, 0)) {
                return;
            }
        } else if (Rewrite.isScalar(ix, o1, 0.5, 0)) {        // x · (a · 0.5)
            last = Rewrite.consumer(ix, Rewrite.out(m1), "Mul");
            if (last == null || !x.equals(Rewrite.other(last, Rewrite.out(m1)))) {
                return;
            }
        } else {                                              // (x · 0.5) · a
            extra = Rewrite.producer(ix, o1, "Mul");
            if (extra == null || !ix.hasSingleUse(o1) || !x.equals(Rewrite.otherThanHalf(ix, extra))) {
                return;
            }
            last = m1;
        }
        if (Rewrite.out(last) == null) {
            return;
        }
        Node[] all = new Node[inside.length + 3];
        System.arraycopy(inside, 0, all, 0, inside.length);
        all[inside.length] = plusOne;
        all[inside.length + 1] = m1;
        all[inside.length + 2] = extra != null ? extra : last;
        if (!distinct(all) || !rw.claim(all)) {
            return;
        }
        rw.replace(last, Rewrite.node(f.name(), "Gelu", Math.max(20, f.opset()), List.of(x), last.outputs(),
                List.of(Attribute.ofString("approximate", approximate))));
    }

    private static boolean distinct(Node[] nodes) {
        for (int i = 0; i < nodes.length; i++) {
            for (int j = i + 1; j < nodes.length; j++) {
                if (nodes[i] == nodes[j]) {
                    return false;
                }
            }
        }
        return true;
    }
}
