package dev.lanes.bench.transformer;

import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.ReferenceLayerNorm;
import dev.lanes.reference.ReferenceSoftmax;
import dev.lanes.reference.ReferenceUnary;
import dev.lanes.reference.SoftmaxShape;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference kernels on the shapes of {@link NormGeluBench} and {@link SoftmaxBench} (single
 * threaded: the references have no threads), for the fast-vs-reference ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class TransformerReferenceBench {

    /** A [rows, n] shape as "ROWSxN": NormGeluBench's [128, n] and SoftmaxBench's score shapes. */
    @Param({"128x384", "128x768", "128x1024", "128x3072", "1536x128", "512x512", "128x30522"})
    public String shape;

    private int rows, n;
    private float[] x, y, scale, bias;

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        SplittableRandom r = new SplittableRandom(42);
        x = NormGeluBench.random(r, rows * n, 3);
        scale = NormGeluBench.random(r, n, 1);
        bias = NormGeluBench.random(r, n, 1);
        y = new float[rows * n];
    }

    @Benchmark
    public float[] layerNorm() {
        new ReferenceLayerNorm().layerNorm(new LayerNormShape(rows, n, 1e-12f, true), x, 0, scale, 0, bias, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] geluErf() {
        new ReferenceUnary().apply(UnaryShape.of(UnaryOp.GELU, rows * n), x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] softmax() {
        new ReferenceSoftmax().softmax(SoftmaxShape.rows(rows, n), x, 0, y, 0);
        return y;
    }
}
