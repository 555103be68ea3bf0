package dev.lanes.bench.models;

import java.util.List;

/**
 * The training run for a JDK AOT cache (JEP 483/515) under {@link ModelStartupBench}: opens a Lanes
 * session on each model and runs it twice, so that the cache written at exit
 * ({@code -XX:AOTCacheOutput}) holds the classes and method profiles of loading and running every one
 * of them, as the {@code lanes} launcher's cache does after its first run. Arguments: model ids
 * (default: all seven of {@link ModelStartupBench}). Then the Lanes half of the startup benchmark in
 * JVMs started from that cache ({@code AOTMode=on}: a fork without a usable cache fails instead of
 * measuring without one):
 *
 * <pre>
 * java -XX:AOTCacheOutput=bench/target/lanes-startup.aot --add-modules jdk.incubator.vector \
 *     --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xss8m -Xmx6g \
 *     -Dlanes.shared=../shared -cp bench/target/benchmarks.jar dev.lanes.bench.models.StartupTraining
 * java ... -jar bench/target/benchmarks.jar 'models.ModelStartupBench.lanes' -f 2 \
 *     -jvmArgsPrepend "-XX:AOTCache=bench/target/lanes-startup.aot -XX:AOTMode=on -XX:+VerifySharedSpaces"
 * </pre>
 */
public final class StartupTraining {
    private StartupTraining() {}

    public static void main(String[] args) {
        List<String> models = args.length > 0 ? List.of(args)
                : List.of("minilm_l6_v2", "ppocr_v4_det", "ppocr_mobile_v2_cls", "resnet50", "mobilenetv2", "bert_base", "gpt2_small");
        for (String m : models) {
            long t0 = System.nanoTime();
            try (Engines e = new Engines(m, 2)) {
                e.openLanes();
                e.runLanes();
                e.runLanes();
            }
            System.out.printf("trained on %s (%.1f s)%n", m, (System.nanoTime() - t0) / 1e9);
        }
    }
}
