package dev.lanes.bench.models;

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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Steady-state latency of one inference, Lanes against ONNX Runtime on the same file and the same
 * input, at 1 and 2 intra-op threads: the table of {@code bench/RESULTS.md} "Models (issue 7)".
 * Both engines hand their outputs back as Java arrays, so both timings include that copy. Each
 * benchmark method opens only its own engine, so the two never share the process's caches in one
 * trial. {@link ModelReport} turns the JSON result into the table and the ratio chart.
 *
 * <p>gpt2_small returns its KV cache, 38 MB per run, so both engines' JVMs grow their heaps while it is measured; where a
 * first touch of memory is slow (this VM: ~27 µs a page) that growth lands in the iterations. Run it with a fixed,
 * pre-touched heap for both engines: {@code -jvmArgsAppend "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"} (RESULTS.md, session 13).
 *
 * <p>Warm-up: 30 s, so that both engines are timed in their steady state. Lanes' JIT is not done before ~25 s of
 * ResNet-50 on one core ({@link SteadyState}); with the 12 s this benchmark used to warm up, its first measured
 * iterations ran 10–25 % slow and the mean with them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Xmx6g"})
@State(Scope.Thread)
public class ModelBench {

    @Param({"minilm_l6_v2", "ppocr_v4_det", "ppocr_mobile_v2_cls", "resnet50", "mobilenetv2", "bert_base", "gpt2_small"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private Engines engines;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        engines = new Engines(model, threads);
        if (params.getBenchmark().endsWith(".lanes")) {
            engines.openLanes();
        } else {
            engines.openOnnxRuntime();
        }
    }

    @Benchmark
    public Object lanes() {
        return engines.runLanes();
    }

    @Benchmark
    public Object onnxRuntime() {
        return engines.runOnnxRuntime();
    }

    @TearDown(Level.Trial)
    public void close() {
        engines.close();
    }
}
