package dev.lanes.graph;

import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.exec.PlanCompiler;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.passes.StandardPasses;
import dev.lanes.simd.Parallel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plans a session specialises per input-shape signature. The first run with a new signature
 * copies the session's optimised graph, fixes its input dims, and runs the shape-dependent passes
 * (shape inference, constant folding of the shape chains, the fusions that need constant shapes)
 * before compiling; later runs with the same shapes reuse that plan. Weight packing is shared
 * between plans (the compiler's {@code SessionWeights}, keyed by the session's constant): the copied
 * graph holds the stand-ins of weights already packed, so a new signature costs a compile, not a
 * repack, and brings no raw copy of a packed weight back.
 *
 * <p>At most {@link #CAPACITY} signatures are kept (least recently used dropped), so a caller feeding
 * ever-new shapes cannot grow the cache without bound. A specialisation that fails (an op the passes
 * cannot evaluate, a model the fixed shapes contradict) falls back to the general plan, which then
 * reports any real problem with its usual message.
 */
final class PlanCache {
    static final int CAPACITY = 16;

    private final Graph graph;
    private final PlanCompiler compiler;
    private final SessionOptions options;
    private final ExecutionPlan general;
    private final Parallel parallel;
    private final Map<Signature, ExecutionPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Signature, ExecutionPlan> eldest) {
            return size() > CAPACITY;
        }
    };

    /** {@code parallel} prepares a new plan's operators (convolutions set up for the new shapes). */
    PlanCache(Graph graph, PlanCompiler compiler, SessionOptions options, ExecutionPlan general, Parallel parallel) {
        this.graph = graph;
        this.compiler = compiler;
        this.options = options;
        this.general = general;
        this.parallel = parallel;
    }

    /** The plan for these feeds (one per {@code graph.inputs()}, null where the default is used). */
    ExecutionPlan planFor(Tensor[] feeds) {
        int[][] shapes = new int[feeds.length][];
        for (int i = 0; i < feeds.length; i++) {
            shapes[i] = feeds[i] == null ? null : feeds[i].shape();
        }
        Signature key = new Signature(shapes);
        synchronized (plans) {
            ExecutionPlan p = plans.get(key);
            if (p != null) {
                return p;
            }
        }
        ExecutionPlan p = specialise(shapes);
        synchronized (plans) {
            ExecutionPlan raced = plans.putIfAbsent(key, p);
            return raced != null ? raced : p;
        }
    }

    /** The specialised plans cached now. */
    List<ExecutionPlan> plans() {
        synchronized (plans) {
            return List.copyOf(plans.values());
        }
    }

    /** Signatures cached now. */
    int size() {
        synchronized (plans) {
            return plans.size();
        }
    }

    private ExecutionPlan specialise(int[][] shapes) {
        try {
            Graph g = StandardPasses.specialise(graph, shapes, options);
            return compiler.compile(g, parallel, new LoadTimings.Clock());
        } catch (RuntimeException e) {
            // The logger is looked up only here: the first System.getLogger in a JVM costs 40-60 ms of load.
            System.getLogger(PlanCache.class.getName()).log(System.Logger.Level.DEBUG, () -> "no specialised plan for input shapes " + Arrays.deepToString(shapes)
                    + ", using the general one: " + e);
            return general;
        }
    }

    /** Input shapes as a map key. */
    private record Signature(int[][] shapes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s && Arrays.deepEquals(shapes, s.shapes);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(shapes);
        }

        @Override
        public String toString() {
            return List.of(shapes).stream().map(Arrays::toString).toList().toString();
        }
    }
}
