package dev.lanes.graph.exec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Accumulated time and call count per plan step; safe to record from concurrent runs.
 *
 * <p>The clock is wall time, or with {@code -Dlanes.profile.clock=cpu} the calling thread's CPU time:
 * on a machine shared with other work the wall time of a node mostly measures the scheduler, while
 * the caller's CPU time still measures the kernel (exact with 1 thread; with more it counts only the
 * caller's share).
 */
public final class NodeProfile {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_CLOCK = "cpu".equals(System.getProperty("lanes.profile.clock"))
            && THREADS.isCurrentThreadCpuTimeSupported();

    /** The profiler's clock in nanoseconds: wall time, or the current thread's CPU time (see above). */
    public static long now() {
        return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** "cpu" when {@link #now} reads the thread's CPU time, else "wall". */
    public static String clock() {
        return CPU_CLOCK ? "cpu" : "wall";
    }

    private final AtomicLongArray nanos;
    private final AtomicLongArray calls;

    public NodeProfile(int steps) {
        nanos = new AtomicLongArray(steps);
        calls = new AtomicLongArray(steps);
    }

    public void record(int step, long elapsedNanos) {
        nanos.addAndGet(step, elapsedNanos);
        calls.incrementAndGet(step);
    }

    public long nanos(int step) {
        return nanos.get(step);
    }

    public long calls(int step) {
        return calls.get(step);
    }

    public int steps() {
        return nanos.length();
    }
}
