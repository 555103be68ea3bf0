package dev.lanes.bench.attention;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.reference.AttentionShape;
import dev.lanes.simd.AttentionDecode;
import dev.lanes.simd.AttentionOperand;
import dev.lanes.simd.KvCache;
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
 * One generation step with a KV cache, each side its own way: Lanes appends the token's key and value to
 * a {@link KvCache} of {@code length − 1} rows and attends causally over all {@code length} (no copy of
 * the past); ONNX Runtime runs ONNX Attention with past_key/past_value of {@code length − 1} rows and
 * produces present_key/present_value (which copies the past — ONNX's only way to carry the cache).
 * 12 heads × 64, batch 1; GFLOP/s = 4·length·64·12 · score / 1e9.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
@State(Scope.Benchmark)
public class KvCacheDecodeBench {

    @Param({"512", "2048"})
    public int length;

    @Param({"1", "2"})
    public int threads;

    private static final int H = AttentionShapes.HEADS, D = AttentionShapes.HEAD_SIZE;
    private float[] q, k, v, y;
    private KvCache cache;
    private Parallel parallel;
    private OrtPeer ort;
    private OrtPeer.Inputs ortInputs;

    @Setup(Level.Trial)
    public void setUp() {
        int past = length - 1;
        q = AttentionShapes.data(1, H * D);
        k = AttentionShapes.data(2, H * D);
        v = AttentionShapes.data(3, H * D);
        y = new float[H * D];
        float[] pastK = AttentionShapes.data(4, H * past * D), pastV = AttentionShapes.data(5, H * past * D);
        cache = new KvCache(1, H, D, D, length);
        cache.append(AttentionOperand.bhsd(pastK, 0, H, past, D), AttentionOperand.bhsd(pastV, 0, H, past, D), past);
        parallel = Parallel.create(threads);
        ort = OrtPeer.open(AttentionShapes.onnxModel(1, 1, past), threads);
        ortInputs = ort.inputs()
                .float32("Q", new long[] {1, H, 1, D}, q)
                .float32("K", new long[] {1, H, 1, D}, k)
                .float32("V", new long[] {1, H, 1, D}, v)
                .float32("past_key", new long[] {1, H, past, D}, pastK)
                .float32("past_value", new long[] {1, H, past, D}, pastV);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ortInputs.close();
        ort.close();
        parallel.close();
    }

    @Benchmark
    public float[] lanesKvCache() {
        cache.truncate(length - 1);
        cache.append(AttentionOperand.bhsd(k, 0, H, 1, D), AttentionOperand.bhsd(v, 0, H, 1, D), 1);
        AttentionDecode.attend(cache, AttentionOperand.bhsd(q, 0, H, 1, D), H, 1, AttentionShape.defaultScale(D), 0f, true,
                AttentionOperand.bhsd(y, 0, H, 1, D), parallel);
        return y;
    }

    @Benchmark
    public int onnxRuntimePastPresent() {
        return ort.runDiscarding(ortInputs);
    }
}
