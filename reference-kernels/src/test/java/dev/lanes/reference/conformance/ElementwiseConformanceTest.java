package dev.lanes.reference.conformance;

import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceBinary;
import dev.lanes.reference.ReferenceUnary;
import dev.lanes.reference.ReferenceWhere;
import dev.lanes.reference.UnaryShape;
import dev.lanes.reference.WhereShape;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The unary, binary and Where references against every node test of their ops. Tests on int64 data
 * are skipped: these kernels are the float32 ones (integer element-wise ops belong to the graph
 * runtime's integer path). An int64 exponent of Pow is converted to float, as the runtime does.
 */
class ElementwiseConformanceTest {
    private static final String INT64 = "int64 tensors: the float32 kernels do not apply";

    @TestFactory
    Stream<DynamicTest> unary() {
        return Stream.of("Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu", "Clip",
                        "Exp", "Sqrt", "Reciprocal", "Neg", "Abs")
                .flatMap(op -> ConformanceSuite.forOp(op).run(ElementwiseConformanceTest::runUnary)
                        .map(t -> DynamicTest.dynamicTest(op + " " + t.getDisplayName(), t.getExecutable())));
    }

    private static List<OnnxTensor> runUnary(NodeTestCase tc) {
        OnnxTensor x = tc.input(0);
        String op = tc.node().opType();
        Float alpha = tc.node().has("alpha") ? tc.node().f("alpha", 0) : null;
        Float beta = tc.node().has("beta") ? tc.node().f("beta", 0) : null;
        Float min = tc.input(1) == null ? null : tc.input(1).floats()[0];
        Float max = tc.input(2) == null ? null : tc.input(2).floats()[0];
        UnaryShape s = UnaryShape.fromOnnx(op, alpha, beta, tc.node().s("approximate", null), min, max, x.size());
        float[] y = new float[x.size()];
        new ReferenceUnary().apply(s, x.floats(), 0, y, 0);
        return List.of(OnnxTensor.ofFloats(x.dims(), y));
    }

    @TestFactory
    Stream<DynamicTest> binary() {
        return Stream.of("Add", "Sub", "Mul", "Div", "Pow", "Min", "Max")
                .flatMap(op -> withSkips(ConformanceSuite.forOp(op), op)
                        .run(ElementwiseConformanceTest::runBinary)
                        .map(t -> DynamicTest.dynamicTest(op + " " + t.getDisplayName(), t.getExecutable())));
    }

    private static final java.util.Map<String, List<String>> INT64_TESTS = java.util.Map.of(
            "Pow", List.of("test_pow_types_int64_float32", "test_pow_types_int64_int64"),
            "Min", List.of("test_min_int64"),
            "Max", List.of("test_max_int64"));

    private static ConformanceSuite withSkips(ConformanceSuite suite, String op) {
        for (String t : INT64_TESTS.getOrDefault(op, List.of())) suite.skip(t, INT64);
        return suite;
    }

    /** Min and Max are variadic in ONNX: fold them pairwise (one input is a copy). */
    private static List<OnnxTensor> runBinary(NodeTestCase tc) {
        BinaryOp op = BinaryOp.fromOnnx(tc.node().opType());
        int[] dims = tc.input(0).dims();
        float[] acc = asFloats(tc.input(0));
        for (int i = 1; i < tc.inputCount(); i++) {
            OnnxTensor b = tc.input(i);
            BinaryShape s = new BinaryShape(op, dims, b.dims());
            float[] y = new float[s.size()];
            new ReferenceBinary().apply(s, acc, 0, asFloats(b), 0, y, 0);
            acc = y;
            dims = s.outputShape();
        }
        return List.of(OnnxTensor.ofFloats(dims, acc));
    }

    /** Float data as stored; integer data (Pow's int64 exponent) converted, each value checked to be exact. */
    private static float[] asFloats(OnnxTensor t) {
        if (!t.type().isIntegral()) return t.floats();
        long[] l = t.longs();
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            f[i] = l[i];
            if ((long) f[i] != l[i]) throw new IllegalArgumentException(t + " value " + l[i] + " is not exact in float");
        }
        return f;
    }

    @TestFactory
    Stream<DynamicTest> where() {
        return ConformanceSuite.forOp("Where").skip("test_where_long_example", INT64).run(tc -> {
            OnnxTensor c = tc.input(0), x = tc.input(1), y = tc.input(2);
            WhereShape s = new WhereShape(c.dims(), x.dims(), y.dims());
            float[] out = new float[Dims.size(s.outputShape())];
            new ReferenceWhere().where(s, c.booleans(), 0, x.floats(), 0, y.floats(), 0, out, 0);
            return List.of(OnnxTensor.ofFloats(s.outputShape(), out));
        });
    }
}
