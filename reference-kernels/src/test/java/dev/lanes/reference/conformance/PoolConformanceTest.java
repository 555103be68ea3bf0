package dev.lanes.reference.conformance;

import dev.lanes.reference.Dims;
import dev.lanes.reference.PoolShape;
import dev.lanes.reference.ReferencePool;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** ReferencePool against every MaxPool, AveragePool, GlobalMaxPool and GlobalAveragePool node test. */
class PoolConformanceTest {
    private final ReferencePool pool = new ReferencePool();

    @TestFactory
    Stream<DynamicTest> maxPool() {
        return ConformanceSuite.forOp("MaxPool").run(tc -> {
            PoolShape s = fromNode(PoolShape.Mode.MAX, tc);
            float[] x = tc.input(0).floats();
            int n = Dims.size(s.outputShape());
            float[] y = new float[n];
            if (tc.node().outputs().size() < 2) {
                pool.pool(s, x, 0, y, 0);
                return List.of(OnnxTensor.ofFloats(s.outputShape(), y));
            }
            long[] indices = new long[n];
            pool.maxPoolWithIndices(s, x, 0, y, 0, indices, 0);
            return List.of(OnnxTensor.ofFloats(s.outputShape(), y), OnnxTensor.ofLongs(s.outputShape(), indices));
        });
    }

    @TestFactory
    Stream<DynamicTest> averagePool() {
        return ConformanceSuite.forOp("AveragePool").run(tc -> run(fromNode(PoolShape.Mode.AVERAGE, tc), tc));
    }

    @TestFactory
    Stream<DynamicTest> globalMaxPool() {
        return ConformanceSuite.forOp("GlobalMaxPool").run(tc -> run(PoolShape.global(PoolShape.Mode.MAX, tc.input(0).dims()), tc));
    }

    @TestFactory
    Stream<DynamicTest> globalAveragePool() {
        return ConformanceSuite.forOp("GlobalAveragePool").run(tc -> run(PoolShape.global(PoolShape.Mode.AVERAGE, tc.input(0).dims()), tc));
    }

    private List<OnnxTensor> run(PoolShape s, NodeTestCase tc) {
        float[] y = new float[Dims.size(s.outputShape())];
        pool.pool(s, tc.input(0).floats(), 0, y, 0);
        return List.of(OnnxTensor.ofFloats(s.outputShape(), y));
    }

    private static PoolShape fromNode(PoolShape.Mode mode, NodeTestCase tc) {
        OnnxNode node = tc.node();
        return PoolShape.fromOnnx(mode, tc.input(0).dims(), node.s("auto_pad", null), node.intsAttr("kernel_shape"),
                node.intsAttr("pads"), node.intsAttr("strides"), node.intsAttr("dilations"), node.intAttr("ceil_mode", 0) != 0,
                node.intAttr("count_include_pad", 0) != 0, node.intAttr("storage_order", 0));
    }
}
