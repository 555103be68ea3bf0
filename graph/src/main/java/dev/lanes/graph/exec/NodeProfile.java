package dev.lanes.graph.exec;

import java.util.concurrent.atomic.AtomicLongArray;

/** Accumulated wall time and call count per plan step; safe to record from concurrent runs. */
public final class NodeProfile {
    private final AtomicLongArray nanos;
    private final AtomicLongArray calls;

    public NodeProfile(int steps) {
        nanos = new AtomicLongArray(steps);
        calls = new AtomicLongArray(steps);
    }

    public void record(int step, long elapsedNanos) {
        nanos.addAndGet(step, elapsedNanos);
        calls.incrementAndGet(step);
    }

    public long nanos(int step) {
        return nanos.get(step);
    }

    public long calls(int step) {
        return calls.get(step);
    }

    public int steps() {
        return nanos.length();
    }
}
