package dev.lanes.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.io.Npy;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.onnx.proto.Onnx.GraphProto;
import dev.lanes.graph.onnx.proto.Onnx.ModelProto;
import dev.lanes.graph.onnx.proto.Onnx.StringStringEntryProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import features beyond single nodes: If with outer-scope reads, external data, Constant nodes, attribute forms. */
class ImportFeaturesTest {
    static final SessionOptions OPTS = SessionOptions.defaults().withThreads(1);

    @Test
    void ifBranchesReadOuterScopeValues() {
        // then: Y = X + Bias (Bias from the outer graph); else: Y = X * Scale (computed in the outer graph)
        GraphProto thenG = new OnnxModelBuilder("then")
                .node("Add").inputs("X", "Bias").outputs("t_out").add()
                .output("t_out", DType.FLOAT32, 2).buildGraph();
        GraphProto elseG = new OnnxModelBuilder("else")
                .node("Mul").inputs("X", "Scale").outputs("e_out").add()
                .output("e_out", DType.FLOAT32, 2).buildGraph();
        byte[] model = new OnnxModelBuilder("if").opset(13)
                .input("C", DType.BOOL).input("X", DType.FLOAT32, 2)
                .initializer("Bias", Tensor.of(new float[] {10, 20}, 2))
                .initializer("Two", Tensor.scalar(2f))
                .node("Add").inputs("Two", "Two").outputs("Scale").add()
                .node("If").name("branch").inputs("C").outputs("Y").attr("then_branch", thenG).attr("else_branch", elseG).add()
                .output("Y", DType.FLOAT32, 2)
                .toBytes();
        try (Session s = Session.open(model, OPTS)) {
            Tensor x = Tensor.of(new float[] {1, 2}, 2);
            assertArrayEquals(new float[] {11, 22}, s.run(Map.of("C", Tensor.ofBools(new boolean[] {true}), "X", x)).get("Y").floats());
            assertArrayEquals(new float[] {4, 8}, s.run(Map.of("C", Tensor.ofBools(new boolean[] {false}), "X", x)).get("Y").floats());
        }
    }

    @Test
    void externalDataIsMappedFromTheModelDirectory(@TempDir Path dir) throws Exception {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            data.putFloat(i);
        }
        Files.createDirectories(dir.resolve("weights"));
        Files.write(dir.resolve("weights/w.bin"), data.array());
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", "weights/w.bin"))
                .addExternalData(kv("offset", "8"))
                .addExternalData(kv("length", "8"))
                .build();
        ModelProto m = new OnnxModelBuilder("ext").opset(13)
                .input("X", DType.FLOAT32, 2)
                .node("Add").inputs("X", "W").outputs("Y").add()
                .output("Y", DType.FLOAT32, 2).build();
        Path file = dir.resolve("ext.onnx");
        Files.write(file, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(w)).build().toByteArray());
        try (Session s = Session.open(file, OPTS)) {
            assertArrayEquals(new float[] {2, 3}, s.run(Map.of("X", Tensor.of(new float[2], 2))).get("Y").floats());
        }
    }

    private static StringStringEntryProto kv(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    @Test
    void constantNodesAreWeightsAndAttributeFormsOfOldOpsetsWork() {
        // Opset 9: Squeeze/Unsqueeze/Slice/Clip/Pad take attributes; a Constant node supplies the bias.
        byte[] model = new OnnxModelBuilder("old").opset(9)
                .input("X", DType.FLOAT32, 1, 4)
                .node("Constant").inputs().outputs("bias").attr("value", Tensor.of(new float[] {1, 1, 1, 1}, 1, 4)).add()
                .node("Add").inputs("X", "bias").outputs("a").add()
                .node("Squeeze").inputs("a").outputs("s").attrInts("axes", 0).add()
                .node("Slice").inputs("s").outputs("sl").attrInts("starts", 1).attrInts("ends", 3).add()
                .node("Clip").inputs("sl").outputs("c").attr("min", 0f).attr("max", 2.5f).add()
                .node("Pad").inputs("c").outputs("p").attrInts("pads", 1, 0).attr("value", -1f).add()
                .node("Unsqueeze").inputs("p").outputs("Y").attrInts("axes", 0).add()
                .output("Y", DType.FLOAT32, 1, 3)
                .toBytes();
        try (Session s = Session.open(model, OPTS)) {
            Tensor y = s.run(Map.of("X", Tensor.of(new float[] {0, 1, 2, 3}, 1, 4))).get("Y");
            assertArrayEquals(new int[] {1, 3}, y.shape());
            assertArrayEquals(new float[] {-1, 2, 2.5f}, y.floats());
        }
    }

    @Test
    void splitReduceAndUpsampleAttributeForms() {
        byte[] model = new OnnxModelBuilder("old11").opset(11)
                .input("X", DType.FLOAT32, 1, 6)
                .node("Split").inputs("X").outputs("a", "b").attr("axis", 1).attrInts("split", 2, 4).add()
                .node("ReduceMean").inputs("b").outputs("m").attrInts("axes", 1).attr("keepdims", 0).add()
                .output("a", DType.FLOAT32, 1, 2).output("m", DType.FLOAT32, 1)
                .toBytes();
        try (Session s = Session.open(model, OPTS)) {
            var out = s.run(Map.of("X", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 6)));
            assertArrayEquals(new float[] {1, 2}, out.get("a").floats());
            assertArrayEquals(new float[] {4.5f}, out.get("m").floats());
        }
        byte[] up = new OnnxModelBuilder("up").opset(8)
                .input("X", DType.FLOAT32, 1, 1, 1, 2)
                .node("Upsample").inputs("X").outputs("Y").attrFloats("scales", 1, 1, 2, 2).attr("mode", "nearest").add()
                .output("Y", DType.FLOAT32, 1, 1, 2, 4)
                .toBytes();
        try (Session s = Session.open(up, OPTS)) {
            assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2},
                    s.run(Map.of("X", Tensor.of(new float[] {1, 2}, 1, 1, 1, 2))).get("Y").floats());
        }
    }

    @Test
    void npyRoundTripsEveryNumpyType(@TempDir Path dir) throws Exception {
        Tensor[] ts = {
            Tensor.of(new float[] {1.5f, -2, Float.NaN}, 3),
            Tensor.ofLongs(new long[] {1, -2, 3, 4, 5, 6}, 2, 3),
            Tensor.ofInts(new int[] {7}, 1, 1),
            Tensor.ofDoubles(new double[] {Math.E}),
            Tensor.ofBools(new boolean[] {true, false}, 2),
            Tensor.of(new float[0], 0, 3),
        };
        for (int i = 0; i < ts.length; i++) {
            Path f = dir.resolve("t" + i + ".npy");
            Npy.write(ts[i], f);
            Tensor t = ts[i];
            long header = Files.size(f) - (long) t.size() * t.dtype().byteSize();
            assertTrue(header % 64 == 0, "the .npy header is padded to 64 bytes, got " + header);
            Tensor back = Npy.read(f);
            assertTrue(t.contentEquals(back), () -> t + " came back as " + back);
        }
    }
}
