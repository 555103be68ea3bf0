package dev.lanes.simd;

import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.simd.conv.ConvTransposeDisjoint;
import dev.lanes.simd.conv.ConvTransposeGemm;
import dev.lanes.simd.conv.ConvWeights;
import dev.lanes.simd.conv.Layouts;
import java.util.Objects;

/**
 * ONNX ConvTranspose prepared once (weights packed, in a {@link ConvWeights} holder that other input sizes share) and run many times, with the same fused epilogue
 * as {@link ConvOperator}: {@code y = act(convTranspose(x, W) + B + residual)}. Two algorithms
 * ({@link #choose}): {@link Algorithm#DISJOINT_DIRECT} when no two taps reach the same output pixel
 * (kernel ≤ stride, dilation 1, 1-D or 2-D — the 2x2 stride-2 upsampling of detection heads), run
 * directly on NCHW; {@link Algorithm#GEMM_COL2IM} for everything else, on NHWC.
 * Weights and bias in ONNX's layout ({@code [C, M/group, k…]}, {@code [M]}); tensors NCHW through
 * {@link #runNchw} or NHWC through {@link #runNhwc}. Results are bit-identical for any thread count;
 * an operator may be run from several threads at once.
 */
public final class ConvTransposeOperator {
    /** How a ConvTranspose runs. */
    public enum Algorithm {
        /** {@link ConvTransposeGemm}: a GEMM per input row, then col2im, on NHWC. Any shape. */
        GEMM_COL2IM,
        /** {@link ConvTransposeDisjoint}: non-overlapping patches, vectorised along NCHW rows. */
        DISJOINT_DIRECT
    }

    private final ConvTransposeShape shape;
    private final Algorithm algorithm;
    private final ConvTransposeGemm gemm;
    private final ConvTransposeDisjoint disjoint;

    private ConvTransposeOperator(ConvTransposeShape shape, Algorithm algorithm, ConvTransposeGemm gemm, ConvTransposeDisjoint disjoint) {
        this.shape = shape;
        this.algorithm = algorithm;
        this.gemm = gemm;
        this.disjoint = disjoint;
    }

    /** The algorithm for a shape: the direct kernel wherever patches do not overlap (measured several times faster there). */
    public static Algorithm choose(ConvTransposeShape s) {
        return ConvTransposeDisjoint.supports(s) ? Algorithm.DISJOINT_DIRECT : Algorithm.GEMM_COL2IM;
    }

    public static ConvTransposeOperator prepare(ConvTransposeShape s, float[] w, int wOff, float[] bias, int bOff, Activation act) {
        Objects.requireNonNull(s, "ConvTranspose shape");
        return prepare(s, w, wOff, bias, bOff, act, choose(s));
    }

    /** As {@link #prepare(ConvTransposeShape, float[], int, float[], int, Activation)} with the algorithm forced (tests, benchmarks). */
    public static ConvTransposeOperator prepare(ConvTransposeShape s, float[] w, int wOff, float[] bias, int bOff, Activation act,
                                                Algorithm algorithm) {
        Objects.requireNonNull(s, "ConvTranspose shape");
        Objects.requireNonNull(w, "ConvTranspose weights");
        long wSize = weightSize(s);
        if (wOff < 0 || wOff + wSize > w.length) {
            throw new IllegalArgumentException("ConvTranspose W needs " + wSize + " floats from offset " + wOff + ", array has " + w.length + " (" + s + ")");
        }
        return prepare(s, ConvWeights.of(w, wOff, (int) wSize), bias, bOff, act, algorithm);
    }

    /**
     * Prepares over weights shared with other operators of the same layer (other input sizes): the packed form is
     * made once in {@code w} and shared ({@link ConvWeights}).
     */
    public static ConvTransposeOperator prepare(ConvTransposeShape s, ConvWeights w, float[] bias, int bOff, Activation act) {
        Objects.requireNonNull(s, "ConvTranspose shape");
        return prepare(s, w, bias, bOff, act, choose(s));
    }

