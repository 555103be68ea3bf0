package dev.lanes.bench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NodeSamplesTest {

    /** 1..100 ms in ns, given in reverse: the nearest-rank percentile p is p ms, whatever the order. */
    @Test
    void percentilesAreNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < v.length; i++) v[i] = (100 - i) * 1_000_000L;
        assertEquals(1_000_000L, NodeSamples.percentile(v, 0));
        assertEquals(10_000_000L, NodeSamples.percentile(v, 10));
        assertEquals(50_000_000L, NodeSamples.percentile(v, 50));
        assertEquals(99_000_000L, NodeSamples.percentile(v, 99));
        assertEquals(100_000_000L, NodeSamples.percentile(v, 100));
        assertEquals(7_000_000L, NodeSamples.percentile(new long[] {7_000_000L}, 90));
        assertEquals(100_000_000L, v[0], "the values are left in their order");
    }

    @Test
    void meanIsTheAverage() {
        assertEquals(2.5, NodeSamples.mean(new long[] {1, 2, 3, 4}));
    }
}
