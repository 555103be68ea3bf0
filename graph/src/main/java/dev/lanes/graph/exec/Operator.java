package dev.lanes.graph.exec;

import dev.lanes.graph.Tensor;

/**
 * A node prepared to run: created once at session creation (attributes resolved and validated,
 * weights packed), then run any number of times, possibly by many threads at once. Implementations
 * must therefore keep no per-run state in fields.
 */
@FunctionalInterface
public interface Operator {
    /**
     * Computes the node's outputs.
     *
     * @param inputs the node's inputs in order ({@code null} for an omitted optional input), followed
     *               by its implicit (outer-scope) inputs; never modified
     * @return one tensor per node output ({@code null} allowed for an omitted optional output)
     */
    Tensor[] run(Tensor[] inputs, RunContext ctx);
}
