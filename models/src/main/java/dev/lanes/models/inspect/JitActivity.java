package dev.lanes.models.inspect;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether HotSpot's JIT compilers have gone quiet: a window of wall time in which they compiled for at most
 * {@link #QUIET_SHARE} of it. Lanes' kernels run as compiled Java, and C2 keeps compiling large methods long after
 * a model's first runs (ResNet-50 on one core: ~20 s, each compile taking ~0.3 s of the core the runs need; bench/RESULTS.md,
 * session 16), so runs timed before that measure the JIT. When the JVM does not report compilation time, every window
 * counts as quiet.
 */
final class JitActivity {
    /** The share of a window the compilers may take and the window still count as quiet. */
    static final double QUIET_SHARE = 0.05;

    private final CompilationMXBean compiler;
    private long windowStartNanos;
    private long windowStartCompileMillis;

    JitActivity(long nowNanos) {
        CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        this.compiler = c != null && c.isCompilationTimeMonitoringSupported() ? c : null;
        restart(nowNanos);
    }

    /**
     * True when a window of at least {@code windowNanos} has ended at {@code nowNanos} with the compilers quiet in it.
     * A window that ends busy starts the next one; one that has not ended yet answers false.
     */
    boolean quietWindowEnded(long nowNanos, long windowNanos) {
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed < windowNanos) return false;
        boolean quiet = compiler == null || (compileMillis() - windowStartCompileMillis) * 1e6 <= QUIET_SHARE * elapsed;
        restart(nowNanos);
        return quiet;
    }

    private void restart(long nowNanos) {
        windowStartNanos = nowNanos;
        windowStartCompileMillis = compileMillis();
    }

    private long compileMillis() {
        return compiler == null ? 0 : compiler.getTotalCompilationTime();
    }
}
