package dev.lanes.bench.models;

/**
 * How long the model tools let a Lanes session run before they time it. Lanes' kernels are Java code that HotSpot
 * compiles while the model runs: the first run is interpreted (ResNet-50: ~5.6 s on one core), and C2 keeps compiling
 * large methods for a further ~20 s, each compile taking ~0.3 s of the core the run needs. In JMH iterations of 2 s from
 * a pinned JVM's start (session 16, {@code ModelBench -wi 0 -i 25 -r 2}), ResNet-50 ran 202, 84, 58, 57, 59, 54, 50, 45 ms
 * and only then 42–43.5 steady; at 2 threads 81, 31.7–31.8 for five iterations, then 24.9–25.4. ONNX Runtime is native
 * code and steady from its first iteration. A tool that times Lanes sooner measures its JIT, not its kernels.
 */
public final class SteadyState {
    /** Wall time of runs one Lanes session needs on its own before its times are steady (ResNet-50's ~20 s, with margin). */
    public static final long SESSION_WARMUP_NANOS = 25_000_000_000L;

    private SteadyState() {}

    /** The warm-up for {@code sessions} Lanes sessions that take turns (each compiles its own classes at its share of the runs). */
    static long warmupNanos(int sessions) {
        return SESSION_WARMUP_NANOS * sessions;
    }
}
