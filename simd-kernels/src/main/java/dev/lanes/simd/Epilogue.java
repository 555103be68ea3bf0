package dev.lanes.simd;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a GEMM (or convolution) does to each output element after the product, fused into the kernel
 * so that there is no second pass over the output in memory:
 *
 * <pre>
 *   y = act( alpha·A·B + beta·C + bias + residual )          (residual before the activation)
 *   y = act( alpha·A·B + beta·C + bias ) + residual          (withResidualAfterActivation)
 * </pre>
 *
 * <p>{@code bias} is either one value per output row ({@code bias[off + i]}, conv-as-GEMM with output
 * channels on M) or one per column ({@code bias[off + j]}, Gemm/MatMul with features on N).
 * {@code residual} is an M×N matrix read at {@code residual[off + i·ld + j]} (a skip connection; it may
 * be the output array itself only if it is exactly the output region — then prefer beta = 1).
 * Indices i, j are those of the output of the call the epilogue is given to.
 *
 * <p>Immutable; build once at prepare time when the arrays are known then, or per run with the
 * {@code with…} methods (they allocate one small object).
 */
public final class Epilogue {

    /** Where the bias goes. */
    public enum Bias { NONE, PER_ROW, PER_COLUMN }

    public static final Epilogue NONE = new Epilogue(Bias.NONE, null, 0, null, 0, 0, false, Activation.NONE);

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    private final Bias bias;
    private final float[] biasData;
    private final int biasOff;
    private final float[] residual;
    private final int residualOff, residualLd;
    private final boolean residualAfterActivation;
    private final Activation activation;

    private Epilogue(Bias bias, float[] biasData, int biasOff, float[] residual, int residualOff, int residualLd,
                     boolean residualAfterActivation, Activation activation) {
        this.bias = bias;
        this.biasData = biasData;
        this.biasOff = biasOff;
        this.residual = residual;
        this.residualOff = residualOff;
        this.residualLd = residualLd;
        this.residualAfterActivation = residualAfterActivation;
        this.activation = Objects.requireNonNull(activation, "activation");
    }

    /** Only an activation. */
    public static Epilogue of(Activation activation) {
        return NONE.withActivation(activation);
    }

    public Epilogue withActivation(Activation act) {
        return new Epilogue(bias, biasData, biasOff, residual, residualOff, residualLd, residualAfterActivation, act);
    }

    /** Adds {@code bias[off + j]} to every element of output column j. */
    public Epilogue withBiasPerColumn(float[] data, int off) {
        return withBias(Bias.PER_COLUMN, data, off);
    }

    /** Adds {@code bias[off + i]} to every element of output row i. */
    public Epilogue withBiasPerRow(float[] data, int off) {
        return withBias(Bias.PER_ROW, data, off);
    }

    private Epilogue withBias(Bias kind, float[] data, int off) {
        Objects.requireNonNull(data, "bias");
        if (off < 0) throw new IllegalArgumentException("Epilogue bias offset must be ≥ 0, got " + off);
        return new Epilogue(kind, data, off, residual, residualOff, residualLd, residualAfterActivation, activation);
    }

    /** Adds {@code r[off + i·ld + j]} before the activation (ONNX Runtime's FusedConv "Z"; ResNet's skip). */
    public Epilogue withResidual(float[] r, int off, int ld) {
        return withResidual(r, off, ld, false);
    }

    /** Adds {@code r[off + i·ld + j]} after the activation. */
    public Epilogue withResidualAfterActivation(float[] r, int off, int ld) {
        return withResidual(r, off, ld, true);
    }

    private Epilogue withResidual(float[] r, int off, int ld, boolean after) {
        Objects.requireNonNull(r, "residual");
        if (off < 0 || ld < 0) throw new IllegalArgumentException("Epilogue residual offset and ld must be ≥ 0, got " + off + ", " + ld);
        return new Epilogue(bias, biasData, biasOff, r, off, ld, after, activation);
    }

