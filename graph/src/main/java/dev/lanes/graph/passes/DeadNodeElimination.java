package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes nodes none of whose outputs is read (by a node, a subgraph, or as a graph output), and
 * constants nothing reads any more (typically the weights a fusion replaced with folded ones).
 * Graph inputs and their defaults stay: they are part of the model's interface.
 */
public final class DeadNodeElimination implements Pass {
    @Override
    public String name() {
        return "dead-node-elimination";
    }

    @Override
    public Graph apply(Graph g) {
        new TopologicalSort().apply(g);
        Set<String> live = new HashSet<>(g.outputNames());
        List<Node> nodes = g.nodes();
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            for (String o : n.outputs()) {
                if (!o.isEmpty() && live.contains(o)) {
                    keep[i] = true;
                    break;
                }
            }
            if (keep[i]) {
                live.addAll(n.allReads());
            }
        }
        List<Node> kept = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                kept.add(nodes.get(i));
            }
        }
        nodes.clear();
        nodes.addAll(kept);
        Set<String> inputs = new HashSet<>(g.inputNames());
        g.initializers().keySet().removeIf(name -> !live.contains(name) && !inputs.contains(name));
        g.valueInfo().keySet().removeIf(name -> !live.contains(name));
        return g;
    }
}
