package dev.lanes.bench.models;

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
 * {@link ModelStartupBench}'s Lanes half in JVMs started from a JDK AOT cache (JEP 483/515: classes
 * loaded and linked ahead, method profiles), as the {@code lanes} launcher starts them after its first
 * run. The cache is {@code bench/target/lanes-startup.aot}, written beforehand by {@link StartupTraining}
 * with the forks' flags, from the same working directory and jar:
 *
 * <pre>
 * java -XX:AOTCacheOutput=bench/target/lanes-startup.aot --add-modules jdk.incubator.vector \
 *     --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xss8m -Xmx6g \
 *     -Dlanes.shared=../shared -cp bench/target/benchmarks.jar dev.lanes.bench.models.StartupTraining
 * </pre>
 *
 * {@code -XX:AOTMode=on}: a fork without a usable cache fails instead of measuring without one.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Xmx6g",
        "-XX:AOTCache=bench/target/lanes-startup.aot", "-XX:AOTMode=on", "-XX:+VerifySharedSpaces"})
@State(Scope.Thread)
public class ModelStartupAotBench {

    @Param({"minilm_l6_v2", "ppocr_v4_det", "ppocr_mobile_v2_cls", "resnet50", "mobilenetv2", "bert_base", "gpt2_small"})
    public String model;

    @Param({"2"})
    public int threads;

    private Engines engines;

    @Setup(Level.Trial)
    public void prepare(BenchmarkParams params) {
        engines = new Engines(model, threads);
        if (params.getBenchmark().endsWith(".lanesFirstRun")) {
            engines.openLanes();
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

    @TearDown(Level.Trial)
    public void close() {
        engines.close();
    }
}
