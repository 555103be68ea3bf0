package dev.lanes.bench.models;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One engine's per-node times over a series of runs: for every node (in the engine's execution order) its time in each
 * run, in nanoseconds, and each run's total. A node absent from a run counts 0 there. Built by {@link NodeMinProfile}
 * for Lanes and {@link OrtTrace} for ONNX Runtime, grouped by {@link NodeGroups}.
 */
record NodeSamples(Map<String, long[]> perNode, long[] runTotals) {

    NodeSamples {
        int runs = runTotals.length;
        if (runs < 1) throw new IllegalArgumentException("node samples need at least one run");
        for (Map.Entry<String, long[]> e : perNode.entrySet()) {
            if (e.getValue().length != runs) {
                throw new IllegalArgumentException("node '" + e.getKey() + "' has " + e.getValue().length + " samples for " + runs + " runs");
            }
        }
        perNode = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perNode));
    }

    int runs() {
        return runTotals.length;
    }

    List<String> nodes() {
        return List.copyOf(perNode.keySet());
    }

    /** The smallest of the values. */
    static long min(long[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    /** The mean of the values. */
    static double mean(long[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** The p-th percentile of the values, nearest rank (p = 50 is {@link #median}). */
    static long percentile(long[] values, int p) {
        long[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /** The median of the values (the upper one of the middle two for an even count). */
    static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
