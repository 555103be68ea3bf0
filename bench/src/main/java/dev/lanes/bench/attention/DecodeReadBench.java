package dev.lanes.bench.attention;

import dev.lanes.reference.AttentionShape;
import dev.lanes.simd.FlashAttention;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * The bound of the bare decode call (S = 1 against L keys, 12 heads × 64, one thread): Lanes' decode next
 * to a plain vector sum over the same K and V arrays, in the same fork. Both read 2·12·L·64·4 bytes per
 * call (3.1 MB at L = 512, 12.6 MB at 2048 — past the 1 MB L2, inside the L3), so GB/s = bytes · score / 1e9;
 * the sum is what reading K and V once can reach, the ceiling of any decode kernel on these arrays.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class DecodeReadBench {
    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    @Param({"decode512", "decode2048"})
    public String shape;

    private AttentionShape s;
    private float[] q, k, v, y;
    private FlashAttention lanes;

    @Setup(Level.Trial)
    public void setUp() {
        s = AttentionShapes.shape(shape);
        int d = AttentionShapes.HEAD_SIZE, h = AttentionShapes.HEADS;
        q = AttentionShapes.data(1, h * s.qSeq() * d);
        k = AttentionShapes.data(2, h * s.kvSeq() * d);
        v = AttentionShapes.data(3, h * s.kvSeq() * d);
        y = new float[h * s.qSeq() * d];
        lanes = new FlashAttention(Parallel.callerOnly());
    }

    @Benchmark
    public float[] lanesDecode() {
        lanes.attention(s, q, 0, k, 0, v, 0, y, 0);
        return y;
    }

    @Benchmark
    public float sumKV() {
        return sum(k) + sum(v);
    }

    /** Four independent vector accumulators: bound by the loads, not by the add latency. */
    private static float sum(float[] a) {
        int lanes = F.length(), i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (; i + 4 * lanes <= a.length; i += 4 * lanes) {
            s0 = s0.add(FloatVector.fromArray(F, a, i));
            s1 = s1.add(FloatVector.fromArray(F, a, i + lanes));
            s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * lanes));
            s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * lanes));
        }
        float tail = 0;
        for (; i < a.length; i++) tail += a[i];
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD) + tail;
    }
}
