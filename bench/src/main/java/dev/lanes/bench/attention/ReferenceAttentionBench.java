package dev.lanes.bench.attention;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.ReferenceAttention;
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

/** {@link ReferenceAttention} (single-threaded, double accumulation) on {@link AttentionBench}'s shapes: the baseline. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class ReferenceAttentionBench {

    @Param({"bert128", "bert512", "decode512", "decode2048"})
    public String shape;

    private AttentionShape s;
    private float[] q, k, v, y;
    private final ReferenceAttention reference = new ReferenceAttention();

    @Setup(Level.Trial)
    public void setUp() {
        s = AttentionShapes.shape(shape);
        int d = AttentionShapes.HEAD_SIZE, h = AttentionShapes.HEADS;
        q = AttentionShapes.data(1, h * s.qSeq() * d);
        k = AttentionShapes.data(2, h * s.kvSeq() * d);
        v = AttentionShapes.data(3, h * s.kvSeq() * d);
        y = new float[h * s.qSeq() * d];
    }

    @Benchmark
    public float[] reference() {
        reference.attention(s, q, 0, k, 0, v, 0, y, 0);
        return y;
    }
}
