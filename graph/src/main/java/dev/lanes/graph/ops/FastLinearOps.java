package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.MatMulShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.MatMulTransposedB;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;

/**
 * MatMul, Gemm and their fused forms on {@link PackedGemm}. A constant B (the weights) is packed once
 * when the session is created and shared by every plan of the session ({@link PackedWeights}; the
 * operator then reads only B's shape at run time, so the session can drop B's raw values); the
 * bias and the activation run in the GEMM's epilogue, on each output tile while it is in L1. The
 * output buffer comes from the run's arena. Threads: the session's {@code Parallel}.
 */
final class FastLinearOps {
    private FastLinearOps() {}

    /** MatMul, or lanes FusedMatMul (bias, residual and activation in the epilogue). */
    static Operator matmul(OpSetup s) {
        boolean fused = s.node().domain().equals(FusedOps.DOMAIN);
        FusedActivation act = fused ? FusedActivation.read(s) : FusedActivation.NONE;
        Activation activation = act.toSimd();
        if (activation == null) {
            return null;
        }
        boolean hasBias = fused && s.hasInput(2), hasResidual = fused && s.hasInput(3);
        boolean transB = fused && FusedOps.transB(s);
        PackedB packed = transB ? null : packedMatMulWeights(s);
        Tensor dflt = s.isDefaultInput(1) ? s.constantInput(1) : null; // packed, but a run may replace it
        Epilogue base = Epilogue.of(activation);
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor a = LinearOps.float32(in[0], op, "A"), b = LinearOps.float32(in[1], op, "B");
            MatMulShape shape = MatMulShape.fromOnnx(a.shape(), transB ? swappedDims(b.shape(), op) : b.shape());
            int[] outShape = shape.outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            Epilogue ep = base;
            if (hasBias) {
                Tensor bias = LinearOps.float32(in[2], op, "bias");
                if (bias.rank() != 1 || bias.dim(0) != shape.n()) {
                    throw new IllegalArgumentException(op + " bias " + Shapes.str(bias.shape()) + " must have shape [" + shape.n() + "]");
                }
                ep = ep.withBiasPerColumn(bias.floats(), 0);
            }
            if (hasResidual) {
                ep = ep.withResidual(FusedOps.residual(in[3], outShape, op).floats(), 0, shape.n());
            }
            if (transB) {
                MatMulTransposedB.matmul(shape, a.floats(), 0, b.floats(), 0, y, 0, ep, ctx.parallel());
            } else if (packed != null && b.rank() == 2 && (dflt == null || in[1] == dflt)) {
                PackedGemm.matmul(shape, a.floats(), 0, packed, y, 0, ep, ctx.parallel());
            } else {
                PackedGemm.matmul(shape, a.floats(), 0, b.floats(), 0, y, 0, ep, ctx.parallel());
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** The dims of B as the product reads it when B is stored transposed: its last two axes swapped. */
    private static int[] swappedDims(int[] b, String op) {
        if (b.length < 2) {
            throw new IllegalArgumentException(op + " with " + FusedOps.TRANS_B + " needs B of rank ≥ 2, got " + Shapes.str(b));
        }
        int[] d = b.clone();
        d[b.length - 2] = b[b.length - 1];
        d[b.length - 1] = b[b.length - 2];
        return d;
    }

    /** A 2-D float32 constant B packed (its values never read at run time then), or null when B is not one. */
    private static PackedB packedMatMulWeights(OpSetup s) {
        Tensor b = s.constantInput(1);
        if (b == null || b.dtype() != DType.FLOAT32 || b.rank() != 2 || b.size() == 0) {
            return null;
        }
        return PackedWeights.of(s, 1, false);
    }

    /**
     * The epilogue adding a per-column bias, kept for the bias array it was last built for: a constant C (a Linear
     * layer's bias) is the same array every run, so the run builds nothing.
     */
    private static final class ColumnBias {
        private record Built(float[] data, Epilogue epilogue) {}

        private final Epilogue base;
        private volatile Built last;

        ColumnBias(Epilogue base) {
            this.base = base;
        }

        Epilogue of(float[] data) {
            Built b = last;
            if (b == null || b.data() != data) {
                b = new Built(data, base.withBiasPerColumn(data, 0));
                last = b;
            }
            return b.epilogue();
        }
    }

    /** Gemm, or lanes FusedGemm. */
    static Operator gemm(OpSetup s) {
        boolean fused = s.node().domain().equals(FusedOps.DOMAIN);
        GemmAttrs attrs = GemmAttrs.read(s);
        float alpha = attrs.alpha(), beta = attrs.beta();
        boolean transA = attrs.transA(), transB = attrs.transB();
        FusedActivation act = fused ? FusedActivation.read(s) : FusedActivation.NONE;
        Activation activation = act.toSimd();
        if (activation == null) {
            return null;
        }
        Tensor bc = s.constantInput(1);
        // A constant B is packed; the run then reads its shape only (its k and n are those of the packing).
        PackedB packed = bc != null && bc.dtype() == DType.FLOAT32 && bc.rank() == 2 && bc.size() > 0
                ? PackedWeights.of(s, 1, transB)
                : null;
        Tensor dflt = s.isDefaultInput(1) ? bc : null; // packed, but a run may replace it
        Epilogue base = Epilogue.of(activation);
        ColumnBias columnBias = new ColumnBias(base);
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor a = LinearOps.float32(in[0], op, "A"), b = LinearOps.float32(in[1], op, "B");
            Tensor c = in.length > 2 ? in[2] : null;
            if (c != null) {
                LinearOps.float32(c, op, "C");
            }
            GemmShape g = attrs.shape(a.shape(), b.shape(), c == null ? null : c.shape());
            int m = g.m(), n = g.n(), k = g.k();
            float[] y = ctx.floats(Tensor.checkedSize(g.outputShape()));
            Epilogue ep = base;
            float betaC = 0f;
            if (c != null && g.hasC() && beta != 0f) {
                float[] cv = c.floats();
                if (beta == 1f && g.cRows() == 1 && g.cCols() == n && n > 1) {
                    ep = columnBias.of(cv);
                } else if (beta == 1f && g.cCols() == 1 && g.cRows() == m && m > 1) {
                    ep = ep.withBiasPerRow(cv, 0);
                } else {
                    // General broadcast C: copied into Y, scaled by beta in the kernels' stores.
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            y[i * n + j] = cv[(g.cRows() == 1 ? 0 : i) * g.cCols() + (g.cCols() == 1 ? 0 : j)];
                        }
                    }
                    betaC = beta;
                }
            }
            int lda = transA ? m : k;
            if (packed != null && packed.k() == k && packed.n() == n && (dflt == null || in[1] == dflt)) {
                PackedGemm.gemm(m, n, k, a.floats(), 0, lda, transA, alpha, packed, y, 0, n, betaC, ep, ctx.parallel());
            } else {
                PackedGemm.gemm(m, n, k, a.floats(), 0, lda, transA, b.floats(), 0, transB ? k : n, transB, alpha, y, 0, n, betaC,
                        ep, ctx.parallel());
            }
            return new Tensor[] {Tensor.of(y, g.outputShape())};
        };
    }
}
