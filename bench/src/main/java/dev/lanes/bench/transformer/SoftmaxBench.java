package dev.lanes.bench.transformer;

import dev.lanes.reference.SoftmaxShape;
import dev.lanes.simd.FastSoftmax;
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
 * Softmax on the last axis over the scores of unfused BERT-base attention ([12·128, 128] at
 * S = 128; [512, 512] one head at S = 512) and vocabulary logits ([128, 30522]), next to a copy of the
 * same data; the axis-1 variant of [128, 384, 16] exercises the strided path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class SoftmaxBench {

    /** "ROWSxN" (last axis) or "OUTERxNxINNER" (the axis in the middle). */
    @Param({"1536x128", "512x512", "128x30522", "128x384x16"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private SoftmaxShape s;
    private float[] x, y;
    private Parallel parallel;
    private FastSoftmax softmax;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        s = p.length == 2 ? SoftmaxShape.rows(Integer.parseInt(p[0]), Integer.parseInt(p[1]))
                : new SoftmaxShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        x = NormGeluBench.random(new SplittableRandom(42), s.size(), 8);
        y = new float[s.size()];
        parallel = Parallel.create(threads);
        softmax = new FastSoftmax(parallel);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] copy() {
        return RowCopy.copy(parallel, x, y, s.outer());
    }

    @Benchmark
    public float[] softmax() {
        softmax.softmax(s, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] logSoftmax() {
        softmax.logSoftmax(s, x, 0, y, 0);
        return y;
    }
}
