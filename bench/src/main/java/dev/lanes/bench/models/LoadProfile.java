package dev.lanes.bench.models;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * One session load in this (fresh) JVM, as {@code ModelStartupBench.lanesLoad} measures it, with the
 * CPU time it took besides the wall time — the process's (every thread: the preparing workers, the
 * JIT compilers, GC) and the opening thread's — and the load phases. CPU time varies much less than
 * wall time on a shared machine. Arguments: MODEL [THREADS, default 2].
 */
public final class LoadProfile {
    private LoadProfile() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: LoadProfile MODEL [THREADS]");
            System.exit(2);
        }
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (BenchModel.Prepared prepared = BenchModel.byId(args[0]).prepare()) {
            System.gc();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            ThreadMXBean thread = ManagementFactory.getThreadMXBean();
            long cpu0 = os.getProcessCpuTime(), own0 = thread.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            try (Session s = Session.open(prepared.file(), SessionOptions.defaults().withThreads(threads))) {
                long t1 = System.nanoTime(), cpu1 = os.getProcessCpuTime(), own1 = thread.getCurrentThreadCpuTime();
                System.out.printf(Locale.ROOT, "%s, %d threads: wall %.0f ms, process CPU %.0f ms, opening thread CPU %.0f ms%n",
                        args[0], threads, (t1 - t0) / 1e6, (cpu1 - cpu0) / 1e6, (own1 - own0) / 1e6);
                System.out.print(s.loadTimings().format(4));
            }
        }
    }
}
