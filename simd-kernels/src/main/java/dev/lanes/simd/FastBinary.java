package dev.lanes.simd;

import dev.lanes.reference.Binary;
import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.Dims;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise Add, Sub, Mul, Div, Pow, Min and Max with numpy broadcasting. The shapes are
 * collapsed by {@link BroadcastPlan} into runs along which each input is either contiguous or one
 * broadcast value; each run is one vector loop; runs are split over {@link Parallel} when the
 * output is large. Pow with a single exponent of 2 is {@code a·a}, of 0.5 a square root (with
 * pow's -0 → +0 and -∞ → +∞), of 1 a copy — all bit-equal to {@code Math.pow}; any other Pow calls
 * {@link Math#pow} per element. Min and Max propagate NaN.
 */
public final class FastBinary implements Binary {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Below this many output elements everything runs on the caller. */
    static final int PARALLEL_MIN = 1 << 15;

    private static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, MIN = 4, MAX = 5, SQUARE = 6, SQRT = 7, COPY = 8, POW = 9;

    private final Parallel parallel;

    /** Binary ops on {@link Parallel#shared()}. */
    public FastBinary() {
        this(Parallel.shared());
    }

    public FastBinary(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void apply(BinaryShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        String name = s.op().onnxName();
        int size = s.size();
        Checks.range(name, "A", a, aOff, Dims.size(s.a()));
        Checks.range(name, "B", b, bOff, Dims.size(s.b()));
        Checks.range(name, "C", y, yOff, size);
        if (size == 0) return;
        int code = code(s, b, bOff);
        BroadcastPlan plan = new BroadcastPlan(s.outputShape(), s.a(), s.b());
        int shares = parallel.sharesFor(size, PARALLEL_MIN / 2);
        int periodic = code == POW ? -1 : periodicInput(plan);
        if (periodic >= 0) {
            // One input contiguous over the whole output, the other a short run repeated: the repeats
            // tile a vector exactly (L % run == 0), so the whole output is one loop with a constant vector.
            int n = plan.run, l = F.length();
            float[] tile = new float[l];
            float[] p = periodic == 0 ? a : b;
            int pOff = periodic == 0 ? aOff : bOff;
            for (int i = 0; i < l; i++) tile[i] = p[pOff + i % n];
            FloatVector pattern = FloatVector.fromArray(F, tile, 0);
            int vectors = (size + l - 1) / l;
            boolean aIsPattern = periodic == 0;
            parallel.forRange(vectors, 1, shares, (from, to) -> periodicRun(code, aIsPattern, pattern, aIsPattern ? b : a,
                    aIsPattern ? bOff : aOff, y, yOff, from * l, Math.min(size, to * l)));
            return;
        }
        parallel.forRange(plan.runs, 1, shares, (from, to) -> runs(plan, code, a, aOff, b, bOff, y, yOff, from, to));
    }

    /**
     * The input that is a short run repeated down the output ({@code [H·W, C] ⊙ [C]}: a channels-last
     * scale, bias or SE gate with C below the vector length and dividing it), the other input being
     * contiguous over the whole output; -1 if the plan is not of that form. Such runs would otherwise
     * be one masked vector step each.
     */
    private static int periodicInput(BroadcastPlan plan) {
        int n = plan.run;
        if (plan.dims.length != 2 || n >= F.length() || F.length() % n != 0) return -1;
        if (plan.runStride(0) != 1 || plan.runStride(1) != 1) return -1;
        int a = plan.strides[0][0], b = plan.strides[1][0];
        if (a == 0 && b == n) return 0;
        if (b == 0 && a == n) return 1;
        return -1;
    }

    /**
     * Outputs [from, to) of a periodic plan: {@code pattern} holds the repeated input tiled over a
     * vector (from is a multiple of the vector length, so the tiling stays in phase), the other input
     * is contiguous from {@code cOff}. {@code aIsPattern} keeps the operand order of Sub and Div.
     */
    private static void periodicRun(int code, boolean aIsPattern, FloatVector pattern, float[] c, int cOff, float[] y, int yOff,
                                    int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, c, cOff + i);
            (aIsPattern ? op(code, pattern, v) : op(code, v, pattern)).intoArray(y, yOff + i);
        }
        if (i < to) {
            VectorMask<Float> m = F.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(F, c, cOff + i, m);
            (aIsPattern ? op(code, pattern, v) : op(code, v, pattern)).intoArray(y, yOff + i, m);
        }
    }

    /** The kernel for the op; Pow with one exponent value for the whole tensor gets its special case. */
    private static int code(BinaryShape s, float[] b, int bOff) {
        return switch (s.op()) {
            case ADD -> ADD;
            case SUB -> SUB;
            case MUL -> MUL;
            case DIV -> DIV;
            case MIN -> MIN;
            case MAX -> MAX;
            case POW -> {
                if (Dims.size(s.b()) != 1) yield POW;
                float e = b[bOff];
                yield e == 2f ? SQUARE : e == 0.5f ? SQRT : e == 1f ? COPY : POW;
            }
        };
    }

    private static void runs(BroadcastPlan plan, int code, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff,
                             int from, int to) {
        int n = plan.run, as = plan.runStride(0), bs = plan.runStride(1);
        int[] idx = new int[plan.dims.length - 1], off = new int[2];
        plan.seek(from, idx, off);
        for (int r = from; r < to; r++) {
            int yo = yOff + r * n;
            if (code == POW) pow(a, aOff + off[0], as, b, bOff + off[1], bs, y, yo, n);
            else run(code, a, aOff + off[0], as, b, bOff + off[1], bs, y, yo, n);
            plan.next(idx, off);
        }
    }

    /**
     * One run of n outputs; {@code as}/{@code bs} are 1 (contiguous) or 0 (one broadcast value). The
     * branches on them and the switch on the op are loop-invariant and predicted; each case is one
     * instruction with a constant operator, which C2 needs to intrinsify it.
     */
    private static void run(int code, float[] a, int aOff, int as, float[] b, int bOff, int bs, float[] y, int yOff, int n) {
        // Never null: a phi of a vector and null would make C2 box the vectors.
        FloatVector va0 = FloatVector.broadcast(F, a[aOff]), vb0 = FloatVector.broadcast(F, b[bOff]);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector va = as == 0 ? va0 : FloatVector.fromArray(F, a, aOff + i);
            FloatVector vb = bs == 0 ? vb0 : FloatVector.fromArray(F, b, bOff + i);
            op(code, va, vb).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector va = as == 0 ? va0 : FloatVector.fromArray(F, a, aOff + i, m);
            FloatVector vb = bs == 0 ? vb0 : FloatVector.fromArray(F, b, bOff + i, m);
            op(code, va, vb).intoArray(y, yOff + i, m);
        }
    }

    private static FloatVector op(int code, FloatVector a, FloatVector b) {
        return switch (code) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MIN -> a.min(b);
            case MAX -> a.max(b);
            case SQUARE -> a.mul(a);
            // pow(x, 0.5) is sqrt(x) except pow(-0, 0.5) = +0 (adding +0 turns -0 into +0) and pow(-∞, 0.5) = +∞.
            case SQRT -> a.sqrt().add(0f).blend(FloatVector.broadcast(F, Float.POSITIVE_INFINITY), a.eq(Float.NEGATIVE_INFINITY));
            default -> a; // COPY: pow(x, 1) = x
        };
    }

    /** General Pow: Math.pow per element (no vector pow: a negative base needs the exponent's parity). */
    private static void pow(float[] a, int aOff, int as, float[] b, int bOff, int bs, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) Math.pow(a[aOff + i * as], b[bOff + i * bs]);
    }
}
