package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of awkward sizes: 1, primes, and values just under, at and over multiples of 8, 16 and
 * 32 (vector lengths of NEON, AVX2 and AVX-512 floats, and typical register tiles), mixed with
 * uniform values so that nothing between them is missed.
 */
public final class Sizes {
    private Sizes() {}

    private static final int[] PRIMES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
        73, 79, 83, 89, 97, 101, 127, 131, 191, 193, 251, 257, 383, 389, 509, 521, 577, 601, 1021, 1031};

    /** The awkward values in [lo, hi]. */
    public static List<Integer> awkward(int lo, int hi) {
        TreeSet<Integer> s = new TreeSet<>();
        s.add(lo);
        s.add(hi);
        s.add(1);
        for (int p : PRIMES) s.add(p);
        for (int m : new int[] {8, 16, 32}) {
            for (int k = m; k <= hi + 1; k += m) {
                s.add(k - 1);
                s.add(k);
                s.add(k + 1);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int v : s) if (v >= lo && v <= hi) out.add(v);
        return out;
    }

    /** Half awkward sizes, half uniform ones, in [lo, hi]. Shrinks towards lo. */
    public static Gen<Integer> between(int lo, int hi) {
        return Generate.pick(awkward(lo, hi)).mix(integers().between(lo, hi), 50);
    }

    /** A seed for filling data arrays: data follow from it, so a shrunk example replays exactly. */
    public static Gen<Long> seeds() {
        return Generate.longRange(0, Long.MAX_VALUE / 2);
    }
}
