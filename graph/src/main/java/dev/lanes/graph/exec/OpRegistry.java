package dev.lanes.graph.exec;

import dev.lanes.graph.Backend;
import dev.lanes.graph.ModelException;
import dev.lanes.graph.ops.StandardOps;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps each (domain, op type) to its bindings: a reference binding that every op has, and an optional
 * fast binding. The session's {@link Backend} picks one at creation; a fast factory that returns null
 * for a node falls back to the reference binding.
 */
public final class OpRegistry {
    private record Key(String domain, String opType) {}

    private record Entry(int sinceOpset, OpFactory reference, OpFactory fast) {}

    private static volatile OpRegistry standard;

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    /** The registry with every op Lanes implements (shared, built once). */
    public static OpRegistry standard() {
        OpRegistry r = standard;
        if (r == null) {
            synchronized (OpRegistry.class) {
                r = standard;
                if (r == null) {
                    r = new OpRegistry();
                    StandardOps.registerAll(r);
                    standard = r;
                }
            }
        }
        return r;
    }

    /** Registers the reference binding of a default-domain op that exists from {@code sinceOpset} on. */
    public OpRegistry register(String opType, int sinceOpset, OpFactory reference) {
        return register("", opType, sinceOpset, reference);
    }

    public OpRegistry register(String domain, String opType, int sinceOpset, OpFactory reference) {
        entries.merge(new Key(domain, opType), new Entry(sinceOpset, reference, null),
                (old, n) -> new Entry(sinceOpset, reference, old.fast()));
        return this;
    }

    /** Adds (or replaces) the fast binding of an op that has a reference binding. */
    public OpRegistry registerFast(String domain, String opType, OpFactory fast) {
        Key k = new Key(domain, opType);
        Entry e = entries.get(k);
        if (e == null) {
            throw new IllegalStateException("op " + opType + " in domain '" + domain + "' has no reference binding");
        }
        entries.put(k, new Entry(e.sinceOpset(), e.reference(), fast));
        return this;
    }

    public boolean hasFast(String domain, String opType) {
        Entry e = entries.get(new Key(domain, opType));
        return e != null && e.fast() != null;
    }

    /** The op types of a domain that have a binding, sorted. */
    public Set<String> opTypes(String domain) {
        Set<String> s = new TreeSet<>();
        entries.keySet().forEach(k -> {
            if (k.domain().equals(domain)) {
                s.add(k.opType());
            }
        });
        return s;
    }

    /**
     * Prepares the operator for {@code setup}'s node. Throws naming node, op, domain and opset when the
     * op is unknown, not defined at the node's opset, or uses an attribute the binding does not read.
     */
    public Operator create(OpSetup setup) {
        var node = setup.node();
        Entry e = entries.get(new Key(node.domain(), node.opType()));
        if (e == null) {
            throw new ModelException(node.describe() + ": unsupported op: Lanes has no implementation of "
                    + node.opType() + (node.domain().isEmpty() ? "" : " in domain '" + node.domain() + "'"));
        }
        if (node.domain().isEmpty() && node.opset() < e.sinceOpset()) {
            throw new ModelException(node.describe() + ": op " + node.opType() + " does not exist before opset "
                    + e.sinceOpset());
        }
        Operator op = null;
        if (setup.backend() == Backend.FAST && e.fast() != null) {
            op = e.fast().create(setup);
        }
        if (op == null) {
            setup.forgetPackedInputs(); // the reference binding reads its inputs' values
            op = e.reference().create(setup);
        }
        Set<String> unread = setup.unreadAttributes();
        if (!unread.isEmpty()) {
            throw new ModelException(node.describe() + ": unsupported attribute" + (unread.size() > 1 ? "s " : " ")
                    + new TreeSet<>(unread));
        }
        return op;
    }
}
