package dev.lanes.bench.gemm;

import dev.lanes.bench.CpuTime;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The machine's fp32 FMA peak as the Vector API reaches it: 16 independent accumulator chains of
 * preferred-width FMAs (enough to cover 2 ports × 4-cycle latency twice over), no loads in the loop.
 * Score = vector FMAs per second; FLOP/s = score × 2 × {@link #lanes} (16 at 512 bits).
 * Run with {@code -t 1} for a core, {@code -t 2} for both.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class PeakFmaBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 1 << 16;
    private static final int CHAINS = 16;
    /** Vector FMAs per call of {@link #fmaPeak}: {@link GemmReport} turns CpuTime's calls into FMAs with it. */
    static final long FMAS_PER_CALL = (long) ITERATIONS * CHAINS;

    public float x = 0.999f, y = 1e-7f;

    /**
     * Floats per vector of the preferred species, recorded in the JSON for {@link GemmReport}; the
     * setup checks it (another value means another machine: pass {@code -p lanes=8} on AVX2).
     */
    @Param({"16"})
    public int lanes;

    @Setup
    public void checkLanes() {
        if (lanes != S.length()) {
            throw new IllegalStateException("PeakFmaBench: this JVM's preferred vectors hold " + S.length()
                    + " floats; run with -p lanes=" + S.length());
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * CHAINS)
    public void fmaPeakCpu(Blackhole bh, CpuTime cpu) {
        cpu.begin();
        fmaPeak(bh);
        cpu.end();
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * CHAINS)
    public void fmaPeak(Blackhole bh) {
        FloatVector m = FloatVector.broadcast(S, x), a = FloatVector.broadcast(S, y);
        FloatVector c0 = a, c1 = a.add(1), c2 = a.add(2), c3 = a.add(3), c4 = a.add(4), c5 = a.add(5), c6 = a.add(6), c7 = a.add(7);
        FloatVector c8 = a.add(8), c9 = a.add(9), c10 = a.add(10), c11 = a.add(11), c12 = a.add(12), c13 = a.add(13), c14 = a.add(14), c15 = a.add(15);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(m, a); c1 = c1.fma(m, a); c2 = c2.fma(m, a); c3 = c3.fma(m, a);
            c4 = c4.fma(m, a); c5 = c5.fma(m, a); c6 = c6.fma(m, a); c7 = c7.fma(m, a);
            c8 = c8.fma(m, a); c9 = c9.fma(m, a); c10 = c10.fma(m, a); c11 = c11.fma(m, a);
            c12 = c12.fma(m, a); c13 = c13.fma(m, a); c14 = c14.fma(m, a); c15 = c15.fma(m, a);
        }
        bh.consume(c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15));
    }
}
