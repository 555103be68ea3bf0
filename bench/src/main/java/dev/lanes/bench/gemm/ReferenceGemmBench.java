package dev.lanes.bench.gemm;

import dev.lanes.reference.GemmShape;
import dev.lanes.reference.ReferenceGemm;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference GEMM (naive, double accumulation, one thread) on the shapes of {@link GemmBench} that
 * it finishes in well under a second, so that each fast figure has its reference next to it.
 * (The 1024 and 2048 squares would take tens of seconds per call.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class ReferenceGemmBench {

    @Param({"64x64x64", "128x128x128", "256x256x256", "512x512x512",
        "1x768x768", "1x768x3072", "4x768x768", "16x768x768", "128x768x768", "3136x64x576", "3136x256x64"})
    public String shape;

    private GemmShape s;
    private float[] a, b, c;
    private final ReferenceGemm gemm = new ReferenceGemm();

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = GemmShapes.parse(shape);
        s = GemmShape.of(d[0], d[1], d[2]);
        SplittableRandom r = new SplittableRandom(42);
        a = new float[d[0] * d[2]];
        b = new float[d[2] * d[1]];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        c = new float[d[0] * d[1]];
    }

    @Benchmark
    public float[] referenceGemm() {
        gemm.gemm(s, a, 0, b, 0, null, 0, c, 0);
        return c;
    }
}
