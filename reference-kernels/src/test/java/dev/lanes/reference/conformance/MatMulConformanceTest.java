package dev.lanes.reference.conformance;

import dev.lanes.reference.MatMulShape;
import dev.lanes.reference.ReferenceMatMul;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** ReferenceMatMul against every MatMul node test (MatMulInteger is quantised: a different op, not run). */
class MatMulConformanceTest {

    @TestFactory
    Stream<DynamicTest> matmul() {
        return ConformanceSuite.forOp("MatMul").run(tc -> {
            OnnxTensor a = tc.input(0), b = tc.input(1);
            MatMulShape s = MatMulShape.fromOnnx(a.dims(), b.dims());
            float[] y = new float[s.batchCount() * s.m() * s.n()];
            new ReferenceMatMul().matmul(s, a.floats(), 0, b.floats(), 0, y, 0);
            return List.of(OnnxTensor.ofFloats(s.outputShape(), y));
        });
    }
}
