package dev.lanes.simd;

import dev.lanes.reference.Pool;
import dev.lanes.reference.PoolShape;
import java.util.Objects;

/** The reference {@link Pool} interface on the fast kernels (NCHW in and out). */
public final class FastPool implements Pool {
    private final Parallel parallel;

    public FastPool() {
        this(Parallel.shared());
    }

    public FastPool(Parallel parallel) {
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    @Override
    public void pool(PoolShape s, float[] x, int xOff, float[] y, int yOff) {
        PoolOperator.prepare(s).runNchw(x, xOff, y, yOff, parallel);
    }
}
