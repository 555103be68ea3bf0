package dev.lanes.bench.models;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the nodes of two engines that fused the same model differently into units both share, from the node names
 * alone. A node's <em>scope</em> is its name without the operator part after the last {@code /} (a name without one
 * loses what follows a {@code :}), and of a scope that is itself a path, its last component; the group key is the
 * scope's first {@code depth} dot-separated segments: {@code features.2.conv.1.0/Conv} at depth 2 is
 * {@code features.2}, {@code layer3.4.conv2/Conv} is {@code layer3.4}, {@code classifier.1/Gemm} is
 * {@code classifier.1}, ORT's {@code features.0.1/Clip:0_nchwc} is {@code features.0}, and a node ORT inserted,
 * {@code ReorderOutput}, is its own key. A Lanes node fused from several ONNX nodes carries their names joined by
 * {@code +}; when those parts have different keys (the stem fused into {@code features.1}, a conv with the pool after
 * it), the keys merge into one group, named by its keys joined by {@code +}, on both engines' sides. Groups are listed
 * in the order their first node appears, first engine first.
 */
final class NodeGroups {
    static final String FUSED_SEPARATOR = "+";

    private final int depth;
    private final Map<String, String> parent = new HashMap<>();
    private final List<String> keysInOrder = new ArrayList<>();

    private NodeGroups(int depth) {
        this.depth = depth;
    }

    /** The groups of both engines' node names at this depth (at least 1). */
    static NodeGroups of(Collection<String> firstEngineNodes, Collection<String> secondEngineNodes, int depth) {
        if (depth < 1) throw new IllegalArgumentException("the group depth must be >= 1, got " + depth);
        NodeGroups g = new NodeGroups(depth);
        for (String n : firstEngineNodes) g.add(n);
        for (String n : secondEngineNodes) g.add(n);
        return g;
    }

    /** The group key of one (unfused) node name at this depth. */
    static String key(String nodeName, int depth) {
        if (depth < 1) throw new IllegalArgumentException("the group depth must be >= 1, got " + depth);
        if (nodeName.isEmpty()) throw new IllegalArgumentException("a node without a name cannot be grouped");
        int slash = nodeName.lastIndexOf('/');
        String scope;
        if (slash > 0) {
            scope = nodeName.substring(0, slash);
            scope = scope.substring(scope.lastIndexOf('/') + 1);
        } else {
            int colon = nodeName.indexOf(':');
            scope = colon > 0 ? nodeName.substring(0, colon) : nodeName;
            if (slash == 0) scope = scope.substring(1);
        }
        if (scope.isEmpty()) return nodeName;
        String[] segments = scope.split("\\.", -1);
        return String.join(".", java.util.Arrays.copyOf(segments, Math.min(depth, segments.length)));
    }

    private void add(String node) {
        String first = null;
        for (String part : node.split(java.util.regex.Pattern.quote(FUSED_SEPARATOR))) {
            if (part.isEmpty()) continue;
            String k = key(part, depth);
            if (!parent.containsKey(k)) {
                parent.put(k, k);
                keysInOrder.add(k);
            }
            if (first == null) first = k;
            else union(first, k);
        }
        if (first == null) throw new IllegalArgumentException("node name '" + node + "' has no part to group by");
    }

    private String root(String k) {
        String r = k;
        while (!parent.get(r).equals(r)) r = parent.get(r);
        parent.put(k, r);
        return r;
    }

    private void union(String a, String b) {
        String ra = root(a), rb = root(b);
        if (ra.equals(rb)) return;
        // The key seen first stays the root, so a group's name lists its keys in order of appearance.
        if (keysInOrder.indexOf(ra) < keysInOrder.indexOf(rb)) parent.put(rb, ra);
        else parent.put(ra, rb);
    }

    /** The groups' names in order of appearance. */
    List<String> groups() {
        Map<String, String> named = new LinkedHashMap<>();
        for (String k : keysInOrder) named.putIfAbsent(root(k), nameOf(root(k)));
        return List.copyOf(named.values());
    }

    /** The name of the group a node (fused or not) belongs to; the node must be one this grouping was built from. */
    String groupOf(String node) {
        String part = node.split(java.util.regex.Pattern.quote(FUSED_SEPARATOR))[0];
        String k = key(part, depth);
        if (!parent.containsKey(k)) throw new IllegalArgumentException("node '" + node + "' was not among the grouped names");
        return nameOf(root(k));
    }

    private String nameOf(String root) {
        List<String> members = new ArrayList<>();
        for (String k : keysInOrder) if (root(k).equals(root)) members.add(k);
        return String.join(FUSED_SEPARATOR, members);
    }

    /** Each group's time per run: the sum of its nodes' times in that run. Groups without a node here are left out. */
    Map<String, long[]> perGroup(NodeSamples samples) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String g : groups()) out.put(g, null);
        for (Map.Entry<String, long[]> e : samples.perNode().entrySet()) {
            long[] sum = out.get(groupOf(e.getKey()));
            if (sum == null) {
                sum = new long[samples.runs()];
                out.put(groupOf(e.getKey()), sum);
            }
            for (int r = 0; r < sum.length; r++) sum[r] += e.getValue()[r];
        }
        out.values().removeIf(v -> v == null);
        return out;
    }
}
