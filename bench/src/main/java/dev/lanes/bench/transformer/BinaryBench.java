package dev.lanes.bench.transformer;

import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceBinary;
import dev.lanes.simd.FastBinary;
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
 * Element-wise binary ops with broadcasting on Transformer and CNN shapes, next to a copy of the
 * output's size and the reference:
 * <ul>
 *   <li>{@code bias}: Add [128, 768] + [768] (MatMul's bias, unfused);</li>
 *   <li>{@code residual}: Add [128, 768] + [128, 768];</li>
 *   <li>{@code mask}: Add [12, 128, 128] + [1, 1, 128] (BERT's additive attention mask);</li>
 *   <li>{@code channel}: Mul [1, 64, 56, 56] · [1, 64, 1, 1] (a per-channel scale);</li>
 *   <li>{@code square}: Pow [128, 768] ^ 2 (LayerNorm's decomposed variance, the special case);</li>
 *   <li>{@code seGate8}, {@code seGate24}: Mul [1, 56, 56, C] · [1, 1, 1, C] with C = 8, 24 (a channels-last
 *       squeeze-excitation gate: runs of C, walked as one loop over a repeat pattern).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class BinaryBench {

    @Param({"bias", "residual", "mask", "channel", "square", "seGate8", "seGate24"})
    public String kind;

    @Param({"1", "2"})
    public int threads;

    private BinaryShape s;
    private float[] a, b, y;
    private Parallel parallel;
    private FastBinary fast;

    @Setup(Level.Trial)
    public void setUp() {
        s = switch (kind) {
            case "bias" -> new BinaryShape(BinaryOp.ADD, new int[] {128, 768}, new int[] {768});
            case "residual" -> new BinaryShape(BinaryOp.ADD, new int[] {128, 768}, new int[] {128, 768});
            case "mask" -> new BinaryShape(BinaryOp.ADD, new int[] {12, 128, 128}, new int[] {1, 1, 128});
            case "channel" -> new BinaryShape(BinaryOp.MUL, new int[] {1, 64, 56, 56}, new int[] {1, 64, 1, 1});
            case "square" -> new BinaryShape(BinaryOp.POW, new int[] {128, 768}, new int[0]);
            case "seGate8" -> new BinaryShape(BinaryOp.MUL, new int[] {1, 56, 56, 8}, new int[] {1, 1, 1, 8});
            case "seGate24" -> new BinaryShape(BinaryOp.MUL, new int[] {1, 56, 56, 24}, new int[] {1, 1, 1, 24});
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        SplittableRandom r = new SplittableRandom(42);
        a = NormGeluBench.random(r, Dims.size(s.a()), 3);
        b = kind.equals("square") ? new float[] {2f} : NormGeluBench.random(r, Dims.size(s.b()), 3);
        y = new float[s.size()];
        parallel = Parallel.create(threads);
        fast = new FastBinary(parallel);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] copy() {
        return RowCopy.copy(parallel, a, y, 64);
    }

    @Benchmark
    public float[] fast() {
        fast.apply(s, a, 0, b, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] reference() {
        new ReferenceBinary().apply(s, a, 0, b, 0, y, 0);
        return y;
    }
}