    /** {@link #prepare(ConvTransposeShape, ConvWeights, float[], int, Activation)} with the algorithm forced. */
    public static ConvTransposeOperator prepare(ConvTransposeShape s, ConvWeights w, float[] bias, int bOff, Activation act,
                                                Algorithm algorithm) {
        Objects.requireNonNull(s, "ConvTranspose shape");
        Objects.requireNonNull(w, "ConvTranspose weights");
        Objects.requireNonNull(act, "ConvTranspose activation");
        long wSize = weightSize(s);
        if (w.size() != wSize) {
            throw new IllegalArgumentException("ConvTranspose W needs " + wSize + " floats, the weights hold " + w.size() + " (" + s + ")");
        }
        if (s.hasBias()) {
            if (bias == null) throw new IllegalArgumentException("ConvTranspose shape has a bias but B is null (" + s + ")");
            if (bOff < 0 || (long) bOff + s.outChannels() > bias.length) {
                throw new IllegalArgumentException("ConvTranspose B needs " + s.outChannels() + " floats from offset " + bOff + ", array has " + bias.length);
            }
        }
        if (s.spatialRank() > 3) throw new IllegalArgumentException("ConvTranspose kernels handle 1 to 3 spatial axes: " + s);
        Objects.requireNonNull(algorithm, "ConvTranspose algorithm");
        if (algorithm == Algorithm.DISJOINT_DIRECT && !ConvTransposeDisjoint.supports(s)) {
            throw new IllegalArgumentException("ConvTranspose " + algorithm + " needs kernel ≤ stride, dilation 1, 1-D or 2-D: " + s);
        }
        return algorithm == Algorithm.DISJOINT_DIRECT
                ? new ConvTransposeOperator(s, algorithm, null, new ConvTransposeDisjoint(s, w, bias, bOff, act))
                : new ConvTransposeOperator(s, algorithm, new ConvTransposeGemm(s, w, bias, bOff, act), null);
    }

    /** Floats of W: {@code [C, M/group, k…]}. */
    private static long weightSize(ConvTransposeShape s) {
        return (long) s.inChannels() * s.outChannelsPerGroup() * s.kernelSize();
    }

    public ConvTransposeShape shape() {
        return shape;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public void runNchw(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        runNchw(x, xOff, y, yOff, null, 0, parallel);
    }

    public void runNchw(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel);
        if (shape.batch() == 0) return;
        if (disjoint != null) {
            disjoint.runNchw(x, xOff, y, yOff, residual, rOff, parallel);
            return;
        }
        Layouts.runNchw(gemm::run, shape.batch(), shape.inChannels(), shape.inSpatialSize(), shape.outChannels(),
                shape.outSpatialSize(), x, xOff, y, yOff, residual, rOff, parallel);
    }

    public void runNhwc(float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        runNhwc(x, xOff, y, yOff, null, 0, parallel);
    }

    public void runNhwc(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        check(x, xOff, y, yOff, residual, rOff, parallel);
        if (shape.batch() == 0) return;
        if (disjoint != null) disjoint.runNhwc(x, xOff, y, yOff, residual, rOff, parallel);
        else gemm.run(x, xOff, y, yOff, residual, rOff, parallel);
    }

    private void check(float[] x, int xOff, float[] y, int yOff, float[] residual, int rOff, Parallel parallel) {
        Objects.requireNonNull(parallel, "parallel");
        long out = (long) shape.batch() * shape.outChannels() * shape.outSpatialSize();
        range("X", x, xOff, (long) shape.batch() * shape.inChannels() * shape.inSpatialSize());
        range("Y", y, yOff, out);
        if (residual != null) range("residual", residual, rOff, out);
    }

    private void range(String what, float[] a, int off, long n) {
        Checks.operatorRange("ConvTranspose", what, a, off, n, shape);
    }

    @Override
    public String toString() {
        return "ConvTransposeOperator[" + algorithm + ", " + shape + "]";
    }
}
