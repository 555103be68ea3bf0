package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.ir.Schedule;
import java.util.List;

/**
 * Orders the node list so that every node comes after the producers of what it reads (keeping the
 * file's order where it is free), so that the passes after it can sweep the list once. A graph with
 * a cycle is left as it is: the plan compiler reports the cycle, naming its nodes.
 */
public final class TopologicalSort implements Pass {
    @Override
    public String name() {
        return "topological-sort";
    }

    @Override
    public Graph apply(Graph g) {
        List<Node> order = order(g.nodes());
        if (order != null) {
            g.nodes().clear();
            g.nodes().addAll(order);
        }
        return g;
    }

    /** The nodes in a dependency order, or null when they form a cycle. */
    static List<Node> order(List<Node> nodes) {
        return Schedule.order(nodes);
    }
}
