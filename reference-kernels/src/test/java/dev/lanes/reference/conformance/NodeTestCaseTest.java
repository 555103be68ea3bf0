package dev.lanes.reference.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The reader on real node tests, checked against values visible in check.py --dump. */
class NodeTestCaseTest {

    @Test
    void loadsMaxPoolWithTwoOutputs() {
        NodeTestCase tc = NodeTestCase.load("test_maxpool_with_argmax_2d_precomputed_pads");
        assertEquals(22, tc.opset());
        assertEquals("MaxPool", tc.node().opType());
        assertArrayEquals(new int[] {5, 5}, tc.node().intsAttr("kernel_shape"));
        assertArrayEquals(new int[] {2, 2, 2, 2}, tc.node().intsAttr("pads"));
        OnnxTensor x = tc.input(0);
        assertArrayEquals(new int[] {1, 1, 5, 5}, x.dims());
        for (int i = 0; i < 25; i++) assertEquals(i + 1, x.floats()[i]);
        assertEquals(2, tc.expectedOutputs().size());
        assertEquals(OnnxDataType.INT64, tc.expected(1).type());
        assertArrayEquals(new long[] {12, 13, 14, 14, 14}, java.util.Arrays.copyOf(tc.expected(1).longs(), 5));
    }

    @Test
    void takesPytorchWeightsFromInitializers() {
        NodeTestCase tc = NodeTestCase.load("test_Conv2d_depthwise_with_multiplier");
        assertEquals(6, tc.opset());
        assertEquals(4, tc.node().intAttr("group", 1));
        assertArrayEquals(new int[] {2, 4, 6, 6}, tc.input(0).dims());
        assertArrayEquals(new int[] {8, 1, 3, 3}, tc.input(1).dims());
        assertArrayEquals(new int[] {8}, tc.input(2).dims());
        assertNull(tc.input(3));
    }

    @Test
    void findsSingleNodeTestsOfAnOpButNotExpandedOnes() {
        var names = NodeTestCase.namesForOp("Softmax");
        assertEquals(7, names.size(), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.contains("expanded")));
        assertNotNull(NodeTestCase.load(names.get(0)).node());
        assertEquals(32, NodeTestCase.namesForOp("Conv").size());
    }

    @Test
    void decodesEveryTestOfTheSuite() throws java.io.IOException {
        int tests = 0;
        long values = 0;
        try (var dirs = java.nio.file.Files.list(NodeTestCase.root())) {
            for (var d : (Iterable<java.nio.file.Path>) dirs::iterator) {
                if (!java.nio.file.Files.isRegularFile(d.resolve("model.onnx"))) continue;
                NodeTestCase tc = NodeTestCase.load(d);
                for (OnnxTensor t : tc.expectedOutputs()) values += t.size();
                tests++;
            }
        }
        assertEquals(626, tests);
        assertTrue(values > 0);
    }

    @Test
    void comparesWithOnnxTolerance() {
        assertTrue(OnnxCompare.close(1000.9, 1000));
        assertTrue(!OnnxCompare.close(1001.1, 1000));
        assertTrue(OnnxCompare.close(Double.NaN, Double.NaN));
        assertTrue(!OnnxCompare.close(0, Double.NaN));
        assertTrue(OnnxCompare.close(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY));
        assertTrue(!OnnxCompare.close(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        assertTrue(OnnxCompare.close(5e-8, 0));
        OnnxTensor e = OnnxTensor.ofFloats(new int[] {2}, new float[] {1, 2});
        assertNotNull(OnnxCompare.mismatch(e, OnnxTensor.ofFloats(new int[] {1, 2}, new float[] {1, 2})));
        assertNotNull(OnnxCompare.mismatch(e, OnnxTensor.ofLongs(new int[] {2}, new long[] {1, 2})));
        assertNull(OnnxCompare.mismatch(e, OnnxTensor.ofFloats(new int[] {2}, new float[] {1.0005f, 2})));
    }
}
