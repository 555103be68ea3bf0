package dev.lanes.bench.transformer;

import dev.lanes.simd.VectorMath;
import dev.lanes.simd.VectorWidth;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * For the record (issue 5): VectorMath's exp, tanh and log against the Vector API's own
 * {@code lanewise(EXP/TANH/LOG)} (out-of-line math stubs on JDK 25) and scalar {@link Math#exp}, and
 * VectorMath's erf (the Vector API has none), over
 * 4096 floats in L1, on one thread. Values in [-20, 20] (log sees NaN for the negative half: its
 * special-value path is part of the cost).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Thread)
public class ExpBench {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int N = 4096;

    private float[] x, y;

    @Setup
    public void setUp() {
        x = NormGeluBench.random(new SplittableRandom(42), N, 20);
        y = new float[N];
    }

    @Benchmark
    public float[] vectorMathExp() {
        VectorMath.exp(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public float[] lanewiseExp() {
        for (int i = 0; i < N; i += F.length()) FloatVector.fromArray(F, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        return y;
    }

    @Benchmark
    public float[] scalarMathExp() {
        for (int i = 0; i < N; i++) y[i] = (float) Math.exp(x[i]);
        return y;
    }

    @Benchmark
    public float[] vectorMathTanh() {
        VectorMath.tanh(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public float[] lanewiseTanh() {
        for (int i = 0; i < N; i += F.length()) FloatVector.fromArray(F, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        return y;
    }

    @Benchmark
    public float[] vectorMathErf() {
        VectorMath.erf(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public float[] vectorMathLog() {
        VectorMath.log(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public float[] lanewiseLog() {
        for (int i = 0; i < N; i += F.length()) FloatVector.fromArray(F, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
        return y;
    }
}
