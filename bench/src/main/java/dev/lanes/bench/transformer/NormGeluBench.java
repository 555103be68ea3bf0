package dev.lanes.bench.transformer;

import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import dev.lanes.simd.AddLayerNorm;
import dev.lanes.simd.FastLayerNorm;
import dev.lanes.simd.FastUnary;
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
 * Issue 5's target: LayerNorm and GELU over [128, n] (a BERT-base batch of 128 tokens at hidden
 * sizes 384..3072) against a plain copy of the same data on the same threads — the time floor of any
 * pass that reads X and writes Y. Target: LayerNorm and GELU within 1.5× of {@link #copy}.
 * {@code TransformerReferenceBench} times the reference kernels on the same shapes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xss8m"})
@State(Scope.Benchmark)
public class NormGeluBench {

    static final int ROWS = 128;

    @Param({"384", "768", "1024", "3072"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private float[] x, skip, y, sum, scale, bias;
    private Parallel parallel;
    private FastLayerNorm layerNorm;
    private AddLayerNorm addLayerNorm;
    private FastUnary unary;
    private LayerNormShape shape;
    private UnaryShape gelu, geluTanh;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        x = random(r, ROWS * n, 3);
        skip = random(r, ROWS * n, 1);
        scale = random(r, n, 1);
        bias = random(r, n, 1);
        y = new float[ROWS * n];
        sum = new float[ROWS * n];
        parallel = Parallel.create(threads);
        layerNorm = new FastLayerNorm(parallel);
        addLayerNorm = new AddLayerNorm(parallel);
        unary = new FastUnary(parallel);
        shape = new LayerNormShape(ROWS, n, 1e-12f, true);
        gelu = UnaryShape.of(UnaryOp.GELU, ROWS * n);
        geluTanh = UnaryShape.of(UnaryOp.GELU_TANH, ROWS * n);
    }

    static float[] random(SplittableRandom r, int len, double scale) {
        float[] a = new float[len];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble(-1, 1) * scale);
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    /** The floor: read X, write Y, split over the same threads as the kernels. */
    @Benchmark
    public float[] copy() {
        return RowCopy.copy(parallel, x, y, ROWS);
    }

    @Benchmark
    public float[] layerNorm() {
        layerNorm.layerNorm(shape, x, 0, scale, 0, bias, 0, y, 0);
        return y;
    }

    /** Residual add + LayerNorm, also writing the sum (reads two inputs, writes two outputs). */
    @Benchmark
    public float[] addLayerNorm() {
        addLayerNorm.apply(shape, x, 0, skip, 0, null, 0, scale, 0, bias, 0, y, 0, sum, 0);
        return y;
    }

    @Benchmark
    public float[] geluErf() {
        unary.apply(gelu, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] geluTanh() {
        unary.apply(geluTanh, x, 0, y, 0);
        return y;
    }
}
