package dev.lanes.reference.conformance;

import dev.lanes.reference.BatchNormShape;
import dev.lanes.reference.InstanceNormShape;
import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.ReferenceBatchNorm;
import dev.lanes.reference.ReferenceInstanceNorm;
import dev.lanes.reference.ReferenceLayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The normalisation references against every BatchNormalization, LayerNormalization and
 * InstanceNormalization node test. (The node suite has no RMSNormalization test; the _expanded
 * LayerNorm twins are graphs, run by the runtime.)
 */
class NormConformanceTest {

    @TestFactory
    Stream<DynamicTest> batchNormalization() {
        return ConformanceSuite.forOp("BatchNormalization").run(tc -> {
            OnnxTensor x = tc.input(0);
            BatchNormShape s = BatchNormShape.fromOnnx(x.dims(), tc.input(1).dims(), tc.input(2).dims(), tc.input(3).dims(),
                    tc.input(4).dims(), tc.node().f("epsilon", 1e-5f), tc.node().i("training_mode", 0) != 0);
            float[] y = new float[s.size()];
            new ReferenceBatchNorm().batchNorm(s, x.floats(), 0, tc.input(1).floats(), 0, tc.input(2).floats(), 0,
                    tc.input(3).floats(), 0, tc.input(4).floats(), 0, y, 0);
            return List.of(OnnxTensor.ofFloats(x.dims(), y));
        });
    }

    @TestFactory
    Stream<DynamicTest> layerNormalization() {
        return ConformanceSuite.forOp("LayerNormalization").run(tc -> {
            OnnxTensor x = tc.input(0), scale = tc.input(1), bias = tc.input(2);
            int axis = tc.node().intAttr("axis", -1);
            LayerNormShape s = LayerNormShape.fromOnnx(x.dims(), axis, tc.node().f("epsilon", 1e-5f), scale.dims(),
                    bias == null ? null : bias.dims());
            float[] y = new float[s.size()], mean = new float[s.outer()], inv = new float[s.outer()];
            new ReferenceLayerNorm().layerNorm(s, x.floats(), 0, scale.floats(), 0, bias == null ? null : bias.floats(), 0,
                    y, 0, mean, 0, inv, 0);
            int[] stat = LayerNormShape.statShape(x.dims(), axis);
            List<OnnxTensor> all = List.of(OnnxTensor.ofFloats(x.dims(), y), OnnxTensor.ofFloats(stat, mean),
                    OnnxTensor.ofFloats(stat, inv));
            List<OnnxTensor> out = new ArrayList<>();
            List<String> names = tc.node().outputs();
            for (int i = 0; i < names.size(); i++) if (!names.get(i).isEmpty()) out.add(all.get(i));
            return out;
        });
    }

    @TestFactory
    Stream<DynamicTest> instanceNormalization() {
        return ConformanceSuite.forOp("InstanceNormalization").run(tc -> {
            OnnxTensor x = tc.input(0);
            InstanceNormShape s = InstanceNormShape.fromOnnx(x.dims(), tc.input(1).dims(), tc.input(2).dims(),
                    tc.node().f("epsilon", 1e-5f));
            float[] y = new float[s.size()];
            new ReferenceInstanceNorm().instanceNorm(s, x.floats(), 0, tc.input(1).floats(), 0, tc.input(2).floats(), 0, y, 0);
            return List.of(OnnxTensor.ofFloats(x.dims(), y));
        });
    }
}
