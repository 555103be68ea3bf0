package dev.lanes.models.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.io.Npy;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.onnx.TensorProtos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lanes onnx-test} and {@code lanes run} through the real command line. */
class GraphCommandsTest {

    record Result(int code, String out) {}

    static Result lanes(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(buf, true)) {
            System.setOut(p);
            int code = new CommandLine(new LanesCommand()).execute(args);
            return new Result(code, buf.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void onnxTestPassesAConformanceDirectoryAndFailsAWrongOne(@TempDir Path tmp) throws Exception {
        Path shared = Path.of(System.getProperty("lanes.shared", "../../shared"), "onnx-node", "test_relu");
        assumeTrue(Files.isDirectory(shared), "no conformance data");
        Result ok = lanes("onnx-test", shared.toString(), "--backend", "reference");
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().contains("test_data_set_0 PASS"), ok.out());

        // Same model, wrong expected output: must print FAIL with the worst element and exit non-zero.
        Path bad = tmp.resolve("test_relu_wrong");
        Files.createDirectories(bad.resolve("test_data_set_0"));
        Files.copy(shared.resolve("model.onnx"), bad.resolve("model.onnx"));
        Files.copy(shared.resolve("test_data_set_0/input_0.pb"), bad.resolve("test_data_set_0/input_0.pb"));
        Tensor expected = TensorProtos.read(shared.resolve("test_data_set_0/output_0.pb"));
        Tensor wrong = expected.copy();
        wrong.floats()[7] += 1;
        TensorProtos.write(wrong, "y", bad.resolve("test_data_set_0/output_0.pb"));
        Result fail = lanes("onnx-test", bad.toString());
        assertEquals(1, fail.code(), fail.out());
        assertTrue(fail.out().contains("test_data_set_0 FAIL") && fail.out().contains("worst at flat index 7"), fail.out());
    }

    @Test
    void runReadsNpyAndPbInputsFillsTheRestAndWritesNpyOutputs(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("m.onnx");
        new OnnxModelBuilder("m").opset(17)
                .input("A", DType.FLOAT32, 2, 3).input("B", DType.FLOAT32, 2, 3).input("C", DType.FLOAT32, "n", 3)
                .node("Add").inputs("A", "B").outputs("sum").add()
                .node("ReduceSum").inputs("C").outputs("csum").attr("keepdims", 0).add()
                .output("sum", DType.FLOAT32, 2, 3).output("csum", DType.FLOAT32)
                .writeTo(model);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Npy.write(a, tmp.resolve("a.npy"));
        TensorProtos.write(a, "B", tmp.resolve("b.pb"));
        Path out = tmp.resolve("out");
        Result r = lanes("run", model.toString(), "--input", "A=" + tmp.resolve("a.npy"), "--input", "B=" + tmp.resolve("b.pb"),
                "--dim", "n=4", "--output-dir", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.out());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, Npy.read(out.resolve("sum.npy")).floats());
        Tensor csum = Npy.read(out.resolve("csum.npy"));
        assertEquals(0, csum.rank());
        assertTrue(r.out().contains("random float32[4, 3]"), r.out());
        // The random input is deterministic: the same seed gives the same output.
        Result again = lanes("run", model.toString(), "--input", "A=" + tmp.resolve("a.npy"), "--input", "B=" + tmp.resolve("b.pb"),
                "--dim", "n=4", "--output-dir", tmp.resolve("out2").toString(), "--threads", "1");
        assertEquals(0, again.code());
        assertTrue(csum.contentEquals(Npy.read(tmp.resolve("out2/csum.npy"))));
    }

    @Test
    void runReportsABadInputNameWithoutAStackTrace(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("m.onnx");
        new OnnxModelBuilder("m").opset(17).input("X", DType.FLOAT32, 1)
                .node("Relu").inputs("X").outputs("Y").add().output("Y", DType.FLOAT32, 1).writeTo(model);
        Npy.write(Tensor.of(new float[] {1}, 1), tmp.resolve("x.npy"));
        Result r = lanes("run", model.toString(), "--input", "Nope=" + tmp.resolve("x.npy"), "--output-dir", tmp.toString());
        assertEquals(2, r.code());
    }
}
