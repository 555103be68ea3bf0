package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;

/**
 * Copies a graph so that passes can rewrite the copy and leave the original (the model as imported,
 * which {@code Session.model()} returns) untouched. Nodes and collections are new; tensors and
 * subgraphs are shared, since no pass modifies a tensor's elements or a subgraph.
 */
public final class GraphCopy {
    private GraphCopy() {}

    public static Graph of(Graph g) {
        Graph c = new Graph(g.name());
        for (Node n : g.nodes()) {
            c.nodes().add(copy(n));
        }
        c.inputs().addAll(g.inputs());
        c.outputs().addAll(g.outputs());
        c.initializers().putAll(g.initializers());
        c.valueInfo().putAll(g.valueInfo());
        return c;
    }

    static Node copy(Node n) {
        Node c = new Node(n.name(), n.opType(), n.domain(), n.opset(), n.inputs(), n.outputs(), n.attributes());
        c.implicitInputs().addAll(n.implicitInputs());
        return c;
    }
}
