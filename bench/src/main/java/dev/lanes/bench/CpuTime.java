package dev.lanes.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time of the benchmark thread per call, reported by JMH next to the throughput
 * ({@code cpuNanos / calls}; read by {@code ConvReport} and {@code GemmReport}). On this shared 2-core machine other jobs often
 * hold the cores, so wall-clock throughput understates a kernel; the thread's own CPU time does not.
 * It measures all the work only when all of it runs on the calling thread: Lanes at 1 thread, and
 * ONNX Runtime with 1 intra-op thread (it then runs on the caller too). At 2 threads use the
 * throughput.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public long cpuNanos;
    public long calls;
    private long start;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        calls = 0;
    }

    public void begin() {
        start = MX.getCurrentThreadCpuTime();
    }

    public void end() {
        cpuNanos += MX.getCurrentThreadCpuTime() - start;
        calls++;
    }
}
