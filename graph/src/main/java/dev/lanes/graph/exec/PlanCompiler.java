package dev.lanes.graph.exec;

import dev.lanes.graph.Backend;
import dev.lanes.graph.LoadTimings;
import dev.lanes.graph.ModelException;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Schedule;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.simd.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compiles a {@link Graph} into an {@link ExecutionPlan}: checks that every value read is defined
 * exactly once (graph input, constant, node output or, for subgraphs, an outer-scope value), orders
 * the nodes topologically (keeping the file's order where it is free, and naming the nodes of a cycle
 * when there is one), prepares each node's operator through the {@link OpRegistry}, and computes where
 * each intermediate value dies.
 */
public final class PlanCompiler {
    private final OpRegistry registry;
    private final Backend backend;
    private final SessionWeights weights;
    private final boolean releaseWeights;

    /** A compiler whose plans share packed weights among themselves; graphs keep every constant's values. */
    public PlanCompiler(OpRegistry registry, Backend backend) {
        this(registry, backend, new SessionWeights(), false);
    }

    /**
     * A session's compiler: its plans share the packed forms in {@code weights}, and a constant whose
     * every reader in a main graph took a packed form is replaced, in the plan and in the graph
     * compiled, by the {@link SessionWeights#release stand-in} that holds no raw values.
     */
    public PlanCompiler(OpRegistry registry, Backend backend, SessionWeights weights) {
        this(registry, backend, weights, true);
    }

    private PlanCompiler(OpRegistry registry, Backend backend, SessionWeights weights, boolean releaseWeights) {
        this.registry = registry;
        this.backend = backend;
        this.weights = weights;
        this.releaseWeights = releaseWeights;
    }

    /** The packed weights of this compiler's plans. */
    public SessionWeights weights() {
        return weights;
    }

    /** Compiles a main graph, preparing its operators on the calling thread. */
    public ExecutionPlan compile(Graph g) {
        return compile(g, List.of(), Parallel.callerOnly(), new LoadTimings.Clock());
    }

    /**
     * Compiles a main graph, preparing the operators (weight packing, convolution set-up) on
     * {@code parallel}'s threads, and records the phases {@code schedule}, {@code prepare} (with the
     * time per op type as parts) and {@code plan} on {@code clock}.
     */
    public ExecutionPlan compile(Graph g, Parallel parallel, LoadTimings.Clock clock) {
        return compile(g, List.of(), parallel, clock);
    }

    /** Compiles a graph whose reads of {@code outerNames} are supplied from an enclosing scope. */
    public ExecutionPlan compile(Graph g, Collection<String> outerNames) {
        return compile(g, outerNames, Parallel.callerOnly(), new LoadTimings.Clock());
    }

