package dev.lanes.graph.ops;

import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.graph.ops.BinaryOps.Kind;

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
        ControlFlow.register(r);
    }
}
