package dev.lanes.simd;

import dev.lanes.reference.Dims;
import dev.lanes.reference.Where;
import dev.lanes.reference.WhereShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * ONNX Where ({@code condition ? x : y}) with numpy broadcasting of all three inputs: runs from
 * {@link BroadcastPlan}, the condition loaded as a vector mask (or one broadcast mask) and a
 * blend per vector; runs split over {@link Parallel} when large. Selection only, so the result is
 * exact.
 */
public final class FastWhere implements Where {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    private final Parallel parallel;

    /** Where on {@link Parallel#shared()}. */
    public FastWhere() {
        this(Parallel.shared());
    }

    public FastWhere(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void where(WhereShape s, boolean[] condition, int cOff, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
        int size = s.size();
        Checks.range("Where", "condition", condition, cOff, Dims.size(s.condition()));
        Checks.range("Where", "X", x, xOff, Dims.size(s.x()));
        Checks.range("Where", "Y", y, yOff, Dims.size(s.y()));
        Checks.range("Where", "output", out, outOff, size);
        if (size == 0) return;
        BroadcastPlan plan = new BroadcastPlan(s.outputShape(), s.condition(), s.x(), s.y());
        int shares = parallel.sharesFor(size, FastBinary.PARALLEL_MIN / 2);
        parallel.forRange(plan.runs, 1, shares, (from, to) -> {
            int n = plan.run, cs = plan.runStride(0), xs = plan.runStride(1), ys = plan.runStride(2);
            int[] idx = new int[plan.dims.length - 1], off = new int[3];
            plan.seek(from, idx, off);
            for (int r = from; r < to; r++) {
                run(condition, cOff + off[0], cs, x, xOff + off[1], xs, y, yOff + off[2], ys, out, outOff + r * n, n);
                plan.next(idx, off);
            }
        });
    }

    /** One run; each stride is 1 (contiguous) or 0 (one broadcast value). */
    private static void run(boolean[] c, int cOff, int cs, float[] x, int xOff, int xs, float[] y, int yOff, int ys,
                            float[] out, int outOff, int n) {
        VectorMask<Float> c0 = F.maskAll(c[cOff]);
        FloatVector x0 = FloatVector.broadcast(F, x[xOff]), y0 = FloatVector.broadcast(F, y[yOff]);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            VectorMask<Float> m = cs == 0 ? c0 : VectorMask.fromArray(F, c, cOff + i);
            FloatVector vx = xs == 0 ? x0 : FloatVector.fromArray(F, x, xOff + i);
            FloatVector vy = ys == 0 ? y0 : FloatVector.fromArray(F, y, yOff + i);
            vy.blend(vx, m).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = c[cOff + i * cs] ? x[xOff + i * xs] : y[yOff + i * ys];
    }
}