    private ExecutionPlan compile(Graph g, Collection<String> outerNames, Parallel parallel, LoadTimings.Clock clock) {
        Map<String, Integer> slots = new LinkedHashMap<>();
        Map<String, String> definedBy = new HashMap<>();
        Map<Integer, Tensor> constants = new HashMap<>();
        for (String o : outerNames) {
            define(g, slots, definedBy, o, "outer scope");
        }
        List<String> inputNames = new ArrayList<>();
        for (ValueInfo in : g.inputs()) {
            if (definedBy.containsKey(in.name()) && !g.initializers().containsKey(in.name())) {
                throw new ModelException("graph '" + g.name() + "' declares input '" + in.name() + "' twice");
            }
            if (!slots.containsKey(in.name())) {
                define(g, slots, definedBy, in.name(), "graph input");
            }
            inputNames.add(in.name());
        }
        for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
            if (!slots.containsKey(e.getKey())) {
                define(g, slots, definedBy, e.getKey(), "initializer");
            }
            constants.put(slots.get(e.getKey()), e.getValue());
        }
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (slots.containsKey(out)) {
                    throw new ModelException(n.describe() + " writes '" + out + "', which is already defined by "
                            + definedBy.get(out) + " (ONNX values are assigned once)");
                }
                define(g, slots, definedBy, out, n.describe());
            }
        }
        for (Node n : g.nodes()) {
            for (String r : n.allReads()) {
                if (!slots.containsKey(r)) {
                    throw new ModelException(n.describe() + " reads '" + r + "', which no node, input or initializer of graph '"
                            + g.name() + "' defines");
                }
            }
        }
        List<String> outputNames = new ArrayList<>();
        for (ValueInfo out : g.outputs()) {
            if (!slots.containsKey(out.name())) {
                throw new ModelException("graph '" + g.name() + "' output '" + out.name() + "' is never computed");
            }
            outputNames.add(out.name());
        }

        List<Node> order = topologicalOrder(g);

        clock.lap("schedule");

        List<Node> steps = order;
        List<Set<Integer>> packedInputs = new ArrayList<>();
        List<Operator> ops = prepare(g, steps, parallel, clock, packedInputs);
        clock.lap("prepare");
        if (releaseWeights && outerNames.isEmpty()) {
            releasePacked(g, steps, packedInputs, slots, constants, inputNames, outputNames);
        }

        // Liveness: the last step reading each non-persistent slot releases it.
        int[] lastUse = new int[slots.size()];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < steps.size(); i++) {
            for (String r : steps.get(i).allReads()) {
                lastUse[slots.get(r)] = i;
            }
        }
        boolean[] persistent = new boolean[slots.size()];
        for (String o : outputNames) {
            persistent[slots.get(o)] = true;
        }
        constants.keySet().forEach(s -> persistent[s] = true);
        List<List<Integer>> releaseAt = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            releaseAt.add(new ArrayList<>());
        }
        for (int s = 0; s < lastUse.length; s++) {
            if (!persistent[s] && lastUse[s] >= 0) {
                releaseAt.get(lastUse[s]).add(s);
            }
        }
        List<ExecutionPlan.Step> planSteps = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Node n = steps.get(i);
            int[] in = new int[n.inputs().size() + n.implicitInputs().size()];
            int k = 0;
            for (String s : n.inputs()) {
                in[k++] = s.isEmpty() ? -1 : slots.get(s);
            }
            for (String s : n.implicitInputs()) {
                in[k++] = slots.get(s);
            }
            int[] out = n.outputs().stream().mapToInt(s -> s.isEmpty() ? -1 : slots.get(s)).toArray();
            // An output nobody reads is released right away (unless it is a graph output).
            List<Integer> rel = new ArrayList<>(releaseAt.get(i));
            for (int o : out) {
                if (o >= 0 && !persistent[o] && lastUse[o] < 0) {
                    rel.add(o);
                }
            }
            planSteps.add(new ExecutionPlan.Step(n, ops.get(i), in, out, rel.stream().mapToInt(Integer::intValue).toArray()));
        }
        ExecutionPlan plan = new ExecutionPlan(g, planSteps, slots.size(), slots, constants, inputNames, List.copyOf(outerNames), outputNames);
        clock.lap("plan");
        return plan;
    }

    /**
     * Prepares every node's operator. The nodes are independent here (each reads the graph's constants
     * and packs its own weights; shared packings are cached thread-safely), so the threads claim them
     * one at a time — whole-model weight packing is most of a large model's load. On failure the error
     * of the first failing node in schedule order is thrown, so load errors still point at the first
     * bad node.
     */
    private List<Operator> prepare(Graph g, List<Node> steps, Parallel parallel, LoadTimings.Clock clock,
                                   List<Set<Integer>> packedInputs) {
        Map<String, Tensor> constantsByName = new HashMap<>(g.initializers());
        Set<String> defaults = new HashSet<>();
        g.inputs().forEach(in -> defaults.add(in.name()));
        defaults.retainAll(constantsByName.keySet());
        Operator[] ops = new Operator[steps.size()];
        @SuppressWarnings("unchecked")
        Set<Integer>[] packed = new Set[steps.size()];
        RuntimeException[] errors = new RuntimeException[steps.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        parallel.forRange(parallel.threads(), 1, (from, to) -> {
            for (int i; !failed.get() && (i = next.getAndIncrement()) < steps.size(); ) {
                Node n = steps.get(i);
                long t0 = System.nanoTime();
                OpSetup setup = new OpSetup(n, backend, constantsByName, g::info,
                        sub -> compile(sub, dev.lanes.graph.onnx.OnnxImporter.freeValues(sub)), weights, defaults);
                try {
                    ops[i] = registry.create(setup);
                    packed[i] = Set.copyOf(setup.packedInputs());
                } catch (ModelException e) {
                    errors[i] = e;
                    failed.set(true);
                } catch (RuntimeException e) {
                    errors[i] = new ModelException(n.describe() + ": " + e.getMessage(), e);
                    failed.set(true);
                }
                clock.addPart(n.opType(), System.nanoTime() - t0);
            }
        });
        for (RuntimeException e : errors) {
            if (e != null) {
                throw e;
            }
        }
        packedInputs.addAll(Arrays.asList(packed));
        return Arrays.asList(ops);
    }

    /**
     * Load → passes (which may read any constant's values) → prepare (the operators pack) → here: a
     * float constant that every reading step took in packed form, and that is neither a graph input
     * (a default the caller may replace) nor a graph output, is replaced by its stand-in in the plan's
     * constants and in {@code g}, so the raw values are no longer reachable from the plan. Any other
     * reader (a reference kernel, a subgraph, an op that reads the values) keeps them.
     */
    private void releasePacked(Graph g, List<Node> steps, List<Set<Integer>> packedInputs, Map<String, Integer> slots,
                               Map<Integer, Tensor> constants, List<String> inputNames, List<String> outputNames) {
        Set<String> keep = new HashSet<>(inputNames);
        keep.addAll(outputNames);
        Set<String> packed = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            Node n = steps.get(i);
            for (int j = 0; j < n.inputs().size(); j++) {
                (packedInputs.get(i).contains(j) ? packed : keep).add(n.inputs().get(j));
            }
            keep.addAll(n.implicitInputs());
        }
        packed.removeAll(keep);
        for (String name : packed) {
            Tensor t = g.initializers().get(name);
            if (t == null || !t.holdsValues()) {
                continue;
            }
            Tensor standIn = weights.release(t);
            if (standIn != t) {
                g.initializers().put(name, standIn);
                constants.put(slots.get(name), standIn);
            }
        }
    }

    private static void define(Graph g, Map<String, Integer> slots, Map<String, String> definedBy, String name, String by) {
        if (name.isEmpty()) {
            throw new ModelException("graph '" + g.name() + "' has a value with an empty name (" + by + ")");
        }
        slots.putIfAbsent(name, slots.size());
        definedBy.putIfAbsent(name, by);
    }

    /** The schedule of {@link Schedule#order}; on a cycle, an error naming (some of) the nodes on it. */
    static List<Node> topologicalOrder(Graph g) {
        List<Node> order = Schedule.order(g.nodes());
        if (order != null) {
            return order;
        }
        // Nodes that cannot be scheduled: those not reached when every schedulable node has run.
        java.util.Set<String> done = new java.util.HashSet<>();
        List<Node> rest = new ArrayList<>(g.nodes());
        boolean progress = true;
        java.util.Set<String> produced = new java.util.HashSet<>();
        g.nodes().forEach(n -> produced.addAll(n.outputs()));
        while (progress) {
            progress = false;
            for (var it = rest.iterator(); it.hasNext(); ) {
                Node n = it.next();
                if (n.allReads().stream().allMatch(r -> !produced.contains(r) || done.contains(r))) {
                    done.addAll(n.outputs());
                    it.remove();
                    progress = true;
                }
            }
        }
        List<String> stuck = new ArrayList<>();
        for (Node n : rest.subList(0, Math.min(6, rest.size()))) {
            stuck.add("'" + n.name() + "' (" + n.opType() + ")");
        }
        throw new ModelException("graph '" + g.name() + "' has a cycle: nodes " + String.join(", ", stuck)
                + " wait on each other's outputs");
    }
}
