package dev.lanes.reference.conformance;

import dev.lanes.reference.ReduceShape;
import dev.lanes.reference.ReferenceReduce;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** ReferenceReduce against every ReduceSum, ReduceMean and ReduceMax node test (axes as an input or an attribute). */
class ReduceConformanceTest {

    @TestFactory
    Stream<DynamicTest> reductions() {
        return Stream.of("ReduceSum", "ReduceMean", "ReduceMax")
                .flatMap(op -> (op.equals("ReduceMax")
                                ? ConformanceSuite.forOp(op).skip("test_reduce_max_bool_inputs", "bool data: the float32 reduction does not apply")
                                : ConformanceSuite.forOp(op))
                        .run(ReduceConformanceTest::run)
                        .map(t -> DynamicTest.dynamicTest(op + " " + t.getDisplayName(), t.getExecutable())));
    }

    private static List<OnnxTensor> run(NodeTestCase tc) {
        OnnxTensor x = tc.input(0);
        long[] axes = tc.input(1) != null ? tc.input(1).longs() : tc.node().ints("axes");
        ReduceShape s = ReduceShape.fromOnnx(tc.node().opType(), x.dims(), axes, tc.node().i("keepdims", 1) != 0,
                tc.node().i("noop_with_empty_axes", 0) != 0);
        float[] y = new float[s.size()];
        new ReferenceReduce().reduce(s, x.floats(), 0, y, 0);
        return List.of(OnnxTensor.ofFloats(s.outputShape(), y));
    }
}
