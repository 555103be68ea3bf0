package dev.lanes.graph.exec;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * A compiled graph: nodes in a topological order, each with its prepared {@link Operator} and the
 * slots of the values it reads and writes. A run fills a fresh slot array, so one plan serves many
 * concurrent runs. After step {@code i} the slots in {@code step.release} are no longer needed and
 * are dropped, so intermediate tensors can be collected early.
 */
public final class ExecutionPlan {
    /** One scheduled node. */
    public record Step(Node node, Operator op, int[] inputs, int[] outputs, int[] release) {}

    private final Graph graph;
    private final List<Step> steps;
    private final int slotCount;
    private final Map<String, Integer> slots;
    private final Map<Integer, Tensor> constants;
    private final int[] inputSlots;
    private final List<String> inputNames;
    private final int[] outerSlots;
    private final List<String> outerNames;
    private final int[] outputSlots;
    private final List<String> outputNames;

    ExecutionPlan(Graph graph, List<Step> steps, int slotCount, Map<String, Integer> slots, Map<Integer, Tensor> constants,
                  List<String> inputNames, List<String> outerNames, List<String> outputNames) {
        this.graph = graph;
        this.steps = List.copyOf(steps);
        this.slotCount = slotCount;
        this.slots = Map.copyOf(slots);
        this.constants = Map.copyOf(constants);
        this.inputNames = List.copyOf(inputNames);
        this.outerNames = List.copyOf(outerNames);
        this.outputNames = List.copyOf(outputNames);
        this.inputSlots = inputNames.stream().mapToInt(slots::get).toArray();
        this.outerSlots = outerNames.stream().mapToInt(slots::get).toArray();
        this.outputSlots = outputNames.stream().mapToInt(slots::get).toArray();
    }

    public Graph graph() {
        return graph;
    }

    public List<Step> steps() {
        return steps;
    }

    public int slotCount() {
        return slotCount;
    }

    /** Slot of a value name, or null. */
    public Integer slot(String value) {
        return slots.get(value);
    }

    public Map<Integer, Tensor> constants() {
        return constants;
    }

    public List<String> inputNames() {
        return inputNames;
    }

    public int[] inputSlots() {
        return inputSlots.clone();
    }

    /** Outer-scope values a subgraph plan reads (empty for a main graph). */
    public List<String> outerNames() {
        return outerNames;
    }

    public int[] outerSlots() {
        return outerSlots.clone();
    }

    public List<String> outputNames() {
        return outputNames;
    }

    public int[] outputSlots() {
        return outputSlots.clone();
    }
}
