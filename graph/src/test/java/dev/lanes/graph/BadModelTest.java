package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.onnx.OnnxFormatException;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import dev.lanes.graph.onnx.proto.Onnx.StringStringEntryProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and hostile models: each is refused with a message that says what is wrong. */
class BadModelTest {
    static final SessionOptions OPTS = SessionOptions.defaults().withThreads(1);

    static OnnxModelBuilder addModel() {
        return new OnnxModelBuilder("add").opset(13)
                .input("A", DType.FLOAT32, 2).input("B", DType.FLOAT32, 2)
                .node("Add").name("add1").inputs("A", "B").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2);
    }

    static ModelException refused(byte[] model, String... expected) {
        ModelException e = assertThrows(ModelException.class, () -> Session.open(model, OPTS));
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), () -> "message '" + e.getMessage() + "' lacks '" + s + "'");
        }
        return e;
    }

    @Test
    void emptyFile() {
        refused(new byte[0], "empty");
    }

    @Test
    void truncatedFile() {
        byte[] ok = addModel().toBytes();
        for (int cut : new int[] {ok.length - 1, ok.length / 2, 3}) {
            refused(Arrays.copyOf(ok, cut), "not");
        }
    }

    @Test
    void wrongMagic() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        refused(png, "not");
        refused("this is plain text, not a model".getBytes(), "not");
    }

    @Test
    void absurdInitializerInATinyFile() {
        // 2^40 declared float elements backed by 16 bytes of data.
        TensorProto huge = TensorProto.newBuilder().setName("W").setDataType(1).addDims(1L << 20).addDims(1L << 20)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        ModelProto m = addModel().build();
        byte[] bad = m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(huge)).build().toByteArray();
        refused(bad, "'W'", "2^31");
        // A plausible size whose data are missing.
        TensorProto lying = TensorProto.newBuilder().setName("V").setDataType(1).addDims(4096).addDims(4096)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        byte[] bad2 = m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(lying)).build().toByteArray();
        refused(bad2, "'V'", "raw_data");
    }

    @Test
    void cycle() {
        byte[] model = new OnnxModelBuilder("cycle").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Add").name("a").inputs("X", "c").outputs("b").add()
                .node("Relu").name("r").inputs("b").outputs("c").add()
                .output("c", DType.FLOAT32, 2)
                .toBytes();
        refused(model, "cycle", "'a'", "'r'");
    }

    @Test
    void danglingValueName() {
        byte[] model = new OnnxModelBuilder("dangling").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Add").name("n1").inputs("X", "nowhere").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        refused(model, "n1", "'nowhere'");
        byte[] noOutput = new OnnxModelBuilder("dangling").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Relu").inputs("X").outputs("Y").add()
                .output("Z", DType.FLOAT32, 2)
                .toBytes();
        refused(noOutput, "output 'Z'", "never computed");
    }

    @Test
    void valueDefinedTwice() {
        byte[] model = new OnnxModelBuilder("twice").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Relu").name("first").inputs("X").outputs("Y").add()
                .node("Neg").name("second").inputs("X").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        refused(model, "second", "'Y'", "already defined");
    }

    @Test
    void unknownOpIsReportedAtLoadWithNodeOpDomainAndOpset() {
        byte[] model = new OnnxModelBuilder("unknown").opset(13).opset("com.example", 1)
                .input("X", DType.FLOAT32, 2)
                .node("FancyOp").name("fancy").domain("com.example").inputs("X").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        refused(model, "node 'fancy'", "op FancyOp", "domain 'com.example'", "opset 1", "unsupported op");
        byte[] quantized = new OnnxModelBuilder("q").opset(13)
                .input("X", DType.UINT8, 2, 2).input("W", DType.UINT8, 2, 2)
                .node("MatMulInteger").name("mmi").inputs("X", "W").outputs("Y").add()
                .output("Y", DType.INT32, 2, 2)
                .toBytes();
        refused(quantized, "node 'mmi'", "op MatMulInteger", "unsupported op");
    }

    @Test
    void unsupportedAttributeIsReportedAtLoad() {
        byte[] model = new OnnxModelBuilder("attr").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Relu").name("relu1").inputs("X").outputs("Y").attr("mystery", 3).add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        refused(model, "relu1", "op Relu", "opset 13", "unsupported attribute", "mystery");
        byte[] mode = new OnnxModelBuilder("pad").opset(13)
                .input("X", DType.FLOAT32, 2).input("P", DType.INT64, 2)
                .node("Pad").name("pad1").inputs("X", "P").outputs("Y").attr("mode", "sideways").add()
                .output("Y", DType.FLOAT32, 4)
                .toBytes();
        refused(mode, "pad1", "mode 'sideways'");
    }

    @Test
    void opsetBeyondWhatLanesKnows() {
        refused(addModel().opset(99).toBytes(), "opset 99");
    }

    @Test
    void opThatDoesNotExistYetAtTheModelsOpset() {
        byte[] model = new OnnxModelBuilder("gelu").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Gelu").inputs("X").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        refused(model, "Gelu", "does not exist before opset 20");
    }

    @Test
    void externalDataOutsideTheModelDirectoryIsRefused(@TempDir Path dir) throws Exception {
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../../etc/passwd"))
                .build();
        ModelProto m = addModel().build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(w)).build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> Session.open(file, OPTS));
        assertTrue(e.getMessage().contains("outside the model directory"), e.getMessage());
    }

    @Test
    void externalDataRangeBeyondTheFileIsRefused(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("w.bin"), new byte[8]);
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(1).addDims(1000)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .build();
        ModelProto m = addModel().build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(w)).build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> Session.open(file, OPTS));
        assertTrue(e.getMessage().contains("'W'") && e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void runTimeShapeErrorNamesTheNode() {
        byte[] model = new OnnxModelBuilder("mm").opset(13)
                .input("A", DType.FLOAT32, "m", "k").input("B", DType.FLOAT32, "k2", "n")
                .node("MatMul").name("mm1").inputs("A", "B").outputs("Y").add()
                .output("Y", DType.FLOAT32, "m", "n")
                .toBytes();
        try (Session s = Session.open(model, OPTS)) {
            ModelException e = assertThrows(ModelException.class, () -> s.run(Map.of(
                    "A", Tensor.of(new float[6], 2, 3), "B", Tensor.of(new float[8], 4, 2))));
            assertTrue(e.getMessage().contains("mm1") && e.getMessage().contains("inner dimensions"), e.getMessage());
        }
    }

    @Test
    void hostileShapeInputsDoNotAllocateWithoutBound() {
        byte[] model = new OnnxModelBuilder("cos").opset(13)
                .input("S", DType.INT64, 3)
                .node("ConstantOfShape").name("cos1").inputs("S").outputs("Y").add()
                .output("Y", DType.FLOAT32, null, null, null)
                .toBytes();
        try (Session s = Session.open(model, OPTS)) {
            ModelException e = assertThrows(ModelException.class,
                    () -> s.run(Map.of("S", Tensor.ofLongs(new long[] {1 << 20, 1 << 20, 1 << 20}, 3))));
            assertTrue(e.getMessage().contains("cos1"), e.getMessage());
        }
    }
}
