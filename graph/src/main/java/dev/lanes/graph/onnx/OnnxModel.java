package dev.lanes.graph.onnx;

import dev.lanes.graph.ir.Graph;
import java.util.Map;

/**
 * An imported ONNX model: the main graph in Lanes' IR plus the model-level facts that tools print.
 *
 * @param opsets imported operator sets, domain ("" for the default ONNX domain) to version
 */
public record OnnxModel(Graph graph, long irVersion, Map<String, Integer> opsets, String producer) {
    public OnnxModel {
        opsets = Map.copyOf(opsets);
    }

    /** The default-domain opset. */
    public int opset() {
        return opsets.getOrDefault("", 0);
    }
}
