package dev.lanes.graph;

import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.exec.Executor;
import dev.lanes.graph.exec.MemoryPlan;
import dev.lanes.graph.exec.MemoryPlanner;
import dev.lanes.graph.exec.NodeProfile;
import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.graph.exec.PlanCompiler;
import dev.lanes.graph.exec.BufferArena;
import dev.lanes.graph.exec.RunContext;
import dev.lanes.graph.exec.SessionWeights;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModel;
import dev.lanes.graph.passes.GraphCopy;
import dev.lanes.graph.passes.StandardPasses;
import dev.lanes.simd.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model, ready to run many times.
 *
 * <pre>{@code
 * try (Session session = Session.open(Path.of("model.onnx"))) {
 *     Map<String, Tensor> out = session.run(Map.of("input", Tensor.of(data, 1, 3, 224, 224)));
 *     float[] logits = out.get("output").floats();
 * }
 * }</pre>
 *
 * <p>Loading checks the whole model: an unknown op or unsupported attribute fails here, naming the
 * node, op, domain and opset, not at the first run. {@link #run} is safe to call from many threads at
 * once; each call has its own intermediate tensors. The tensors a run returns belong to the caller.
 * Graph inputs that have an initializer may be left out of {@code run}: the initializer is the default.
 */
public final class Session implements AutoCloseable {
    private final OnnxModel model;
    private final SessionOptions options;
    private final ExecutionPlan plan;
    private final PlanCache specialised;
    private final Parallel parallel;
    private final RunContext context;
    private final ThreadLocal<BufferArena> arenas = ThreadLocal.withInitial(BufferArena::new);
    private final Map<ExecutionPlan, NodeProfile> profiles = new ConcurrentHashMap<>();
    private volatile ExecutionPlan lastPlan;
    private final Map<ExecutionPlan, Set<Object>> protectedArrays = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private final LoadTimings loadTimings;
    private final SessionWeights weights;

    private Session(OnnxModel model, SessionOptions options, LoadTimings.Clock clock) {
        this(model, options, clock, null);
    }

    /** {@code file}: where the model was read from (null when it came from memory). */
    private Session(OnnxModel model, SessionOptions options, LoadTimings.Clock clock, Path file) {
        this.model = model;
        this.options = options;
        Graph g = model.graph();
        if (options.optimize()) {
            g = GraphCopy.of(g);
            for (Pass p : StandardPasses.forOptions(options)) {
                g = p.apply(g);
                clock.lap("pass " + p.getClass().getSimpleName());
            }
        }
        this.parallel = Parallel.create(options.threads());
        this.weights = new SessionWeights();
        PlanCompiler compiler = new PlanCompiler(OpRegistry.standard(), options.backend(), weights);
        try {
            this.plan = compiler.compile(g, parallel, clock);
        } catch (RuntimeException | Error e) {
            parallel.close();
            throw e;
        }
        // The imported graph shares the weight tensors the passes left alone: give it the stand-ins too,
        // so that a weight the plan holds packed only is not kept raw through model().
        model.graph().initializers().replaceAll((name, t) -> weights.standIn(t));
        // folded conv weights whose kernels hold an inexact form: recomputable from the model's own weights
        weights.modelKnown(model.graph());
        if (file != null && g != model.graph()) {
            ModelFileValues.deferUnused(file, model.graph(), g);
        }
        this.specialised = options.optimize() && StandardPasses.worthSpecialising(g) ? new PlanCache(g, compiler, options, plan, parallel) : null;
        this.context = new RunContext(parallel, null);
        this.lastPlan = plan;
        // No log line here: the first System.getLogger in a JVM costs 40-60 ms, a tenth of a small model's load.
        this.loadTimings = clock.timings();
    }

    public static Session open(Path model) throws IOException {
        return open(model, SessionOptions.defaults());
    }

    public static Session open(Path model, SessionOptions options) throws IOException {
        LoadTimings.Clock clock = new LoadTimings.Clock();
        return new Session(OnnxImporter.load(model, clock), options, clock, model);
    }

    public static Session open(byte[] model) {
        return open(model, SessionOptions.defaults());
    }

    public static Session open(byte[] model, SessionOptions options) {
        LoadTimings.Clock clock = new LoadTimings.Clock();
        return new Session(OnnxImporter.load(model, clock), options, clock);
    }

    /** Reads the stream to its end (it is not closed). */
    public static Session open(InputStream model, SessionOptions options) throws IOException {
        LoadTimings.Clock clock = new LoadTimings.Clock();
        byte[] bytes = model.readAllBytes();
        clock.lap("read");
        return new Session(OnnxImporter.load(bytes, clock), options, clock);
    }

    /** A session over an already imported model (tests, model builders). */
    public static Session open(OnnxModel model, SessionOptions options) {
        return new Session(model, options, new LoadTimings.Clock());
    }

    /**
     * Where the time of opening this session went: reading and parsing the file, importing the
     * weights, each optimisation pass, and preparing the operators (per op type). Plans specialised
     * later for new input shapes (at their first run) are not included.
     */
    public LoadTimings loadTimings() {
        return loadTimings;
    }

    public SessionOptions options() {
        return options;
    }

    /** The model as imported (before optimisation). */
    public OnnxModel model() {
        return model;
    }

    /**
     * The general compiled plan (after the optimisation passes that hold for every input shape), for
     * tools. A run may use a plan specialised for its input shapes instead: see {@link #planFor}.
     */
    public ExecutionPlan plan() {
        return plan;
    }

    /**
     * The plan a run with these inputs uses: specialised for their shapes (shape chains folded, shape-
     * dependent fusions applied) when the session optimises and the model has dims that are not fixed.
     * Validates the inputs as {@link #run} does; compiles and caches the plan if it is new.
     */
    public ExecutionPlan planFor(Map<String, Tensor> inputs) {
        Tensor[] feeds = validate(inputs);
        return specialised == null ? plan : specialised.planFor(feeds);
    }

    /**
     * The memory plan of the plan a run with these inputs uses: the planned peak of the intermediate
     * tensors with buffer reuse, the live peak, and the size without reuse (see {@link MemoryPlanner}).
     */
    public MemoryPlan memoryPlan(Map<String, Tensor> inputs) {
        return MemoryPlanner.plan(planFor(inputs));
    }

    /**
     * The weight bytes this session holds: constants kept with their raw values (in the imported model
     * and in the plans compiled so far) and the packed forms its MatMul and Gemm operators use. A weight
     * that only packed operators read is held packed only (its raw values are produced again, from
     * the packed form, if something reads them). A convolution weight counts as packed: its holder's
     * forms (shared by every input shape), plus its raw values where no form gives them back (Winograd);
     * ConvTranspose weights and the per-shape copies of the depthwise, grouped and stem kernels are not counted.
     */
    public WeightMemory weightMemory() {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long raw = 0;
        int kept = 0, standIns = 0;
        List<Map<String, Tensor>> holders = new ArrayList<>();
        holders.add(model.graph().initializers());
        holders.add(plan.graph().initializers());
        if (specialised != null) {
            specialised.plans().forEach(p -> holders.add(p.graph().initializers()));
        }
        for (Map<String, Tensor> h : holders) {
            for (Tensor t : h.values()) {
                if (!t.holdsValues()) {
                    standIns += seen.add(t) ? 1 : 0;
                } else if (seen.add(t.array())) {
                    raw += (long) t.size() * t.dtype().byteSize();
                    kept++;
                }
            }
        }
        // raw values a weight holder keeps beside its forms (a conv weight only Winograd reads): raw, not packed;
        // counted once when a plan's constant still holds the same array
        long keptRaw = 0;
        int keptBy = 0;
        for (SessionWeights.KeptRaw k : weights.keptRaw()) {
            if (seen.add(k.array())) {
                keptRaw += k.bytes();
                keptBy++;
            }
        }
        return new WeightMemory(raw, kept, keptRaw, keptBy, weights.packedBytes(), weights.packedConstants(), standIns);
    }

    /** Names of the inputs a caller may give, in the model's order (including those with defaults). */
    public List<String> inputNames() {
        return plan.inputNames();
    }

    public List<String> outputNames() {
        return plan.outputNames();
    }

    /** What the model declares about each input. */
    public List<ValueInfo> inputs() {
        return plan.graph().inputs();
    }

    public List<ValueInfo> outputs() {
        return plan.graph().outputs();
    }

    /** True when input {@code name} has a default value and may be left out of {@link #run}. */
    public boolean hasDefault(String name) {
        return plan.graph().initializers().containsKey(name);
    }

    /**
     * Runs the model. Every input without a default must be given, with the declared element type,
     * rank and fixed dimensions (symbolic dimensions must agree across inputs).
     *
     * @return the outputs by name, in the model's order
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        Tensor[] feeds = validate(inputs);
        ExecutionPlan p = specialised == null ? plan : specialised.planFor(feeds);
        lastPlan = p;
        NodeProfile profile = options.profiling() ? profiles.computeIfAbsent(p, q -> new NodeProfile(q.steps().size())) : null;
        BufferArena arena = arenas.get();
        Tensor[] outs;
        try {
            outs = Executor.run(p, feeds, new Tensor[0], context.withArena(arena), profile);
        } finally {
            arena.forget();
        }
        Set<Object> constants = constantArrays(p);
        Map<String, Tensor> result = new LinkedHashMap<>();
        Set<Object> fed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : feeds) {
            if (t != null) {
                fed.add(t.array());
            }
        }
        for (int i = 0; i < outs.length; i++) {
            Tensor t = outs[i];
            // Never hand out a session constant or the caller's own input array: copy those.
            if (constants.contains(t.array()) || fed.contains(t.array())) {
                t = t.copy();
            }
            result.put(plan.outputNames().get(i), t);
        }
        return result;
    }

    /** The arrays of a plan's constants (never handed to a caller without a copy). */
    private Set<Object> constantArrays(ExecutionPlan p) {
        return protectedArrays.computeIfAbsent(p, q -> {
            Set<Object> s = Collections.newSetFromMap(new IdentityHashMap<>());
            q.constants().values().stream().filter(Tensor::holdsValues).forEach(t -> s.add(t.array()));
            return s;
        });
    }

    private Tensor[] validate(Map<String, Tensor> inputs) {
        List<String> names = plan.inputNames();
        for (String given : inputs.keySet()) {
            if (!names.contains(given)) {
                throw new ModelException("unknown input '" + given + "'; the model's inputs are " + names);
            }
        }
        Tensor[] feeds = new Tensor[names.size()];
        Map<String, Integer> symbols = new HashMap<>();
        List<ValueInfo> declared = plan.graph().inputs();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Tensor t = inputs.get(name);
            if (t == null) {
                if (!hasDefault(name)) {
                    throw new ModelException("missing input '" + name + "' (" + describe(declared.get(i)) + ")");
                }
                continue;
            }
            ValueInfo info = declared.get(i);
            if (info.dtype() != null && info.dtype() != t.dtype()) {
                throw new ModelException("input '" + name + "' must be " + info.dtype() + ", got " + t.dtype());
            }
            if (info.dims() != null) {
                List<Dim> dims = info.dims();
                int[] shape = t.shape();
                if (dims.size() != shape.length) {
                    throw new ModelException("input '" + name + "' must have rank " + dims.size() + " " + describe(info)
                            + ", got shape " + java.util.Arrays.toString(shape));
                }
                for (int d = 0; d < shape.length; d++) {
                    Dim dim = dims.get(d);
                    if (dim.isFixed() && dim.value() != shape[d]) {
                        throw new ModelException("input '" + name + "' dimension " + d + " must be " + dim.value() + " "
                                + describe(info) + ", got shape " + java.util.Arrays.toString(shape));
                    }
                    if (dim.isSymbolic()) {
                        Integer seen = symbols.putIfAbsent(dim.symbol(), shape[d]);
                        if (seen != null && seen != shape[d]) {
                            throw new ModelException("input '" + name + "' dimension " + d + " ('" + dim.symbol() + "') is "
                                    + shape[d] + ", but another input gave '" + dim.symbol() + "' = " + seen);
                        }
                    }
                }
            }
            feeds[i] = t;
        }
        return feeds;
    }

    private static String describe(ValueInfo v) {
        return (v.dtype() == null ? "?" : v.dtype().toString()) + (v.dims() == null ? "" : v.dims().toString());
    }

    /**
     * Time per node over the profiled runs (empty unless profiling is on), in schedule order, for the
     * plan of the latest run (a session specialises its plan per input-shape signature).
     */
    public List<NodeTiming> profile() {
        List<NodeTiming> r = new ArrayList<>();
        ExecutionPlan plan = lastPlan;
        NodeProfile profile = profiles.get(plan);
        if (profile == null) {
            return r;
        }
        for (int i = 0; i < plan.steps().size(); i++) {
            var n = plan.steps().get(i).node();
            r.add(new NodeTiming(n.name(), n.opType(), profile.calls(i), profile.nanos(i)));
        }
        return r;
    }

    /** Releases the worker pool. Runs in progress finish; later runs fail. */
    @Override
    public void close() {
        closed = true;
        parallel.close();
    }
}
