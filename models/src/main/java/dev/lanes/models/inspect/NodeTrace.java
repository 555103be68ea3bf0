package dev.lanes.models.inspect;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a model once with every node's outputs exposed as graph outputs (and the optimisation passes
 * off, so that each node of the file is a node of the run): the value of every intermediate tensor,
 * for per-node comparisons, shapes and FLOP counts.
 *
 * @param nodes  the nodes in the order they ran
 * @param values every graph input given and every node output, by value name
 */
public record NodeTrace(List<Node> nodes, Map<String, Tensor> values) {

    public static NodeTrace run(Path model, SessionOptions options, Map<String, Tensor> inputs) throws IOException {
        OnnxModel onnx = OnnxImporter.load(model);
        Graph g = onnx.graph();
        Set<String> outputs = new HashSet<>(g.outputNames());
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty() && outputs.add(o)) g.outputs().add(ValueInfo.unknown(o));
            }
        }
        try (Session s = Session.open(onnx, options.withOptimize(false))) {
            Map<String, Tensor> values = new LinkedHashMap<>(inputs);
            values.putAll(s.run(inputs));
            List<Node> order = new ArrayList<>();
            for (ExecutionPlan.Step step : s.plan().steps()) order.add(step.node());
            return new NodeTrace(List.copyOf(order), values);
        }
    }

    /** The value's tensor, or null when the run did not produce it (an omitted optional output). */
    public Tensor value(String name) {
        return values.get(name);
    }
}
