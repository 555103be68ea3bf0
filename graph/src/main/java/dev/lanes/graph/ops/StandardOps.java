package dev.lanes.graph.ops;

import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.graph.ops.BinaryOps.Kind;
import dev.lanes.reference.PoolShape;

/**
 * Registers the reference binding of every op Lanes implements. The opset numbers are the first
 * version of the default ONNX domain in which each op exists.
 */
public final class StandardOps {
    private StandardOps() {}

    public static void registerAll(OpRegistry r) {
        // Views and bookkeeping.
        r.register("Identity", 1, ShapeOps::identity);
        r.register("Dropout", 1, ShapeOps::dropout);
        r.register("Reshape", 1, ShapeOps::reshape);
        r.register("Flatten", 1, ShapeOps::flatten);
        r.register("Squeeze", 1, ShapeOps::squeeze);
        r.register("Unsqueeze", 1, ShapeOps::unsqueeze);
        r.register("Shape", 1, ShapeOps::shape);
        r.register("Size", 1, ShapeOps::size);
        // Data movement.
        r.register("Transpose", 1, MovementOps::transpose);
        r.register("Concat", 1, MovementOps::concat);
        r.register("Split", 1, MovementOps::split);
        r.register("Slice", 1, MovementOps::slice);
        r.register("Gather", 1, MovementOps::gather);
        r.register("GatherElements", 11, MovementOps::gatherElements);
        r.register("Expand", 8, MovementOps::expand);
        r.register("Tile", 6, MovementOps::tile);
        r.register("Pad", 1, Pad::create);
        r.register("Resize", 10, Resize::resize);
        r.register("Upsample", 7, Resize::upsample);
        r.register("ConstantOfShape", 9, GeneratorOps::constantOfShape);
        r.register("Range", 11, GeneratorOps::range);
        r.register("Where", 9, GeneratorOps::where);
        r.register("Cast", 1, Cast::cast);
        r.register("CastLike", 15, Cast::castLike);
        // Element-wise binary.
        r.register("Add", 1, s -> BinaryOps.create(s, Kind.ADD));
        r.register("Sub", 1, s -> BinaryOps.create(s, Kind.SUB));
        r.register("Mul", 1, s -> BinaryOps.create(s, Kind.MUL));
        r.register("Div", 1, s -> BinaryOps.create(s, Kind.DIV));
        r.register("Pow", 1, s -> BinaryOps.create(s, Kind.POW));
        r.register("Mod", 10, s -> BinaryOps.create(s, Kind.MOD));
        r.register("PRelu", 1, s -> BinaryOps.create(s, Kind.PRELU));
        r.register("BitShift", 11, s -> BinaryOps.create(s, Kind.BITSHIFT_LEFT));
        r.register("Equal", 1, s -> BinaryOps.create(s, Kind.EQUAL));
        r.register("Less", 1, s -> BinaryOps.create(s, Kind.LESS));
        r.register("Greater", 1, s -> BinaryOps.create(s, Kind.GREATER));
        r.register("LessOrEqual", 12, s -> BinaryOps.create(s, Kind.LESS_EQUAL));
        r.register("GreaterOrEqual", 12, s -> BinaryOps.create(s, Kind.GREATER_EQUAL));
        r.register("And", 1, s -> BinaryOps.create(s, Kind.AND));
        r.register("Or", 1, s -> BinaryOps.create(s, Kind.OR));
        r.register("Xor", 1, s -> BinaryOps.create(s, Kind.XOR));
        r.register("Min", 1, s -> BinaryOps.variadic(s, Kind.MIN, false));
        r.register("Max", 1, s -> BinaryOps.variadic(s, Kind.MAX, false));
        r.register("Sum", 1, s -> BinaryOps.variadic(s, Kind.ADD, false));
        r.register("Mean", 1, s -> BinaryOps.variadic(s, Kind.ADD, true));
        // Linear algebra.
        r.register("MatMul", 1, LinearOps::matmul);
        r.register("Gemm", 1, LinearOps::gemm);
        r.register("Einsum", 12, Einsum::create);
        // Convolution and pooling.
        r.register("Conv", 1, ConvOps::conv);
        r.register("ConvTranspose", 1, ConvOps::convTranspose);
        r.register("MaxPool", 1, s -> ConvOps.pool(s, PoolShape.Mode.MAX));
        r.register("AveragePool", 1, s -> ConvOps.pool(s, PoolShape.Mode.AVERAGE));
        r.register("GlobalMaxPool", 1, s -> ConvOps.globalPool(s, PoolShape.Mode.MAX));
        r.register("GlobalAveragePool", 1, s -> ConvOps.globalPool(s, PoolShape.Mode.AVERAGE));
        // Normalisation, softmax, attention.
        r.register("BatchNormalization", 1, NormOps::batchNorm);
        r.register("LayerNormalization", 17, NormOps::layerNorm);
        r.register("InstanceNormalization", 1, NormOps::instanceNorm);
        r.register("RMSNormalization", 23, NormOps::rmsNorm);
        r.register("Softmax", 1, s -> NormOps.softmax(s, false));
        r.register("LogSoftmax", 1, s -> NormOps.softmax(s, true));
        r.register("Attention", 23, AttentionOp::create);
        // Element-wise unary.
        for (String op : new String[] {"Relu", "LeakyRelu", "Elu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Exp", "Log",
            "Sqrt", "Reciprocal", "Neg", "Abs"}) {
            r.register(op, 1, UnaryOps::reference);
        }
        r.register("Erf", 9, UnaryOps::reference);
        r.register("Gelu", 20, UnaryOps::reference);
        r.register("Clip", 1, UnaryOps::clip);
        registerExtra(r, "Floor", 1, UnaryOps.Extra.FLOOR);
        registerExtra(r, "Ceil", 1, UnaryOps.Extra.CEIL);
        registerExtra(r, "Round", 11, UnaryOps.Extra.ROUND);
        registerExtra(r, "Sign", 9, UnaryOps.Extra.SIGN);
        registerExtra(r, "Sin", 7, UnaryOps.Extra.SIN);
        registerExtra(r, "Cos", 7, UnaryOps.Extra.COS);
        registerExtra(r, "Tan", 7, UnaryOps.Extra.TAN);
        registerExtra(r, "Asin", 7, UnaryOps.Extra.ASIN);
        registerExtra(r, "Acos", 7, UnaryOps.Extra.ACOS);
        registerExtra(r, "Atan", 7, UnaryOps.Extra.ATAN);
        registerExtra(r, "Sinh", 9, UnaryOps.Extra.SINH);
        registerExtra(r, "Cosh", 9, UnaryOps.Extra.COSH);
        registerExtra(r, "Asinh", 9, UnaryOps.Extra.ASINH);
        registerExtra(r, "Acosh", 9, UnaryOps.Extra.ACOSH);
        registerExtra(r, "Atanh", 9, UnaryOps.Extra.ATANH);
        registerExtra(r, "Softplus", 1, UnaryOps.Extra.SOFTPLUS);
        registerExtra(r, "Softsign", 1, UnaryOps.Extra.SOFTSIGN);
        registerExtra(r, "Selu", 1, UnaryOps.Extra.SELU);
        registerExtra(r, "Celu", 12, UnaryOps.Extra.CELU);
        registerExtra(r, "ThresholdedRelu", 10, UnaryOps.Extra.THRESHOLDED_RELU);
        registerExtra(r, "Mish", 18, UnaryOps.Extra.MISH);
        registerExtra(r, "IsNaN", 9, UnaryOps.Extra.IS_NAN);
        registerExtra(r, "IsInf", 10, UnaryOps.Extra.IS_INF);
        registerExtra(r, "Not", 1, UnaryOps.Extra.NOT);
        // Reductions.
        r.register("ReduceSum", 1, s -> ReduceOps.create(s, ReduceOps.Kind.SUM));
        r.register("ReduceMean", 1, s -> ReduceOps.create(s, ReduceOps.Kind.MEAN));
        r.register("ReduceMax", 1, s -> ReduceOps.create(s, ReduceOps.Kind.MAX));
        r.register("ReduceMin", 1, s -> ReduceOps.create(s, ReduceOps.Kind.MIN));
        r.register("ReduceProd", 1, s -> ReduceOps.create(s, ReduceOps.Kind.PROD));
        r.register("ReduceL1", 1, s -> ReduceOps.create(s, ReduceOps.Kind.L1));
        r.register("ReduceL2", 1, s -> ReduceOps.create(s, ReduceOps.Kind.L2));
        r.register("ReduceLogSum", 1, s -> ReduceOps.create(s, ReduceOps.Kind.LOG_SUM));
        r.register("ReduceLogSumExp", 1, s -> ReduceOps.create(s, ReduceOps.Kind.LOG_SUM_EXP));
        r.register("ReduceSumSquare", 1, s -> ReduceOps.create(s, ReduceOps.Kind.SUM_SQUARE));
        r.register("ArgMax", 1, s -> ReduceOps.arg(s, true));
        r.register("ArgMin", 1, s -> ReduceOps.arg(s, false));
        ControlFlow.register(r);
        FusedOps.register(r);
        FastOps.registerAll(r);
    }

    private static void registerExtra(OpRegistry r, String op, int since, UnaryOps.Extra kind) {
        r.register(op, since, s -> UnaryOps.extra(s, kind));
    }
}
