package dev.lanes.bench.attention;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.reference.AttentionShape;
import dev.lanes.simd.FlashAttention;
import dev.lanes.simd.Parallel;
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
 * Lanes' fused attention operator ({@link FlashAttention}, which hands S = 1 to its decode kernel) next
 * to ONNX Runtime running the same single-node ONNX Attention (opset 23) model, in the same fork, on the
 * same inputs, at {@code threads} intra-op threads. Throughput in calls per second: GFLOP/s =
 * {@link AttentionShapes#flops} · score / 1e9. ONNX Runtime's time includes allocating its output (it
 * has no way to write into a caller's buffer); Lanes writes into a preallocated Y.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
@State(Scope.Benchmark)
public class AttentionBench {

    @Param({"bert128", "bert512", "decode512", "decode2048"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private AttentionShape s;
    private float[] q, k, v, y;
    private Parallel parallel;
    private FlashAttention lanes;
    private OrtPeer ort;
    private OrtPeer.Inputs ortInputs;

    @Setup(Level.Trial)
    public void setUp() {
        s = AttentionShapes.shape(shape);
        int d = AttentionShapes.HEAD_SIZE, h = AttentionShapes.HEADS;
        q = AttentionShapes.data(1, h * s.qSeq() * d);
        k = AttentionShapes.data(2, h * s.kvSeq() * d);
        v = AttentionShapes.data(3, h * s.kvSeq() * d);
        y = new float[h * s.qSeq() * d];
        parallel = Parallel.create(threads);
        lanes = new FlashAttention(parallel);
        ort = OrtPeer.open(AttentionShapes.onnxModel(s.qSeq(), s.kvSeq(), 0), threads);
        ortInputs = ort.inputs()
                .float32("Q", new long[] {1, h, s.qSeq(), d}, q)
                .float32("K", new long[] {1, h, s.kvSeq(), d}, k)
                .float32("V", new long[] {1, h, s.kvSeq(), d}, v);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ortInputs.close();
        ort.close();
        parallel.close();
    }

    @Benchmark
    public float[] lanes() {
        lanes.attention(s, q, 0, k, 0, v, 0, y, 0);
        return y;
    }

    @Benchmark
    public int onnxRuntime() {
        return ort.runDiscarding(ortInputs);
    }
}
