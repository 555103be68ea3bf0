package dev.lanes.models.inspect;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.exec.MemoryPlan;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What {@code lanes info} tells about a model: its inputs and outputs, how many nodes of each op it
 * has, its parameter count, the FLOPs of one run with the given inputs, and the memory the session's
 * plan needs (weights, and the peak of intermediate tensors alive at once under the plan's liveness).
 *
 * @param inputs          declared inputs
 * @param outputs         declared outputs
 * @param opHistogram     node count per op type, most frequent first
 * @param nodes           node count of the model as stored
 * @param parameters      elements of the floating-point constants (weights)
 * @param weightBytes     bytes of all constants
 * @param flops           FLOPs of one run (see {@link FlopCount})
 * @param peakActivationBytes the most bytes of inputs and intermediate tensors alive at one time
 * @param runInputs       the shapes the run used, by input name
 * @param memoryPlan      the session's planned arena for these inputs (buffer reuse, in-place steps; see graph's MemoryPlanner)
 */
public record ModelInfo(List<ValueInfo> inputs, List<ValueInfo> outputs, Map<String, Integer> opHistogram, int nodes,
                        long parameters, long weightBytes, long flops, long peakActivationBytes,
                        Map<String, int[]> runInputs, MemoryPlan memoryPlan) {

    /**
     * @param session a session on the model (its plan gives the liveness)
     * @param trace   a traced run of the same model (gives the shapes)
     */
    public static ModelInfo of(Session session, NodeTrace trace, Map<String, Tensor> inputs) {
        Graph stored = session.model().graph();
        Map<String, Integer> counts = new HashMap<>();
        for (Node n : stored.nodes()) counts.merge(n.opType(), 1, Integer::sum);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> histogram = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : sorted) histogram.put(e.getKey(), e.getValue());

        long params = 0, weightBytes = 0;
        for (Tensor t : stored.initializers().values()) {
            if (t.dtype().isFloatingPoint()) params += t.size();
            weightBytes += (long) t.size() * t.dtype().byteSize();
        }

        long flops = 0;
        // weights are initializers, not node outputs: the trace does not hold them
        Function<String, Tensor> valueOrWeight = name -> {
            Tensor t = trace.value(name);
            return t != null ? t : stored.initializers().get(name);
        };
        for (Node n : trace.nodes()) flops += FlopCount.of(n, valueOrWeight);

        Map<String, int[]> shapes = new TreeMap<>();
        inputs.forEach((k, v) -> shapes.put(k, v.shape()));
        return new ModelInfo(List.copyOf(session.inputs()), List.copyOf(session.outputs()), histogram, stored.nodes().size(),
                params, weightBytes, flops, peakActivations(session.plan(), trace, inputs), shapes, session.memoryPlan(inputs));
    }

    /**
     * Walks the plan's schedule: a node's outputs become alive when it runs, the slots the plan releases
     * after it die. Values the trace does not know (renamed by passes) count as empty.
     */
    static long peakActivations(ExecutionPlan plan, NodeTrace trace, Map<String, Tensor> inputs) {
        Map<Integer, Long> live = new HashMap<>();
        long current = 0;
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Integer slot = plan.slot(e.getKey());
            if (slot != null && live.put(slot, bytes(e.getValue())) == null) current += bytes(e.getValue());
        }
        long peak = current;
        for (ExecutionPlan.Step step : plan.steps()) {
            List<String> outs = step.node().outputs();
            for (int i = 0; i < step.outputs().length && i < outs.size(); i++) {
                Tensor t = trace.value(outs.get(i));
                long b = t == null ? 0 : bytes(t);
                Long old = live.put(step.outputs()[i], b);
                current += b - (old == null ? 0 : old);
            }
            peak = Math.max(peak, current);
            for (int slot : step.release()) {
                Long old = live.remove(slot);
                if (old != null) current -= old;
            }
        }
        return peak;
    }

    private static long bytes(Tensor t) {
        return (long) t.size() * t.dtype().byteSize();
    }

    /** A human-readable report. */
    public String format(String name) {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append('\n');
        sb.append("  inputs:\n");
        for (ValueInfo v : inputs) {
            int[] used = runInputs.get(v.name());
            sb.append("    ").append(v).append(used == null ? "  (has a default)" : "  run with " + Arrays.toString(used)).append('\n');
        }
        sb.append("  outputs:\n");
        for (ValueInfo v : outputs) sb.append("    ").append(v).append('\n');
        sb.append(String.format(java.util.Locale.ROOT, "  nodes: %d in %d op types%n", nodes, opHistogram.size()));
        StringBuilder line = new StringBuilder("   ");
        for (Map.Entry<String, Integer> e : opHistogram.entrySet()) {
            String item = " " + e.getKey() + " " + e.getValue();
            if (line.length() + item.length() > 96) {
                sb.append(line).append('\n');
                line = new StringBuilder("   ");
            }
            line.append(item);
        }
        if (line.length() > 3) sb.append(line).append('\n');
        sb.append(String.format(java.util.Locale.ROOT, "  parameters: %,d (%s of constants)%n", parameters, Units.bytes(weightBytes)));
        sb.append(String.format(java.util.Locale.ROOT, "  FLOPs per run: %s (MatMul, Gemm, Conv, ConvTranspose; 2 per multiply-add)%n", Units.count(flops)));
        sb.append(String.format(java.util.Locale.ROOT, "  planned memory: %s weights + %s peak of live inputs and intermediates%n",
                Units.bytes(weightBytes), Units.bytes(peakActivationBytes)));
        sb.append(String.format(java.util.Locale.ROOT, "  optimised plan: %s arena in %d buffers (%s live at most, %s without reuse, %d steps in place)%n",
                Units.bytes(memoryPlan.arenaBytes()), memoryPlan.buffers(), Units.bytes(memoryPlan.peakLiveBytes()),
                Units.bytes(memoryPlan.unsharedBytes()), memoryPlan.inPlaceSteps()));
        return sb.toString();
    }
}
