package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Proves the width switch: the run at a forced width really uses that width. */
@WidthSensitive
class VectorWidthTest {

    @Test
    void kernelsUseTheForcedWidth() {
        int forced = Integer.getInteger("lanes.vector.bits", 0);
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int expected = forced == 0 ? preferred : Math.min(forced, preferred);
        System.out.println("simd-kernels vector width: " + VectorWidth.BITS + " bits (" + VectorWidth.LANES + " floats)");
        assertEquals(expected, VectorWidth.BITS);
        assertEquals(expected / Float.SIZE, VectorWidth.LANES);
    }
}
