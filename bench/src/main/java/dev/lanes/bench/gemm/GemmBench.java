package dev.lanes.bench.gemm;

import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;
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
 * PackedGemm on issue 3's shapes ("MxNxK"), B pre-packed as the graph does at load time, at
 * {@code threads} intra-op threads. Throughput is products per second: GFLOP/s = 2·M·N·K · score / 1e9
 * ({@link GemmReport} turns the JSON into the RESULTS.md table, next to {@link ReferenceGemmBench}
 * and {@link PeakFmaBench}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class GemmBench {

    @Param({
        // square
        "64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
        // transformer: M = 1, 4, 16, 128 × (K, N) in {384, 768} × {384, 768, 1536, 3072}
        "1x384x384", "1x768x768", "1x1536x384", "1x3072x768", "1x1536x768", "1x768x3072",
        "4x384x384", "4x768x768", "4x3072x768", "4x768x3072",
        "16x384x384", "16x768x768", "16x3072x768", "16x768x3072",
        "128x384x384", "128x768x768", "128x3072x768", "128x768x3072",
        // convolution as GEMM (ResNet-50 stage 1: 3x3 64→64 im2col and 1x1 64→256 at 56x56)
        "3136x64x576", "3136x256x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private float[] a, c;
    private PackedB b;
    private Parallel parallel;

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = GemmShapes.parse(shape);
        m = d[0];
        n = d[1];
        k = d[2];
        SplittableRandom r = new SplittableRandom(42);
        a = new float[m * k];
        float[] bd = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < bd.length; i++) bd[i] = (float) r.nextDouble(-1, 1);
        b = PackedGemm.packB(k, n, bd, 0, n, false);
        c = new float[m * n];
        parallel = Parallel.create(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] packedGemm() {
        PackedGemm.gemm(m, n, k, a, 0, k, false, 1f, b, c, 0, n, 0f, Epilogue.NONE, parallel);
        return c;
    }
}
