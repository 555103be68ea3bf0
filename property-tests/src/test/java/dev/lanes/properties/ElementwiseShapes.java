package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.longs;

import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.ReduceOp;
import dev.lanes.reference.ReduceShape;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import dev.lanes.reference.WhereShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators for element-wise ops and reductions: every unary op with its parameters, and
 * broadcasting shapes of every rank combination 0..4 — an output shape with awkward dims (1, primes,
 * around vector multiples, sometimes 0), from which each input drops leading dims and turns others
 * into 1s. Sizes shrink; which dims broadcast follows a seed.
 */
public final class ElementwiseShapes {
    private ElementwiseShapes() {}

    /** Any unary op; LeakyRelu/Elu/HardSigmoid/Clip with parameters other than the defaults half the time. */
    public static Gen<UnaryShape> unaries() {
        return Generate.enumValues(UnaryOp.class).zip(Sizes.between(0, 300), longs().all(), (op, n, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            if (r.nextBoolean()) return UnaryShape.of(op, n);
            return switch (op) {
                case LEAKY_RELU, ELU -> new UnaryShape(op, (float) (r.nextDouble() * 2), 0f, n);
                case HARD_SIGMOID -> new UnaryShape(op, (float) (r.nextDouble() * 0.5), (float) r.nextDouble(), n);
                case CLIP -> {
                    float lo = (float) (r.nextDouble() * 2 - 1.5), hi = lo + (float) (r.nextDouble() * 2);
                    yield new UnaryShape(op, r.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : lo,
                            r.nextInt(4) == 0 ? Float.POSITIVE_INFINITY : hi, n);
                }
                default -> UnaryShape.of(op, n);
            };
        });
    }

    /** Output shapes of rank 0..4 with small awkward dims (total elements kept small). */
    public static Gen<int[]> shapes() {
        Gen<Integer> dim = Generate.pick(List.of(1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33)).mix(Generate.range(0, 4), 20);
        return Generate.range(0, 4).zip(dim, dim, dim, dim, (rank, a, b, c, d) -> {
            int[] all = {a, b, c, d};
            int[] s = new int[rank];
            System.arraycopy(all, 4 - rank, s, 0, rank);
            long n = 1;
            for (int i = 0; i < rank; i++) n *= Math.max(1, s[i]);
            for (int i = 0; n > 4096 && i < rank; i++) {
                n /= Math.max(1, s[i]);
                s[i] = 1;
            }
            return s;
        });
    }

    /** A shape that broadcasts to {@code out}: some leading dims dropped, some dims set to 1. */
    public static int[] broadcastFrom(int[] out, SplittableRandom r) {
        int drop = r.nextInt(out.length + 1);
        int[] s = new int[out.length - drop];
        for (int i = 0; i < s.length; i++) {
            int d = out[drop + i];
            s[i] = r.nextInt(3) == 0 ? 1 : d;
        }
        return s;
    }

    public static Gen<BinaryShape> binaries() {
        return Generate.enumValues(BinaryOp.class).zip(shapes(), longs().all(), (op, out, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] a = broadcastFrom(out, r), b = broadcastFrom(out, r);
            // keep the broadcast shape equal to `out` on at least one side half the time (the common case)
            if (r.nextBoolean()) a = out.clone();
            return new BinaryShape(op, a, b);
        });
    }

    public static Gen<WhereShape> wheres() {
        return shapes().zip(longs().all(), (out, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            return new WhereShape(broadcastFrom(out, r), broadcastFrom(out, r), broadcastFrom(out, r));
        });
    }

    /** Reductions over a random subset of axes (possibly none, possibly all), keepdims either way. */
    public static Gen<ReduceShape> reductions() {
        return Generate.enumValues(ReduceOp.class).zip(shapes(), longs().all(), (op, dims, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            List<Long> axes = new ArrayList<>();
            for (int d = 0; d < dims.length; d++) {
                if (r.nextBoolean()) axes.add(r.nextBoolean() ? d : (long) d - dims.length);
            }
            long[] ax = axes.stream().mapToLong(Long::longValue).toArray();
            return ReduceShape.fromOnnx(op.onnxName(), dims, ax, r.nextBoolean(), ax.length == 0 && r.nextInt(4) == 0);
        });
    }
}
