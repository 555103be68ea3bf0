package dev.lanes.simd.conv;

import dev.lanes.simd.Parallel;

/**
 * A convolution prepared for one shape (algorithm chosen, weights packed): runs over NHWC tensors,
 * the whole batch at once. {@code res}, when not null, is an NHWC tensor shaped like the output,
 * added before the activation (a residual connection fused into the epilogue).
 *
 * <p>Implementations are immutable after construction and safe to run from several threads at once
 * (work buffers are per thread).
 */
public interface ConvKernel extends Layouts.NhwcKernel {

    /** Which algorithm this is. */
    ConvAlgorithm algorithm();

    @Override
    void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel);
}
