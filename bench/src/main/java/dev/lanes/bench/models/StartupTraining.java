package dev.lanes.bench.models;

import java.util.List;

/**
 * The training run for {@link ModelStartupAotBench}'s JDK AOT cache: opens a Lanes session on each
 * model and runs it twice, so that the cache written at exit ({@code -XX:AOTCacheOutput}) holds the
 * classes and method profiles of loading and running every one of them. Arguments: model ids
 * (default: all seven of {@link ModelStartupBench}).
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
