package dev.lanes.graph.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** Topological ordering of nodes (Kahn's algorithm), shared by the plan compiler and the passes. */
public final class Schedule {
    private Schedule() {}

    /**
     * The nodes in an order where each comes after the producers of what it reads (inputs and implicit
     * inputs), taking the earliest ready node in list order so that the file's order is kept where it
     * is free; null when the nodes form a cycle.
     */
    public static List<Node> order(List<Node> nodes) {
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
