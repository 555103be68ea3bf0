package dev.lanes.models.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.models.inspect.LatencyRecorder;
import dev.lanes.models.inspect.ModelSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code lanes bench}: latency percentiles of a model. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times a model: session load, the first (cold) run, a warm-up, then N runs whose",
            "p50, p90, p99 and max latency come from an HdrHistogram. The warm-up lasts at",
            "least -w runs and at least --warmup-time seconds, then until the JIT compilers",
            "were busy for at most 5%% of the last --jit-quiet seconds (at most",
            "--max-warmup-time in all), so that the kernels are compiled before the timing."})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions opts;

    @Option(names = {"-w", "--warmup"}, defaultValue = "20",
            description = "Least warm-up runs, not timed (default ${DEFAULT-VALUE}); the warm-up also lasts --warmup-time.")
    int warmup;

    @Option(names = "--warmup-time", defaultValue = "3", paramLabel = "SECONDS",
            description = "Least warm-up time in seconds (default ${DEFAULT-VALUE}): small models need seconds of runs before C2 "
                    + "has compiled their kernels; 0 for a warm-up of -w runs only.")
    double warmupSeconds;

    @Option(names = "--jit-quiet", defaultValue = "2", paramLabel = "SECONDS",
            description = "The warm-up ends after a window of this many seconds in which the JIT compiled for at most 5%% of it "
                    + "(default ${DEFAULT-VALUE}; ResNet-50 on one core takes ~25 s to get there); 0 to not wait for the JIT.")
    double jitQuietSeconds;

    @Option(names = "--max-warmup-time", defaultValue = "120", paramLabel = "SECONDS",
            description = "Longest warm-up waiting for a quiet JIT (default ${DEFAULT-VALUE}); the figures are marked not steady "
                    + "when it is reached.")
    double maxWarmupSeconds;

    @Option(names = {"-n", "--runs"}, defaultValue = "50", description = "Timed runs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--backend", defaultValue = "FAST", description = "FAST or REFERENCE (default ${DEFAULT-VALUE}).")
    Backend backend;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (runs < 1 || warmup < 0 || !(warmupSeconds >= 0) || warmupSeconds > 3600) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup >= 0 and --warmup-time between 0 and 3600 seconds");
        }
        if (!(jitQuietSeconds >= 0) || jitQuietSeconds > 600 || !(maxWarmupSeconds >= warmupSeconds) || maxWarmupSeconds > 3600) {
            throw new IllegalArgumentException("--jit-quiet must be between 0 and 600 seconds and --max-warmup-time between "
                    + "--warmup-time and 3600 seconds");
        }
        LatencyRecorder.Warmup warm = new LatencyRecorder.Warmup(warmup, (long) (warmupSeconds * 1e9), (long) (jitQuietSeconds * 1e9),
                (long) (maxWarmupSeconds * 1e9));
        ModelSource src = opts.source();
        var loaded = SessionFactory.open(src.path(), SessionFactory.options(opts.threads, backend));
        try (Session session = loaded.session()) {
            Map<String, Tensor> inputs = opts.inputs(src, session);
            ProgressBar bar = new ProgressBar(src.displayName(), Math.max(warmup, 1) + runs, !json && ProgressBar.terminal());
            LatencyRecorder.Latency l = LatencyRecorder.measure(() -> session.run(inputs), warm, runs, bar::update);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("model", src.displayName());
                o.addProperty("backend", backend.name());
                o.addProperty("threads", session.options().threads());
                o.addProperty("warmup", l.warmupRuns());
                o.addProperty("warmup_s", l.warmupSeconds());
                o.addProperty("steady", l.steady());
                o.addProperty("runs", l.runs());
                o.addProperty("load_ms", loaded.loadMillis());
                o.addProperty("first_run_ms", l.firstMillis());
                o.addProperty("mean_ms", l.meanMillis());
                o.addProperty("min_ms", l.min());
                o.addProperty("p50_ms", l.p50());
                o.addProperty("p90_ms", l.p90());
                o.addProperty("p99_ms", l.p99());
                o.addProperty("max_ms", l.max());
                out.println(new GsonBuilder().create().toJson(o));
            } else {
                out.printf(Locale.ROOT, "%s on Lanes (%s backend, %d threads)%n", src.displayName(), backend.name().toLowerCase(Locale.ROOT), session.options().threads());
                out.printf(Locale.ROOT, "  session load %.1f ms, first run %.1f ms, %d warm-up runs in %.1f s (at least %d and %.1f s%s)%n",
                        loaded.loadMillis(), l.firstMillis(), l.warmupRuns(), l.warmupSeconds(), warmup, warmupSeconds,
                        jitQuietSeconds > 0 ? String.format(Locale.ROOT, ", then until the JIT was quiet for %.1f s", jitQuietSeconds) : "");
                if (!l.steady()) {
                    out.printf(Locale.ROOT, "  not steady: the JIT was still compiling after %.1f s (--max-warmup-time)%n", maxWarmupSeconds);
                }
                out.printf(Locale.ROOT, "  %d runs: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (min %.3f, mean %.3f)%n",
                        l.runs(), l.p50(), l.p90(), l.p99(), l.max(), l.min(), l.meanMillis());
            }
            out.flush();
        }
        return 0;
    }
}
