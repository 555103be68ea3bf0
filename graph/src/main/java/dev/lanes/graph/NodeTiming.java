package dev.lanes.graph;

/** Accumulated time of one node over the profiled runs of a {@link Session}. */
public record NodeTiming(String node, String opType, long calls, long totalNanos) {
    public double meanMillis() {
        return calls == 0 ? 0 : totalNanos / 1e6 / calls;
    }
}
