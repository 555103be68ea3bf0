package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.MatMulShape;
import dev.lanes.reference.ReferenceGemm;
import dev.lanes.reference.ReferenceMatMul;

/** MatMul and Gemm bound to the reference kernels (float32). */
final class LinearOps {
    private LinearOps() {}

    private static final ReferenceMatMul MATMUL = new ReferenceMatMul();
    private static final ReferenceGemm GEMM = new ReferenceGemm();

    static Operator matmul(OpSetup s) {
        return (in, ctx) -> {
            Tensor a = float32(in[0], "MatMul A"), b = float32(in[1], "MatMul B");
            MatMulShape shape = MatMulShape.fromOnnx(a.shape(), b.shape());
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            MATMUL.matmul(shape, a.floats(), 0, b.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Operator gemm(OpSetup s) {
        GemmAttrs attrs = GemmAttrs.read(s);
        return (in, ctx) -> {
            Tensor a = float32(in[0], "Gemm A"), b = float32(in[1], "Gemm B");
            Tensor c = in.length > 2 ? in[2] : null;
            if (c != null) {
                float32(c, "Gemm C");
            }
            GemmShape shape = attrs.shape(a.shape(), b.shape(), c == null ? null : c.shape());
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            GEMM.gemm(shape, a.floats(), 0, b.floats(), 0, c == null ? null : c.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Tensor float32(Tensor t, String what) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(what + " must be float32, got " + t.dtype());
        }
        return t;
    }

    /** {@link #float32(Tensor, String)} naming {@code op + " " + role}, a name built only on failure (no string per run). */
    static Tensor float32(Tensor t, String op, String role) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + " " + role + " must be float32, got " + t.dtype());
        }
        return t;
    }
}
