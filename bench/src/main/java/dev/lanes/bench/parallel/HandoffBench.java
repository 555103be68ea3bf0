package dev.lanes.bench.parallel;

import dev.lanes.simd.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one {@link Parallel} call with two shares costs, next to the same work on one thread: the label for a 2-thread
 * model row. On this 2-vCPU VM, Lanes' 2-thread model times switch for minutes at a time between a fast and a slow
 * state while 1-thread times, the FMA peak and ONNX Runtime's times do not, and {@code ownHalves} switches with them
 * (about 0.65 µs per call fast, 1.5–2.1 µs slow): each share reads and writes its own 64 KB, the same half every
 * call, so it costs {@code oneThreadHalf} plus a wake-up and a join — a few cache lines passed between the cores —
 * when those transfers are fast. Run it right before and after a 2-thread model run to tell which state that run saw.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class HandoffBench {
    /** Floats per share: 64 KB, an L2-resident slice like a row strip of a small map. */
    private static final int HALF = 16 * 1024;

    private Parallel parallel;
    private final float[] data = new float[2 * HALF];
    private int flip;
    public volatile int sink;

    @Setup(Level.Trial)
    public void open() {
        parallel = Parallel.create(2);
    }

    @TearDown(Level.Trial)
    public void close() {
        parallel.close();
    }

    private static void addOne(float[] a, int from, int to) {
        for (int i = from; i < to; i++) a[i] += 1f;
    }

    /** Two empty shares: publishing a call and finding it done (the caller takes the second share when the worker is late). */
    @Benchmark
    public void emptyCall() {
        parallel.forRange(2, 1, (from, to) -> sink = from);
    }

    /** Each share updates its own half, the same one every call: the data stays on its core. */
    @Benchmark
    public void ownHalves() {
        parallel.forRange(2, 1, (from, to) -> addOne(data, from * HALF, from * HALF + HALF));
    }

    /**
     * {@link #ownHalves} through {@link Parallel#forRangeBalanced}, each half in 4 pieces of 16 KB: what balancing adds to
     * a call (the pieces taken by compare-and-set, each thread's look at the other's share at the end, and here, where a
     * piece is 0.15 µs of work, pieces of the late worker's half taken by the caller, with their data on the other core).
     */
    @Benchmark
    public void balancedHalves() {
        parallel.forRangeBalanced(2 * HALF, 1, HALF / 4, 2, (from, to) -> addOne(data, from, to));
    }

    /** The halves change shares every call: each share reads and writes 64 KB the other core wrote last. */
    @Benchmark
    public void swappedHalves() {
        int f = flip ^= 1;
        parallel.forRange(2, 1, (from, to) -> {
            int h = (from ^ f) & 1;
            addOne(data, h * HALF, h * HALF + HALF);
        });
    }

    /** One half on the calling thread alone: the work of one share without any hand-off. */
    @Benchmark
    public void oneThreadHalf() {
        addOne(data, 0, HALF);
    }
}
