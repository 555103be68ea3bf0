package dev.lanes.bench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EngineAlternationTest {

    /** 1..100 ms in ns: the nearest-rank percentile p is p ms. */
    @Test
    void percentilesAreNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < v.length; i++) v[i] = (i + 1) * 1_000_000L;
        assertEquals(1.0, EngineAlternation.percentile(v, 0));
        assertEquals(10.0, EngineAlternation.percentile(v, 10));
        assertEquals(50.0, EngineAlternation.percentile(v, 50));
        assertEquals(99.0, EngineAlternation.percentile(v, 99));
        assertEquals(100.0, EngineAlternation.percentile(v, 100));
        assertEquals(7.0, EngineAlternation.percentile(new long[] {7_000_000L}, 90));
    }

    /** Each block's median comes from that block's runs only, whatever their order. */
    @Test
    void blockMedianStaysInsideItsBlock() {
        long[] v = {3_000_000L, 1_000_000L, 2_000_000L, 90_000_000L, 10_000_000L, 30_000_000L};
        assertEquals(2.0, EngineAlternation.blockMedian(v, 0, 3));
        assertEquals(30.0, EngineAlternation.blockMedian(v, 1, 3));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> EngineAlternation.main(new String[] {"resnet50", "2"}));
        assertThrows(IllegalArgumentException.class, () -> EngineAlternation.main(new String[] {"resnet50", "0", "4", "10"}));
    }
}
