package dev.lanes.bench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EngineAlternationTest {

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
