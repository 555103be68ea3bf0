package dev.lanes.reference.conformance;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceAttention;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ReferenceAttention against every Attention node test, opset 23 and 24 (the _expanded twins are
 * graphs of primitive ops: the runtime's).
 */
class AttentionConformanceTest {

    @TestFactory
    Stream<DynamicTest> attention() {
        return ConformanceSuite.forOp("Attention").run(AttentionConformanceTest::run);
    }

    static List<OnnxTensor> run(NodeTestCase tc) {
        OnnxTensor q = tc.input(0), k = tc.input(1), v = tc.input(2), mask = tc.input(3);
        OnnxTensor pastKey = tc.input(4), pastValue = tc.input(5), nonpad = tc.input(6);
        var node = tc.node();
        boolean boolMask = mask != null && mask.type() == OnnxDataType.BOOL;
        AttentionShape s = AttentionShape.fromOnnx(q.dims(), k.dims(), v.dims(), mask == null ? null : mask.dims(), boolMask,
                pastKey == null ? null : pastKey.dims(), pastValue == null ? null : pastValue.dims(),
                nonpad == null ? null : nonpad.dims(),
                node.has("q_num_heads") ? node.intAttr("q_num_heads", 0) : null,
                node.has("kv_num_heads") ? node.intAttr("kv_num_heads", 0) : null,
                node.has("scale") ? node.f("scale", 0) : null,
                node.i("is_causal", 0) != 0, node.f("softcap", 0f), node.intAttr("qk_matmul_output_mode", 0));
        List<String> outs = node.outputs();
        boolean wantPk = outs.size() > 1 && !outs.get(1).isEmpty();
        boolean wantPv = outs.size() > 2 && !outs.get(2).isEmpty();
        boolean wantQk = outs.size() > 3 && !outs.get(3).isEmpty();
        float[] y = new float[s.outputSize()];
        float[] pk = wantPk ? new float[Dims.size(s.presentKeyShape())] : null;
        float[] pv = wantPv ? new float[Dims.size(s.presentValueShape())] : null;
        float[] qk = wantQk ? new float[Dims.size(s.qkShape())] : null;
        new ReferenceAttention().attention(s, q.floats(), 0, k.floats(), 0, v.floats(), 0,
                mask != null && !boolMask ? mask.floats() : null, boolMask ? mask.booleans() : null, 0,
                pastKey == null ? null : pastKey.floats(), 0, pastValue == null ? null : pastValue.floats(), 0,
                nonpad == null ? null : nonpad.ints(), y, 0, pk, 0, pv, 0, qk, 0);
        List<OnnxTensor> result = new ArrayList<>();
        result.add(OnnxTensor.ofFloats(s.outputShape(), y));
        if (wantPk) result.add(OnnxTensor.ofFloats(s.presentKeyShape(), pk));
        if (wantPv) result.add(OnnxTensor.ofFloats(s.presentValueShape(), pv));
        if (wantQk) result.add(OnnxTensor.ofFloats(s.qkShape(), qk));
        return result;
    }
}
