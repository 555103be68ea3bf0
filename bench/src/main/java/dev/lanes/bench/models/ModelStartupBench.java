package dev.lanes.bench.models;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.Session;
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
 * What a user meets first, in a fresh JVM (one measured call per fork, no warm-up): the time to open
 * a session on the model file ({@code *Load}), and the latency of the first inference after that
 * ({@code *FirstRun}) — for Lanes this includes running its Vector API kernels before C2 has compiled
 * them. Lanes against ONNX Runtime on the same file and input. Each {@code lanesLoad} fork prints
 * its session's load phases ({@link dev.lanes.graph.LoadTimings}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Xmx6g"})
@State(Scope.Thread)
public class ModelStartupBench {

    @Param({"minilm_l6_v2", "ppocr_v4_det", "ppocr_mobile_v2_cls", "resnet50", "mobilenetv2", "bert_base", "gpt2_small"})
    public String model;

    @Param({"2"})
    public int threads;

    private Engines engines;
    private String method;

    @Setup(Level.Trial)
    public void prepare(BenchmarkParams params) {
        engines = new Engines(model, threads);
        method = params.getBenchmark();
        if (method.endsWith(".lanesFirstRun")) {
            engines.openLanes();
        } else if (method.endsWith(".onnxRuntimeFirstRun")) {
            engines.openOnnxRuntime();
        }
    }

    @Benchmark
    public Session lanesLoad() {
        return engines.openLanes();
    }

    @Benchmark
    public Object lanesFirstRun() {
        return engines.runLanes();
    }

    @Benchmark
    public OrtPeer onnxRuntimeLoad() {
        return engines.openOnnxRuntime();
    }

    @Benchmark
    public Object onnxRuntimeFirstRun() {
        return engines.runOnnxRuntime();
    }

    @TearDown(Level.Trial)
    public void close() {
        if (method.endsWith(".lanesLoad") && engines.lanesLoadTimings() != null) {
            // Where this fork's load went (read, parse, import, passes, operator preparation), for the log;
            // JMH prints the score after the trial's teardown, on the line after these.
            System.out.print(System.lineSeparator() + engines.lanesLoadTimings().format(3).indent(4));
        }
        engines.close();
    }
}
