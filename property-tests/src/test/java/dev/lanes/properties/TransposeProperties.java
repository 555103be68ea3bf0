package dev.lanes.properties;

import dev.lanes.reference.ReferenceTranspose;
import dev.lanes.reference.TransposeShape;
import dev.lanes.simd.FastTranspose;
import dev.lanes.simd.Parallel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * FastTranspose against ReferenceTranspose: ranks 1 to 6, random permutations (identity, reversal and
 * the transformer ones among them), dims of 1 (dropped by the simplification), primes and sizes around
 * the 16-float tile; offsets into larger arrays; NaN canaries; the same bits on 1, 2 and 3 threads for
 * transposes large enough to be split. A transpose only copies, so results must be exact.
 */
@WidthSensitive
class TransposeProperties {

    private static final Parallel TWO = Parallel.create(2);
    private static final Parallel THREE = Parallel.create(3);
    private static final ReferenceTranspose REF = new ReferenceTranspose();

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    private static final List<Integer> DIMS = List.of(1, 1, 2, 3, 5, 7, 13, 15, 16, 17, 31, 33);

    /** A shape of rank 1..6 with at most {@code maxSize} elements and a random perm of its axes. */
    private static Gen<TransposeShape> shapes(int maxRank, long maxSize, List<Integer> dims) {
        Gen<Integer> ranks = Generate.range(1, maxRank), ds = Generate.pick(dims).mix(Sizes.between(1, 70), 30);
        return in -> {
            int r = ranks.generate(in);
            int[] shape = new int[r];
            long size = 1;
            for (int i = 0; i < r; i++) {
                shape[i] = ds.generate(in);
                while (size * shape[i] > maxSize) shape[i] = Math.max(1, shape[i] / 2);
                size *= shape[i];
            }
            return new TransposeShape(shape, perm(in, r));
        };
    }

    private static int[] perm(RandomnessSource in, int r) {
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        int kind = Generate.range(0, 5).generate(in);
        if (kind == 0) return p;                                   // identity
        if (kind == 1) {                                           // reversal (ONNX's default)
            for (int i = 0; i < r; i++) p[i] = r - 1 - i;
            return p;
        }
        if (kind == 2 && r >= 2) {                                 // swap of the last two (Kᵀ)
            p[r - 2] = r - 1;
            p[r - 1] = r - 2;
            return p;
        }
        for (int i = r - 1; i > 0; i--) {                          // Fisher–Yates
            int j = Generate.range(0, i).generate(in);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Test
    void equalsTheReference() {
        Theories.qt(200).forAll(shapes(6, 20_000, DIMS), Generate.pick(List.of(0, 3))).checkAssert((s, off) -> check(s, off, false));
    }

    @Test
    void largeTransposesAreTheSameOnAnyThreads() {
        Theories.qt(12).forAll(shapes(4, 300_000, List.of(1, 12, 17, 64, 97, 128, 513))).checkAssert(s -> check(s, 0, true));
    }

    @Test
    void transformerPermsEqualTheReference() {
        int[][] perms = {{0, 2, 1, 3}, {0, 2, 3, 1}, {0, 1, 3, 2}, {0, 3, 1, 2}};
        for (int[] p : perms) {
            check(new TransposeShape(new int[] {2, 13, 12, 64}, p), 0, true);
            check(new TransposeShape(new int[] {1, 12, 33, 17}, p), 1, true);
        }
    }

    private static void check(TransposeShape s, int off, boolean threads) {
        int n = s.size();
        float[] x = Data.uniform(s.hashCode(), off + n);
        float[] expected = new float[n];
        REF.transpose(s, x, off, expected, 0);
        for (Parallel par : threads ? new Parallel[] {Parallel.callerOnly(), TWO, THREE} : new Parallel[] {Parallel.callerOnly()}) {
            Guarded y = new Guarded(n);
            FastTranspose.transpose(s, x, off, y.array(), y.offset(), par);
            y.assertCanariesIntact();
            Tolerance.assertBitsEqual("FastTranspose " + s + " threads " + par.threads(), y.region(), expected);
        }
    }
}
