package dev.lanes.graph.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.proto.Onnx.AttributeProto;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import dev.lanes.graph.onnx.proto.Onnx.NodeProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelBuilderTest {

    @Test
    void singleNodeModelRoundTripsThroughTheWireFormat(@TempDir Path dir) throws Exception {
        float[] w = new float[8 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.25f - 3;
        }
        Path file = dir.resolve("conv.onnx");
        new OnnxModelBuilder("conv").opset(13)
                .input("X", DType.FLOAT32, "batch", 3, 32, 32)
                .initializer("W", Tensor.of(w, 8, 3, 3, 3))
                .node("Conv").inputs("X", "W").outputs("Y")
                .attrInts("kernel_shape", 3, 3).attrInts("pads", 1, 1, 1, 1).attr("group", 1).attr("auto_pad", "NOTSET").add()
                .output("Y", DType.FLOAT32, "batch", 8, 32, 32)
                .writeTo(file);

        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(7, m.getIrVersion(), "opset 13 pairs with IR 7");
        assertEquals(1, m.getOpsetImportCount());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        assertEquals("batch", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(32, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(3).getDimValue());
        NodeProto n = m.getGraph().getNode(0);
        assertEquals("Conv", n.getOpType());
        assertEquals(java.util.List.of("X", "W"), n.getInputList());
        AttributeProto ks = n.getAttribute(0);
        assertEquals(AttributeProto.AttributeType.INTS, ks.getType());
        assertEquals(java.util.List.of(3L, 3L), ks.getIntsList());
        assertEquals(AttributeProto.AttributeType.INT, n.getAttribute(2).getType());
        assertEquals("NOTSET", n.getAttribute(3).getS().toStringUtf8());
        Tensor back = TensorProtos.fromProto(m.getGraph().getInitializer(0), null);
        assertArrayEquals(new int[] {8, 3, 3, 3}, back.shape());
        assertArrayEquals(w, back.floats());
    }

    @Test
    void everyDtypeRoundTripsThroughTensorProto() {
        Tensor[] ts = {
            Tensor.of(new float[] {1.5f, Float.NaN, -0f}, 3),
            Tensor.ofLongs(new long[] {Long.MIN_VALUE, 7}, 2, 1),
            Tensor.ofInts(new int[] {-3}, 1),
            Tensor.ofDoubles(new double[] {Math.PI, 1e300}, 2),
            Tensor.ofBools(new boolean[] {true, false, true, true}, 2, 2),
            Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 255, 0}, 2),
            Tensor.ofBytes(DType.INT8, new byte[] {-128, 127}, 2),
            Tensor.ofHalfBits(DType.FLOAT16, new short[] {Float.floatToFloat16(1.5f)}, 1),
            Tensor.of(new float[0], 0, 4),
            Tensor.scalar(3f),
        };
        for (Tensor t : ts) {
            Tensor back = TensorProtos.fromProto(TensorProtos.toProto("t", t), null);
            assertTrue(t.contentEquals(back), () -> t + " came back as " + back);
        }
    }

    @Test
    void typedFieldsDecodeLikeRawData() {
        TensorProto p = TensorProto.newBuilder().setName("f").setDataType(1).addDims(2).addFloatData(1f).addFloatData(2f).build();
        assertArrayEquals(new float[] {1f, 2f}, TensorProtos.fromProto(p, null).floats());
        TensorProto b = TensorProto.newBuilder().setName("b").setDataType(9).addDims(3).addInt32Data(1).addInt32Data(0).addInt32Data(1).build();
        assertArrayEquals(new byte[] {1, 0, 1}, TensorProtos.fromProto(b, null).bytes());
    }

    @Test
    void absurdDeclaredSizeIsRejectedBeforeAllocating() {
        TensorProto huge = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 20).addDims(1L << 20)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> TensorProtos.fromProto(huge, null));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("2^31"), e.getMessage());

        TensorProto shortData = TensorProto.newBuilder().setName("v").setDataType(1).addDims(1000).addDims(1000)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
        e = assertThrows(OnnxFormatException.class, () -> TensorProtos.fromProto(shortData, null));
        assertTrue(e.getMessage().contains("4000000 bytes"), e.getMessage());
    }

    @Test
    void unsupportedDtypeNamesTheTensorAndTheType() {
        TensorProto s = TensorProto.newBuilder().setName("names").setDataType(8).addDims(1).build();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> TensorProtos.fromProto(s, null));
        assertTrue(e.getMessage().contains("names") && e.getMessage().contains("STRING"), e.getMessage());
    }

    @Test
    void readsConformanceTestData() throws Exception {
        Path pb = Path.of(System.getProperty("lanes.shared", "../../shared"), "onnx-node", "test_abs", "test_data_set_0", "input_0.pb");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(pb), "shared conformance data not found at " + pb);
        Tensor t = TensorProtos.read(pb);
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new int[] {3, 4, 5}, t.shape());
    }
}
