package dev.lanes.bench.transformer;

import dev.lanes.reference.ReferenceTranspose;
import dev.lanes.reference.TransposeShape;
import dev.lanes.simd.FastTranspose;
import dev.lanes.simd.Parallel;
import java.util.Arrays;
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
 * FastTranspose on the transformer transposes, next to a plain copy of the same data (the floor) and
 * the element-by-element reference: GPT-2's Kᵀ of a 513-position key cache ([12, 513, 64], the last
 * two axes swapped: 16×16 tiles), BERT-base's head split and merge at S = 128 ([128, 12, 64] ↔
 * [12, 128, 64]: runs of 64 floats), ViT-B/16's keys transposed from the token layout ([197, 12, 64]
 * → [12, 64, 197]) and NCHW → NHWC of a 56×56×64 feature map.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class TransposeBench {

    /** "DIMS:PERM", dims and perm separated by x and by commas. */
    @Param({"12x513x64:0,2,1", "128x12x64:1,0,2", "12x128x64:1,0,2", "197x12x64:1,2,0", "64x56x56:1,2,0"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private TransposeShape s;
    private float[] x, y;
    private Parallel parallel;
    private final ReferenceTranspose reference = new ReferenceTranspose();

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split(":");
        int[] dims = Arrays.stream(p[0].split("x")).mapToInt(Integer::parseInt).toArray();
        int[] perm = Arrays.stream(p[1].split(",")).mapToInt(Integer::parseInt).toArray();
        s = new TransposeShape(dims, perm);
        x = NormGeluBench.random(new SplittableRandom(42), s.size(), 8);
        y = new float[s.size()];
        parallel = Parallel.create(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] copy() {
        return RowCopy.copy(parallel, x, y, s.shape()[0]);
    }

    @Benchmark
    public float[] fast() {
        FastTranspose.transpose(s, x, 0, y, 0, parallel);
        return y;
    }

    @Benchmark
    public float[] reference() {
        reference.transpose(s, x, 0, y, 0);
        return y;
    }
}
