package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;

/**
 * What every fusion pass does around its pattern: sweep the nodes with a fresh {@link GraphIndex},
 * let {@link #match} claim non-overlapping patterns and queue their replacements in a
 * {@link Rewrite}, apply them, and — for passes whose result can start a new match (a fold that
 * leaves a Conv that the next Mul folds into) — sweep again until nothing changes.
 */
abstract class FusionPass implements Pass {
    private int fused;

    /** Patterns rewritten by the last {@link #apply}. */
    public int fused() {
        return fused;
    }

    @Override
    public Graph apply(Graph g) {
        fused = 0;
        boolean again = true;
        while (again) {
            GraphIndex ix = new GraphIndex(g);
            Rewrite rw = new Rewrite();
            for (Node n : g.nodes()) {
                match(ix, rw, n);
            }
            again = rw.applyTo(g) && repeats();
            fused += rw.count();
        }
        return g;
    }

    /** Tries the pattern at {@code n}; on a match, claims its nodes in {@code rw} and queues the replacement. */
    abstract void match(GraphIndex ix, Rewrite rw, Node n);

    /** True when a rewrite can create a new match, so the pass sweeps until none is left. */
    boolean repeats() {
        return false;
    }
}
