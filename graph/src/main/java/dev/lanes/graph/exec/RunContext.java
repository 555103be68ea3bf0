package dev.lanes.graph.exec;

import java.util.concurrent.ForkJoinPool;

/**
 * Per-run facts an operator may use: the session's worker pool (null when the session runs on the
 * caller's thread only) and its thread budget.
 */
public record RunContext(ForkJoinPool pool, int threads) {
    public static final RunContext CALLER_ONLY = new RunContext(null, 1);
}