    public Bias bias() {
        return bias;
    }

    public Activation activation() {
        return activation;
    }

    /** The per-column bias array, which a micro-kernel may add in registers; null without a per-column bias. */
    float[] columnBias() {
        return bias == Bias.PER_COLUMN ? biasData : null;
    }

    /** Where output column 0's value sits in {@link #columnBias}. */
    int columnBiasOffset() {
        return biasOff;
    }

    /**
     * The residual a micro-kernel may add in registers right after the {@link #columnBias} — the order of
     * {@link #apply(float, int, int)} when the residual comes before the activation, or after an identity one; null
     * otherwise, and without a per-column bias.
     */
    float[] kernelResidual() {
        return bias == Bias.PER_COLUMN && residual != null && (!residualAfterActivation || activation.isIdentity()) ? residual : null;
    }

    /** Where output element (0, 0)'s residual sits. */
    int residualOffset() {
        return residualOff;
    }

    /** The residual's row stride. */
    int residualLd() {
        return residualLd;
    }

    public boolean hasResidual() {
        return residual != null;
    }

    /** True when the epilogue leaves values as they are. */
    public boolean isIdentity() {
        return bias == Bias.NONE && residual == null && activation.isIdentity();
    }

    /**
     * The same epilogue for a sub-product whose output row 0 is row {@code rows} of this one's output
     * (batched MatMul items, row blocks): row bias and residual move down by {@code rows} rows.
     */
    Epilogue shiftRows(int rows) {
        if (rows == 0 || (bias != Bias.PER_ROW && residual == null)) return this;
        return new Epilogue(bias, biasData, bias == Bias.PER_ROW ? biasOff + rows : biasOff,
                residual, residual == null ? 0 : residualOff + rows * residualLd, residualLd, residualAfterActivation, activation);
    }

    /**
     * Checks that the bias and residual cover an {@code m × n} output; throws naming the field.
     * Called once per GEMM before any work starts.
     */
    public void check(int m, int n) {
        if (m == 0 || n == 0) return;
        if (bias == Bias.PER_ROW && (long) biasOff + m > biasData.length) {
            throw new IllegalArgumentException("Epilogue bias per row needs " + m + " values from offset " + biasOff
                    + ", array has " + biasData.length);
        }
        if (bias == Bias.PER_COLUMN && (long) biasOff + n > biasData.length) {
            throw new IllegalArgumentException("Epilogue bias per column needs " + n + " values from offset " + biasOff
                    + ", array has " + biasData.length);
        }
        if (residual != null) {
            if (residualLd < n) throw new IllegalArgumentException("Epilogue residual ld " + residualLd + " is less than N = " + n);
            long last = residualOff + (long) (m - 1) * residualLd + n;
            if (last > residual.length) {
                throw new IllegalArgumentException("Epilogue residual " + m + "×" + n + " (ld " + residualLd + ") from offset "
                        + residualOff + " overruns its array of " + residual.length);
            }
        }
    }

    /**
     * Applies the epilogue (everything but alpha and beta, which the micro-kernels fold into their
     * stores) to a tile of the output just written by a micro-kernel, while it is hot in L1:
     * {@code rows × cols} elements at {@code c[cOff + r·ldc + j]}, which are output elements
     * {@code (row0 + r, col0 + j)}.
     *
     * <p>Up to three passes over the tile (bias and residual, the activation, a residual after it),
     * each a plain loop. The activation runs row by row through {@link Activation#applyInPlace}, a loop
     * of its own kind: through {@link Activation#apply(FloatVector)}'s switch, C2 found the call into a
     * transcendental function rare (the switch's profile is shared by every kernel) and left it out of
     * line, boxing every vector — GELU in MiniLM's intermediate MatMul cost 2.5 ns an element instead of ~0.1.
     * Per element the operations are those of {@link #apply(float, int, int)}, in its order.
     */
    public void applyTile(float[] c, int cOff, int ldc, int rows, int cols, int row0, int col0) {
        applyTile(c, cOff, ldc, rows, cols, row0, col0, false);
    }

