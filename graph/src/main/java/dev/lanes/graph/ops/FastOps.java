package dev.lanes.graph.ops;

import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.reference.PoolShape;

/**
 * Registers the fast bindings: the ops that have a Vector API kernel in simd-kernels. Every one of
 * them also keeps its reference binding (registered by {@link StandardOps}), which a session on the
 * reference backend uses and which a fast factory falls back to by returning null (weights that are
 * not constants, an activation the epilogue lacks, a shape no fast kernel handles).
 */
final class FastOps {
    private FastOps() {}

    static void registerAll(OpRegistry r) {
        r.registerFast("", "MatMul", FastLinearOps::matmul);
        r.registerFast("", "Gemm", FastLinearOps::gemm);
        r.registerFast("", "Gather", PackedTableGather::create);
        r.registerFast(FusedOps.DOMAIN, FusedOps.FUSED_MATMUL, FastLinearOps::matmul);
        r.registerFast(FusedOps.DOMAIN, FusedOps.FUSED_GEMM, FastLinearOps::gemm);
        r.registerFast("", "Conv", FastConvOps::conv);
        r.registerFast(FusedOps.DOMAIN, FusedOps.FUSED_CONV, FastConvOps::conv);
        r.registerFast(FusedOps.DOMAIN, FusedOps.FUSED_INVERTED_RESIDUAL, FastConvOps::invertedResidual);
        r.registerFast(FusedOps.DOMAIN, FusedOps.FUSED_CONV_MAX_POOL, FastConvOps::convMaxPool);
        r.registerFast(FusedOps.DOMAIN, FusedOps.FUSED_CONV_GLOBAL_AVERAGE_POOL, FastConvOps::convGlobalAveragePool);
        r.registerFast("", "ConvTranspose", FastConvOps::convTranspose);
        r.registerFast("", "MaxPool", s -> FastConvOps.pool(s, PoolShape.Mode.MAX));
        r.registerFast("", "AveragePool", s -> FastConvOps.pool(s, PoolShape.Mode.AVERAGE));
        r.registerFast("", "GlobalMaxPool", s -> FastConvOps.globalPool(s, PoolShape.Mode.MAX));
        r.registerFast("", "GlobalAveragePool", s -> FastConvOps.globalPool(s, PoolShape.Mode.AVERAGE));
        for (String op : new String[] {"Relu", "LeakyRelu", "Elu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Exp", "Log",
            "Sqrt", "Reciprocal", "Neg", "Abs", "Erf", "Gelu"}) {
            r.registerFast("", op, FastElementwise::unary);
        }
        r.registerFast("", "Clip", FastElementwise::clip);
        r.registerFast("", "Add", s -> FastElementwise.binary(s, BinaryOps.Kind.ADD));
        r.registerFast("", "Sub", s -> FastElementwise.binary(s, BinaryOps.Kind.SUB));
        r.registerFast("", "Mul", s -> FastElementwise.binary(s, BinaryOps.Kind.MUL));
        r.registerFast("", "Div", s -> FastElementwise.binary(s, BinaryOps.Kind.DIV));
        r.registerFast("", "Pow", s -> FastElementwise.binary(s, BinaryOps.Kind.POW));
        r.registerFast("", "Resize", FastResize::resize);
        r.registerFast("", "Softmax", s -> NormOps.softmax(s, false, true));
        r.registerFast("", "LogSoftmax", s -> NormOps.softmax(s, true, true));
        r.registerFast("", "LayerNormalization", s -> NormOps.layerNorm(s, true));
        r.registerFast("", "Attention", s -> AttentionOp.create(s, true));
        r.registerFast(FusedOps.DOMAIN, FusedOps.QKV_ATTENTION, s -> QkvAttentionOp.create(s, true));
        r.registerFast("", "Transpose", FastMovementOps::transpose);
        r.registerFast("", "Concat", FastMovementOps::concat);
    }
}
