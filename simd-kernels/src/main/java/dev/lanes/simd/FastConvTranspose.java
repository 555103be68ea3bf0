package dev.lanes.simd;

import dev.lanes.reference.ConvTranspose;
import dev.lanes.reference.ConvTransposeShape;
import java.util.Objects;

/** The reference {@link ConvTranspose} interface on the fast kernels (NCHW in and out). */
public final class FastConvTranspose implements ConvTranspose {
    private final Parallel parallel;

    public FastConvTranspose() {
        this(Parallel.shared());
    }

    public FastConvTranspose(Parallel parallel) {
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    @Override
    public void convTranspose(ConvTransposeShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                              float[] y, int yOff) {
        ConvTransposeOperator.prepare(s, w, wOff, bias, bOff, Activation.NONE).runNchw(x, xOff, y, yOff, parallel);
    }
}
