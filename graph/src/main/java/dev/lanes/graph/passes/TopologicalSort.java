package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

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
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                if (!o.isEmpty()) {
                    producer.putIfAbsent(o, i);
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String r : nodes.get(i).allReads()) {
                Integer p = producer.get(r);
                if (p != null) {
                    pending[i]++;
                    dependents.get(p).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(nodes.get(i));
            for (int d : dependents.get(i)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        return order.size() == nodes.size() ? order : null;
    }
}
