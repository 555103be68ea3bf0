package dev.lanes.simd;

import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.simd.conv.ConvTransposeGemm;
import dev.lanes.simd.conv.Layouts;
import java.util.Objects;

/**
 * ONNX ConvTranspose prepared once (weights packed for GEMM + col2im) and run many times, with the
 * same fused epilogue as {@link ConvOperator}: {@code y = act(convTranspose(x, W) + B + residual)}.
 * Weights and bias in ONNX's layout ({@code [C, M/group, k…]}, {@code [M]}); tensors NCHW through
 * {@link #runNchw} or NHWC through {@link #runNhwc}. Results are bit-identical for any thread count;
 * an operator may be run from several threads at once.
 */
public final class ConvTransposeOperator {
    private final ConvTransposeShape shape;
    private final ConvTransposeGemm kernel;

    private ConvTransposeOperator(ConvTransposeShape shape, ConvTransposeGemm kernel) {
        this.shape = shape;
        this.kernel = kernel;
    }

    public static ConvTransposeOperator prepare(ConvTransposeShape s, float[] w, int wOff, float[] bias, int bOff, Activation act) {
        Objects.requireNonNull(s, "ConvTranspose shape");
        Objects.requireNonNull(w, "ConvTranspose weights");
        Objects.requireNonNull(act, "ConvTranspose activation");
        long wSize = (long) s.inChannels() * s.outChannelsPerGroup() * s.kernelSize();
        if (wOff < 0 || wOff + wSize > w.length) {
            throw new IllegalArgumentException("ConvTranspose W needs " + wSize + " floats from offset " + wOff + ", array has " + w.length + " (" + s + ")");
        }
        if (s.hasBias()) {
            if (bias == null) throw new IllegalArgumentException("ConvTranspose shape has a bias but B is null (" + s + ")");
            if (bOff < 0 || (long) bOff + s.outChannels() > bias.length) {
                throw new IllegalArgumentException("ConvTranspose B needs " + s.outChannels() + " floats from offset " + bOff + ", array has " + bias.length);
            }
        }
        if (s.spatialRank() > 3) throw new IllegalArgumentException("ConvTranspose kernels handle 1 to 3 spatial axes: " + s);
        return new ConvTransposeOperator(s, new ConvTransposeGemm(s, w, wOff, bias, bOff, act));
    }

    public ConvTransposeShape shape() {
        return shape;
    }

    public void runNchw(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        runNchw(x, xOff, y, yOff, null, 0, parallel);
    }

    public void runNchw(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel);
        if (shape.batch() == 0) return;
        Layouts.runNchw(kernel::run, shape.batch(), shape.inChannels(), shape.inSpatialSize(), shape.outChannels(),
                shape.outSpatialSize(), x, xOff, y, yOff, residual, rOff, parallel);
    }

    public void runNhwc(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        runNhwc(x, xOff, y, yOff, null, 0, parallel);
    }

    public void runNhwc(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel);
        if (shape.batch() == 0) return;
        kernel.run(x, xOff, y, yOff, residual, rOff, parallel);
    }

    private void check(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        Objects.requireNonNull(parallel, "parallel");
        long out = (long) shape.batch() * shape.outChannels() * shape.outSpatialSize();
        range("X", x, xOff, (long) shape.batch() * shape.inChannels() * shape.inSpatialSize());
        range("Y", y, yOff, out);
        if (residual != null) range("residual", residual, rOff, out);
    }

    private void range(String what, float[] a, int off, long n) {
        Objects.requireNonNull(a, "ConvTranspose " + what);
        if (off < 0 || off + n > a.length) {
            throw new IllegalArgumentException("ConvTranspose " + what + " needs " + n + " floats from offset " + off
                    + ", array has " + a.length + " (" + shape + ")");
        }
    }

    @Override
    public String toString() {
        return "ConvTransposeOperator[" + shape + "]";
    }
}
