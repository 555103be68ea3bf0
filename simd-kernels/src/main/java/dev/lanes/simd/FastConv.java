package dev.lanes.simd;

import dev.lanes.reference.Conv;
import dev.lanes.reference.ConvShape;
import java.util.Objects;

/**
 * The reference {@link Conv} interface on the fast kernels (NCHW in, NCHW out): prepares a
 * {@link ConvOperator} per call. Code that runs a layer more than once should hold the operator instead.
 */
public final class FastConv implements Conv {
    private final Parallel parallel;

    public FastConv() {
        this(Parallel.shared());
    }

    public FastConv(Parallel parallel) {
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    @Override
    public void conv(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        ConvOperator.prepare(s, w, wOff, bias, bOff, Activation.NONE).runNchw(x, xOff, y, yOff, parallel);
    }
}
