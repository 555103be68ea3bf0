package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;

/** Typed reads of a node's attributes for passes (which, unlike op factories, only inspect them). */
final class NodeAttrs {
    private NodeAttrs() {}

    static long getLong(Node n, String name, long dflt) {
        Attribute a = n.attributes().get(name);
        return a != null && a.value() instanceof Long v ? v : dflt;
    }

    static float getFloat(Node n, String name, float dflt) {
        Attribute a = n.attributes().get(name);
        if (a == null) {
            return dflt;
        }
        if (a.value() instanceof Float v) {
            return v;
        }
        return a.value() instanceof Long v ? v : dflt;
    }

    static String getString(Node n, String name, String dflt) {
        Attribute a = n.attributes().get(name);
        return a != null && a.value() instanceof String v ? v : dflt;
    }

    static long[] getLongs(Node n, String name) {
        Attribute a = n.attributes().get(name);
        return a != null && a.value() instanceof long[] v ? v : null;
    }

    static float[] getFloats(Node n, String name) {
        Attribute a = n.attributes().get(name);
        return a != null && a.value() instanceof float[] v ? v : null;
    }

    static Tensor getTensor(Node n, String name) {
        Attribute a = n.attributes().get(name);
        return a != null && a.value() instanceof Tensor v ? v : null;
    }

    static boolean has(Node n, String name) {
        return n.attributes().containsKey(name);
    }

    /** True when the node has only the given attributes (a fusion must not drop one it does not understand). */
    static boolean onlyHas(Node n, String... allowed) {
        outer:
        for (String k : n.attributes().keySet()) {
            for (String a : allowed) {
                if (a.equals(k)) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }
}
