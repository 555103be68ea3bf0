package dev.lanes.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that decides the vector width of every fast kernel.
 *
 * <p>By default the kernels use this machine's preferred species (512-bit on AVX-512, 256 on AVX2,
 * 128 on NEON). The system property {@code lanes.vector.bits} (128, 256 or 512) forces a narrower
 * width so that tests on a wide machine also run the code paths of narrower ones. It is read once:
 * species must be {@code static final} constants or C2 will not intrinsify the kernels.
 *
 * <p>Kernels copy {@link #FLOAT} into their own {@code static final} field and derive every lane
 * count from it, never from a literal 16 or 8.
 */
public final class VectorWidth {
    private VectorWidth() {}

    /** Bits per vector actually used: the forced width, capped at what the hardware prefers. */
    public static final int BITS = chooseBits();

    public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS));
    public static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS));

    /** Floats per vector. */
    public static final int LANES = FLOAT.length();

    private static int chooseBits() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String forced = System.getProperty("lanes.vector.bits", "0").trim();
        int bits;
        try {
            bits = Integer.parseInt(forced);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lanes.vector.bits must be 128, 256 or 512, got '" + forced + "'");
        }
        if (bits == 0) return preferred;
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("lanes.vector.bits must be 128, 256 or 512, got " + bits);
        }
        // A species wider than the hardware's runs as slow Java fallbacks: never go above it.
        return Math.min(bits, preferred);
    }
}
