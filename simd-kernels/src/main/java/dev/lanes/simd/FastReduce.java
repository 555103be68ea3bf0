package dev.lanes.simd;

import dev.lanes.reference.Reduce;
import dev.lanes.reference.ReduceOp;
import dev.lanes.reference.ReduceShape;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReduceSum, ReduceMean and ReduceMax over any axes. The input's dims are collapsed into groups
 * of neighbouring kept or reduced dims (size-1 dims dropped), which leaves two inner-loop shapes:
 * <ul>
 *   <li>the innermost group is reduced: each output is a vector reduction over contiguous runs
 *       (one accumulator across all of them, lanes folded at the end in a fixed order);</li>
 *   <li>the innermost group is kept: each output row is contiguous, and the reduced slices are
 *       added (or maxed) into it one after another, vectorised along the row.</li>
 * </ul>
 * Outputs (rows, or column blocks of a single row) are split over {@link Parallel}; each output is
 * computed the same way for any thread count. Empty reductions give ONNX's values (sum 0, mean NaN,
 * max -∞); Max propagates NaN. Sums are float: an output's error is at most about
 * (count / L + log2 L)·eps·Σ|x| in the first shape and count·eps·Σ|x| in the second; an output
 * whose float sum overflowed (or met ±∞) is summed again in double, as the reference does.
 */
public final class FastReduce implements Reduce {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Least input elements worth a thread of their own. */
    static final int MIN_PER_SHARE = 1 << 15;

    private final Parallel parallel;

    /** Reductions on {@link Parallel#shared()}. */
    public FastReduce() {
        this(Parallel.shared());
    }

