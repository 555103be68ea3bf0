package dev.lanes.reference.conformance;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.ReferenceConvTranspose;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ReferenceConv and ReferenceConvTranspose against every Conv / ConvTranspose node test, the
 * pytorch-converted ones included (QLinearConv is quantised, a different op: not run).
 */
class ConvConformanceTest {

    @TestFactory
    Stream<DynamicTest> conv() {
        return ConformanceSuite.forOp("Conv").run(tc -> {
            OnnxNode node = tc.node();
            OnnxTensor x = tc.input(0), w = tc.input(1), b = tc.input(2);
            ConvShape s = ConvShape.fromOnnx(x.dims(), w.dims(), b == null ? null : b.dims(), node.s("auto_pad", null),
                    node.intsAttr("kernel_shape"), node.intsAttr("pads"), node.intsAttr("strides"),
                    node.intsAttr("dilations"), node.intAttr("group", 1));
            float[] y = new float[Dims.size(s.outputShape())];
            new ReferenceConv().conv(s, x.floats(), 0, w.floats(), 0, b == null ? null : b.floats(), 0, y, 0);
            return List.of(OnnxTensor.ofFloats(s.outputShape(), y));
        });
    }

    @TestFactory
    Stream<DynamicTest> convTranspose() {
        return ConformanceSuite.forOp("ConvTranspose").run(tc -> {
            OnnxNode node = tc.node();
            OnnxTensor x = tc.input(0), w = tc.input(1), b = tc.input(2);
            ConvTransposeShape s = ConvTransposeShape.fromOnnx(x.dims(), w.dims(), b == null ? null : b.dims(),
                    node.s("auto_pad", null), node.intsAttr("kernel_shape"), node.intsAttr("pads"), node.intsAttr("strides"),
                    node.intsAttr("dilations"), node.intsAttr("output_padding"), node.intsAttr("output_shape"),
                    node.intAttr("group", 1));
            float[] y = new float[Dims.size(s.outputShape())];
            new ReferenceConvTranspose().convTranspose(s, x.floats(), 0, w.floats(), 0, b == null ? null : b.floats(), 0, y, 0);
            return List.of(OnnxTensor.ofFloats(s.outputShape(), y));
        });
    }
}
