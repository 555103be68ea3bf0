package dev.lanes.graph.ir;

/**
 * A graph-to-graph transformation (shape inference, constant folding, fusions, layout). A pass may
 * rewrite {@code graph} in place and returns the graph to use next. Every pass must leave the graph
 * computing the same outputs on the reference backend.
 */
public interface Pass {
    /** A short name for logs and profiles. */
    String name();

    Graph apply(Graph graph);
}
