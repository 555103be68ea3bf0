package dev.lanes.graph;

/**
 * How a {@link Session} runs. Immutable; each {@code withX} returns a changed copy.
 *
 * @param threads   intra-op threads per run (1 = the caller's thread only)
 * @param backend   fast (Vector API where available) or reference kernels
 * @param optimize  apply the graph optimisation passes at creation
 * @param profiling record wall time per node (read with {@link Session#profile()})
 */
public record SessionOptions(int threads, Backend backend, boolean optimize, boolean profiling) {
    public SessionOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be between 1 and 1024, got " + threads);
        }
        if (backend == null) {
            throw new IllegalArgumentException("backend must not be null");
        }
    }

    /** All available processors, fast backend, optimised, no profiling. */
    public static SessionOptions defaults() {
        return new SessionOptions(Runtime.getRuntime().availableProcessors(), Backend.FAST, true, false);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(n, backend, optimize, profiling);
    }

    public SessionOptions withBackend(Backend b) {
        return new SessionOptions(threads, b, optimize, profiling);
    }

    public SessionOptions withOptimize(boolean on) {
        return new SessionOptions(threads, backend, on, profiling);
    }

    public SessionOptions withProfiling(boolean on) {
        return new SessionOptions(threads, backend, optimize, on);
    }
}