    /**
     * {@link #applyTile(float[], int, int, int, int, int, int)} on a tile to which the micro-kernel has already added, in
     * registers, the {@link #columnBias} and the {@link #kernelResidual} if there is one ({@code kernelAdded}; only with a
     * per-column bias): the rest of the epilogue, in the same order.
     */
    void applyTile(float[] c, int cOff, int ldc, int rows, int cols, int row0, int col0, boolean kernelAdded) {
        if (isIdentity() || rows <= 0 || cols <= 0) return;
        boolean residualLeft = residual != null && !(kernelAdded && kernelResidual() != null);
        boolean before = residualLeft && !residualAfterActivation;
        boolean biasLeft = bias != Bias.NONE && !kernelAdded;
        if (biasLeft || before) {
            addLinear(c, cOff, ldc, rows, cols, row0, col0, biasLeft, before);
        }
        if (!activation.isIdentity()) {
            for (int r = 0; r < rows; r++) activation.applyInPlace(c, cOff + r * ldc, cols);
        }
        if (residualLeft && residualAfterActivation) {
            addLinear(c, cOff, ldc, rows, cols, row0, col0, false, true);
        }
    }

    /** Adds the bias (with {@code withBias}), then the residual (with {@code withResidual}). */
    private void addLinear(float[] c, int cOff, int ldc, int rows, int cols, int row0, int col0, boolean withBias, boolean withResidual) {
        boolean rowBias = withBias && bias == Bias.PER_ROW, colBias = withBias && bias == Bias.PER_COLUMN;
        int full = cols - cols % L;
        int bo = biasOff + col0;
        for (int r = 0; r < rows; r++) {
            int co = cOff + r * ldc;
            int ro = residualOff + (row0 + r) * residualLd + col0;
            float rb = rowBias ? biasData[biasOff + row0 + r] : 0f;
            for (int j = 0; j < full; j += L) {
                FloatVector v = FloatVector.fromArray(S, c, co + j);
                if (colBias) v = v.add(FloatVector.fromArray(S, biasData, bo + j));
                else if (rowBias) v = v.add(rb);
                if (withResidual) v = v.add(FloatVector.fromArray(S, residual, ro + j));
                v.intoArray(c, co + j);
            }
            if (full < cols) {
                // the mask only where there is a tail: a GEMM's full tiles (every tile of MiniLM) never build one
                VectorMask<Float> tail = S.indexInRange(full, cols);
                FloatVector v = FloatVector.fromArray(S, c, co + full, tail);
                if (colBias) v = v.add(FloatVector.fromArray(S, biasData, bo + full, tail));
                else if (rowBias) v = v.add(rb);
                if (withResidual) v = v.add(FloatVector.fromArray(S, residual, ro + full, tail));
                v.intoArray(c, co + full, tail);
            }
        }
    }

    /** The epilogue on one element (i, j) of the output: the scalar definition, for checks and scalar paths. */
    public float apply(float v, int i, int j) {
        if (bias == Bias.PER_ROW) v += biasData[biasOff + i];
        else if (bias == Bias.PER_COLUMN) v += biasData[biasOff + j];
        if (residual != null && !residualAfterActivation) v += residual[residualOff + i * residualLd + j];
        v = activation.apply(v);
        if (residual != null && residualAfterActivation) v += residual[residualOff + i * residualLd + j];
        return v;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Epilogue[");
        if (bias != Bias.NONE) s.append("bias ").append(bias == Bias.PER_ROW ? "per row" : "per column").append(", ");
        if (residual != null && !residualAfterActivation) s.append("residual, ");
        s.append(activation);
        if (residual != null && residualAfterActivation) s.append(", residual");
        return s.append(']').toString();
    }
}