    public FastReduce(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void reduce(ReduceShape s, float[] x, int xOff, float[] y, int yOff) {
        String name = s.op().onnxName();
        int[] dims = s.dims();
        int inSize = dev.lanes.reference.Dims.size(dims), outSize = s.size();
        Checks.range(name, "data", x, xOff, inSize);
        Checks.range(name, "reduced", y, yOff, outSize);
        if (outSize == 0) return;
        ReduceOp op = s.op();
        if (s.reducedCount() == 0) {
            Arrays.fill(y, yOff, yOff + outSize, op == ReduceOp.SUM ? 0f : op == ReduceOp.MEAN ? Float.NaN : Float.NEGATIVE_INFINITY);
            return;
        }
        Groups g = new Groups(dims, s);
        if (g.rSizes.length == 0 && !g.innerReduced) {
            System.arraycopy(x, xOff, y, yOff, outSize);   // only size-1 dims reduced: the input as it is
            return;
        }
        int count = s.reducedCount();
        int shares = parallel.sharesFor(inSize, MIN_PER_SHARE);
        if (g.innerReduced) {
            parallel.forRange(outSize, 1, shares, (from, to) -> {
                for (int o = from; o < to; o++) {
                    int base = xOff + g.keptOffset(o);
                    float v = reduceRuns(op, x, base, g);
                    // A float sum can overflow where the exact one does not (MAX + MAX - MAX): redo in double.
                    if (op != ReduceOp.MAX && !Float.isFinite(v)) {
                        y[yOff + o] = (float) (sumInDouble(x, base, g, g.inner, 1) / (op == ReduceOp.MEAN ? count : 1));
                    } else {
                        y[yOff + o] = op == ReduceOp.MEAN ? v / count : v;
                    }
                }
            });
        } else {
            int rows = outSize / g.inner;
            parallel.forTiles(rows, 1, g.inner, F.length(), shares, (r0, r1, j0, j1) -> {
                int[] idx = new int[g.rSizes.length];
                for (int r = r0; r < r1; r++) {
                    int base = xOff + g.keptOffset(r) + j0, out = yOff + r * g.inner + j0;
                    accumulateSlices(op, x, base, g, idx, y, out, j1 - j0);
                    if (op == ReduceOp.MAX) continue;
                    int divisor = op == ReduceOp.MEAN ? count : 1;
                    for (int j = 0; j < j1 - j0; j++) {
                        float v = y[out + j];
                        // An overflowed float sum (or one that met ±∞) is redone in double, mean included.
                        y[out + j] = Float.isFinite(v) ? v / divisor : (float) (sumInDouble(x, base + j, g, 1, 0) / divisor);
                    }
                }
            });
        }
    }

    /**
     * The input's dims as alternating groups. Outer kept groups (kSizes/kStrides) enumerate the
     * outputs (or output rows); the reduced groups other than an innermost one (rSizes/rStrides) are
     * the slices walked for each; {@code inner} is the innermost group's length.
     */
    private static final class Groups {
        final int[] kSizes, kStrides, rSizes, rStrides;
        final boolean innerReduced;
        final int inner;

        Groups(int[] dims, ReduceShape s) {
            int[] size = new int[Math.max(1, dims.length)];   // a scalar is one kept group of 1
            boolean[] red = new boolean[size.length];
            int n = 0;
            for (int d = 0; d < dims.length; d++) {
                if (dims[d] == 1) continue;
                boolean r = s.reduces(d);
                if (n > 0 && red[n - 1] == r) {
                    size[n - 1] *= dims[d];
                } else {
                    size[n] = dims[d];
                    red[n] = r;
                    n++;
                }
            }
            if (n == 0) {     // every dim is 1
                size[0] = 1;
                red[0] = false;
                n = 1;
            }
            int[] stride = new int[n];
            for (int i = n - 1, acc = 1; i >= 0; i--) {
                stride[i] = acc;
                acc *= size[i];
            }
            innerReduced = red[n - 1];
            inner = size[n - 1];
            int kn = 0, rn = 0;
            for (int i = 0; i < n - 1; i++) {
                if (red[i]) rn++;
                else kn++;
            }
            kSizes = new int[kn];
            kStrides = new int[kn];
            rSizes = new int[rn];
            rStrides = new int[rn];
            for (int i = 0, k = 0, r = 0; i < n - 1; i++) {
                if (red[i]) {
                    rSizes[r] = size[i];
                    rStrides[r++] = stride[i];
                } else {
                    kSizes[k] = size[i];
                    kStrides[k++] = stride[i];
                }
            }
        }

        /** Input offset of output (or output row) number o: o decomposed over the outer kept groups. */
        int keptOffset(int o) {
            int off = 0;
            for (int i = kSizes.length - 1; i >= 0; i--) {
                off += (o % kSizes[i]) * kStrides[i];
                o /= kSizes[i];
            }
            return off;
        }
    }

    /**
     * The exact-order double sum of one output: over every reduced slice from {@code base}, the
     * {@code len} elements {@code step} apart (the innermost run, or the one element of a kept column).
     */
    private static double sumInDouble(float[] x, int base, Groups g, int len, int step) {
        int[] idx = new int[g.rSizes.length];
        double sum = 0;
        int off = base;
        while (true) {
            for (int i = 0; i < len; i++) sum += x[off + i * step];
            int d = advance(idx, g);
            if (d == Integer.MIN_VALUE) return sum;
            off += d;
        }
    }

    /** Reduces every contiguous run of {@code g.inner} elements of one output's slices (innermost group reduced). */
    private static float reduceRuns(ReduceOp op, float[] x, int base, Groups g) {
        boolean max = op == ReduceOp.MAX;
        FloatVector acc = max ? FloatVector.broadcast(F, Float.NEGATIVE_INFINITY) : FloatVector.zero(F);
        int[] idx = new int[g.rSizes.length];
        int off = base, n = g.inner;
        while (true) {
            int i = 0;
            if (max) {
                for (int bound = F.loopBound(n); i < bound; i += F.length()) acc = acc.max(FloatVector.fromArray(F, x, off + i));
                if (i < n) {
                    VectorMask<Float> m = F.indexInRange(i, n);
                    acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, off + i, m), m);
                }
            } else {
                for (int bound = F.loopBound(n); i < bound; i += F.length()) acc = acc.add(FloatVector.fromArray(F, x, off + i));
                if (i < n) {
                    VectorMask<Float> m = F.indexInRange(i, n);
                    acc = acc.add(FloatVector.fromArray(F, x, off + i, m), m);
                }
            }
            int step = advance(idx, g);
            if (step == Integer.MIN_VALUE) break;
            off += step;
        }
        return max ? acc.reduceLanes(VectorOperators.MAX) : LaneSum.of(acc);
    }

    /**
     * Combines every reduced slice of one output row into {@code y[yOff, +len)} (innermost group
     * kept): the first slice is copied, the others added or maxed in order.
     */
    private static void accumulateSlices(ReduceOp op, float[] x, int base, Groups g, int[] idx, float[] y, int yOff, int len) {
        Arrays.fill(idx, 0);
        System.arraycopy(x, base, y, yOff, len);
        int off = base;
        boolean max = op == ReduceOp.MAX;
        while (true) {
            int step = advance(idx, g);
            if (step == Integer.MIN_VALUE) return;
            off += step;
            if (max) maxInto(x, off, y, yOff, len);
            else addInto(x, off, y, yOff, len);
        }
    }

    /** y += x over len elements. */
    private static void addInto(float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < len) {
            VectorMask<Float> m = F.indexInRange(i, len);
            FloatVector.fromArray(F, y, yOff + i, m).add(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    /** y = max(y, x) over len elements (NaN propagates). */
    private static void maxInto(float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).max(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < len) {
            VectorMask<Float> m = F.indexInRange(i, len);
            FloatVector.fromArray(F, y, yOff + i, m).max(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    /**
     * One odometer step over the reduced groups: returns the change of input offset, or
     * Integer.MIN_VALUE when every combination has been visited.
     */
    private static int advance(int[] idx, Groups g) {
        int step = 0;
        for (int d = idx.length - 1; d >= 0; d--) {
            step += g.rStrides[d];
            if (++idx[d] < g.rSizes[d]) return step;
            step -= g.rSizes[d] * g.rStrides[d];
            idx[d] = 0;
        }
        return Integer.MIN_VALUE;
    }
}
