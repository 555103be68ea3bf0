package dev.lanes.properties;

import dev.lanes.reference.MatMulShape;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Generators of valid {@link MatMulShape}s: plain 2-D products with awkward M, N, K (1, primes, just
 * around multiples of 8/16/32, K = 0), batches, numpy broadcasting of batch dims of different ranks
 * and of size-1 dims on either side, and the 1-D promotions (vector·matrix, matrix·vector, dot).
 */
public final class MatMulShapes {
    private MatMulShapes() {}

    public static Gen<MatMulShape> any() {
        return plain().mix(batched(), 30).mix(broadcast(), 40).mix(vectors(), 20);
    }

    /** 2-D × 2-D. */
    public static Gen<MatMulShape> plain() {
        return in -> {
            int[] mnk = mnk(in);
            return new MatMulShape(new int[0], new int[0], mnk[0], mnk[1], mnk[2], false, false);
        };
    }

    /** Equal batch dims on both sides (rank 1 or 2). */
    public static Gen<MatMulShape> batched() {
        return in -> {
            int[] batch = batchDims(in, Generate.range(1, 2).generate(in));
            int[] mnk = mnk(in);
            return new MatMulShape(batch, batch, mnk[0], mnk[1], mnk[2], false, false);
        };
    }

    /** Batch dims that broadcast: different ranks, and size-1 dims on either side. */
    public static Gen<MatMulShape> broadcast() {
        return in -> {
            int[] full = batchDims(in, Generate.range(1, 3).generate(in));
            int[] a = broadcastable(in, full), b = broadcastable(in, full);
            int[] mnk = mnk(in);
            return new MatMulShape(a, b, mnk[0], mnk[1], mnk[2], false, false);
        };
    }

    /** At least one 1-D operand: vector·matrix(es), matrix(es)·vector, or vector·vector. */
    public static Gen<MatMulShape> vectors() {
        return in -> {
            int kind = Generate.range(0, 2).generate(in);
            int[] mnk = mnk(in);
            int[] batch = batchDims(in, Generate.range(0, 2).generate(in));
            return switch (kind) {
                case 0 -> new MatMulShape(new int[0], batch, 1, mnk[1], mnk[2], true, false);
                case 1 -> new MatMulShape(batch, new int[0], mnk[0], 1, mnk[2], false, true);
                default -> new MatMulShape(new int[0], new int[0], 1, 1, mnk[2], true, true);
            };
        };
    }

    private static int[] mnk(RandomnessSource in) {
        return new int[] {Sizes.between(1, 40).generate(in), Sizes.between(1, 40).generate(in), Sizes.between(0, 40).generate(in)};
    }

    private static int[] batchDims(RandomnessSource in, int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = Generate.range(1, 3).generate(in);
        return d;
    }

    /** A shape that broadcasts to {@code full}: some leading dims dropped, some dims set to 1. */
    private static int[] broadcastable(RandomnessSource in, int[] full) {
        int drop = Generate.range(0, full.length).generate(in);
        int[] d = java.util.Arrays.copyOfRange(full, drop, full.length);
        for (int i = 0; i < d.length; i++) if (Generate.booleans().generate(in)) d[i] = 1;
        return d;
    }
}
