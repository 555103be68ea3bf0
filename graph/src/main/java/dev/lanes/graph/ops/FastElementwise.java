package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.InPlaceOperator;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.exec.RunContext;
import dev.lanes.graph.passes.LayoutSelection;
import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.UnaryShape;
import dev.lanes.simd.FastBinary;
import dev.lanes.simd.FastUnary;

/**
 * Fast bindings of the element-wise ops: float32 runs on simd-kernels' {@link FastUnary} and
 * {@link FastBinary} into a buffer from the run's arena (in place when an input dies here, see
 * {@link InPlaceOperator}); other element types take the reference path.
 */
final class FastElementwise {
    private FastElementwise() {}

    /** Relu, Sigmoid, Tanh, Erf, Gelu, HardSwish… (the ops of the reference kernels' set). */
    static Operator unary(OpSetup s) {
        UnaryShape params = UnaryOps.params(s);
        return (InPlaceOperator) (in, ctx) -> new Tensor[] {unary(params, in[0], ctx)};
    }

    /** Add, Sub, Mul, Div, Pow, Min, Max of two float32 tensors with broadcasting: simd-kernels' {@link FastBinary}. */
    static Operator binary(OpSetup s, BinaryOps.Kind kind) {
        Operator reference = BinaryOps.create(s, kind);
        BinaryOp op = BinaryOps.referenceOp(kind);
        if (op == null) {
            return null;
        }
        String name = s.node().opType();
        // LayoutSelection's channel-wise op: 4-D operands (and the output) in NHWC memory order
        boolean nhwc = s.getLong(LayoutSelection.NHWC, 0) != 0;
        return (InPlaceOperator) (in, ctx) -> {
            Tensor a = in[0], b = in[1];
            if (a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32) {
                if (nhwc) {
                    throw new IllegalStateException(name + ": an NHWC channel-wise op needs float32 operands");
                }
                return reference.run(in, ctx);
            }
            int[] out = Shapes.broadcast(name, a.shape(), b.shape());
            float[] y = ctx.floats(Tensor.checkedSize(out));
            int[] as = nhwc ? Nhwc.dimsInMemoryOrder(a.shape()) : a.shape(), bs = nhwc ? Nhwc.dimsInMemoryOrder(b.shape()) : b.shape();
            new FastBinary(ctx.parallel()).apply(new BinaryShape(op, as, bs), a.floats(), 0, b.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, out)};
        };
    }

    static Operator clip(OpSetup s) {
        return UnaryOps.clip(s, true);
    }

    /** {@code params.op()} of {@code x}: Vector API for float32, the reference otherwise. */
    static Tensor unary(UnaryShape params, Tensor x, RunContext ctx) {
        if (x.dtype() != DType.FLOAT32) {
            return UnaryOps.apply(params, x);
        }
        int n = x.size();
        float[] y = ctx.floats(n);
        new FastUnary(ctx.parallel()).apply(params.withSize(n), x.floats(), 0, y, 0);
        return Tensor.of(y, x.shape());
    }
}
