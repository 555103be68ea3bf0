package dev.lanes.reference.conformance;

import dev.lanes.reference.ReferenceSoftmax;
import dev.lanes.reference.SoftmaxShape;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** ReferenceSoftmax against every Softmax and LogSoftmax node test (the _expanded twins are graphs: the runtime's). */
class SoftmaxConformanceTest {

    @TestFactory
    Stream<DynamicTest> softmax() {
        return ConformanceSuite.forOp("Softmax").run(tc -> run(tc, false));
    }

    @TestFactory
    Stream<DynamicTest> logSoftmax() {
        return ConformanceSuite.forOp("LogSoftmax").run(tc -> run(tc, true));
    }

    private static List<OnnxTensor> run(NodeTestCase tc, boolean log) {
        OnnxTensor x = tc.input(0);
        SoftmaxShape s = SoftmaxShape.fromOnnx(x.dims(), tc.node().intAttr("axis", tc.opset() < 13 ? 1 : -1), (int) tc.opset());
        float[] y = new float[s.size()];
        ReferenceSoftmax k = new ReferenceSoftmax();
        if (log) k.logSoftmax(s, x.floats(), 0, y, 0);
        else k.softmax(s, x.floats(), 0, y, 0);
        return List.of(OnnxTensor.ofFloats(x.dims(), y));
    }
}
