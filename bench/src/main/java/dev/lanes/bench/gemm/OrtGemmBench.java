package dev.lanes.bench.gemm;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer of {@link GemmBench}: ONNX Runtime (MLAS) running a one-node MatMul model whose B is an
 * initializer, so that ONNX Runtime pre-packs it as Lanes does, at {@code threads} intra-op threads.
 * Same shapes, same JMH settings, same score (products per second).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
@State(Scope.Benchmark)
public class OrtGemmBench {

    @Param({
        "64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
        "1x384x384", "1x768x768", "1x1536x384", "1x3072x768", "1x1536x768", "1x768x3072",
        "4x384x384", "4x768x768", "4x3072x768", "4x768x3072",
        "16x384x384", "16x768x768", "16x3072x768", "16x768x3072",
        "128x384x384", "128x768x768", "128x3072x768", "128x768x3072",
        "3136x64x576", "3136x256x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private OrtPeer peer;
    private OrtPeer.Inputs inputs;

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = GemmShapes.parse(shape);
        int m = d[0], n = d[1], k = d[2];
        SplittableRandom r = new SplittableRandom(42);
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        byte[] model = new OnnxModelBuilder("matmul").opset(13)
                .input("A", DType.FLOAT32, m, k)
                .initializer("B", Tensor.of(b, k, n))
                .node("MatMul").inputs("A", "B").outputs("Y").add()
                .output("Y", DType.FLOAT32, m, n)
                .toBytes();
        peer = OrtPeer.open(model, threads);
        inputs = peer.inputs().float32("A", new long[] {m, k}, a);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inputs.close();
        peer.close();
    }

    @Benchmark
    public int onnxRuntime() {
        return peer.runDiscarding(inputs);
    }
}
