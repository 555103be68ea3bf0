package dev.lanes.models.inspect;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.io.IOException;
import java.nio.file.Path;

/** Small ONNX files written for tests, from ops every backend has. */
public final class TinyModels {
    private TinyModels() {}

    /**
     * {@code y = ((x W1 + b1) * (x W1 + b1)) W2} with x {@code [batch, 4]}, W1 {@code [4, 8]}, W2 {@code [8, 3]}:
     * 64 parameters, {@code 2*batch*(4*8 + 8*3)} FLOPs.
     */
    public static Path mlp(Path dir) throws IOException {
        float[] w1 = new float[32], b1 = new float[8], w2 = new float[24];
        for (int i = 0; i < w1.length; i++) w1[i] = (i % 7 - 3) * 0.25f;
        for (int i = 0; i < b1.length; i++) b1[i] = i * 0.1f;
        for (int i = 0; i < w2.length; i++) w2[i] = (i % 5 - 2) * 0.5f;
        Path file = dir.resolve("mlp.onnx");
        new OnnxModelBuilder("mlp").opset(13)
                .input("x", DType.FLOAT32, "batch", 4)
                .initializer("W1", Tensor.of(w1, 4, 8))
                .initializer("b1", Tensor.of(b1, 8))
                .initializer("W2", Tensor.of(w2, 8, 3))
                .node("MatMul").name("mm1").inputs("x", "W1").outputs("h0").add()
                .node("Add").name("bias").inputs("h0", "b1").outputs("h1").add()
                .node("Mul").name("square").inputs("h1", "h1").outputs("h2").add()
                .node("MatMul").name("mm2").inputs("h2", "W2").outputs("y").add()
                .output("y", DType.FLOAT32, "batch", 3)
                .writeTo(file);
        return file;
    }

    /**
     * {@code y = Conv(x, W)} with x {@code [1, 2, 5, 5]}, W {@code [3, 2, 3, 3]} (an initializer), pad 1:
     * output {@code [1, 3, 5, 5]}, {@code 2 * 75 * 18} FLOPs.
     */
    public static Path conv(Path dir) throws IOException {
        return conv(dir, "conv", 2, 3, 5, 5, 0.1f, 5);
    }

    /**
     * {@code y = Conv(x, W)} with x {@code [1, 16, 30, 26]}, W {@code [32, 16, 3, 3]}, pad 1: Winograd's shape, whose
     * transformed filters do not give the weights back (the session keeps them raw beside the form).
     */
    public static Path winogradConv(Path dir) throws IOException {
        return conv(dir, "winograd", 16, 32, 30, 26, 0.05f, 7);
    }

    /** {@code y = Conv(x, W)}, x {@code [1, c, h, w]}, W {@code [m, c, 3, 3]} of {@code (i % period - period / 2) · step}, pad 1. */
    private static Path conv(Path dir, String name, int c, int m, int h, int w, float step, int period) throws IOException {
        float[] weights = new float[m * c * 9];
        for (int i = 0; i < weights.length; i++) weights[i] = (i % period - period / 2) * step;
        Path file = dir.resolve(name + ".onnx");
        new OnnxModelBuilder(name).opset(13)
                .input("x", DType.FLOAT32, 1, c, h, w)
                .initializer("W", Tensor.of(weights, m, c, 3, 3))
                .node("Conv").name("conv").inputs("x", "W").outputs("y")
                        .attrInts("pads", 1, 1, 1, 1).add()
                .output("y", DType.FLOAT32, 1, m, h, w)
                .writeTo(file);
        return file;
    }

    /**
     * {@code y = Gather(table, ids)} with a table of 2 rows × 3 (as BERT's token-type embeddings) and
     * int64 ids {@code [1, seq]}: any id other than 0 or 1 is out of range.
     */
    public static Path smallTableGather(Path dir) throws IOException {
        Path file = dir.resolve("gather.onnx");
        new OnnxModelBuilder("gather").opset(13)
                .input("ids", DType.INT64, 1, "seq")
                .initializer("table", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .node("Gather").name("lookup").inputs("table", "ids").outputs("y").add()
                .output("y", DType.FLOAT32, 1, "seq", 3)
                .writeTo(file);
        return file;
    }

    /** A model with an op no engine has. */
    public static Path unsupported(Path dir) throws IOException {
        Path file = dir.resolve("frobnicate.onnx");
        new OnnxModelBuilder("odd").opset(13)
                .input("x", DType.FLOAT32, 2)
                .node("Frobnicate").name("the_odd_one").inputs("x").outputs("y").add()
                .output("y", DType.FLOAT32, 2)
                .writeTo(file);
        return file;
    }
}
