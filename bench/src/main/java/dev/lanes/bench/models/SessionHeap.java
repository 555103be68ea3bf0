package dev.lanes.bench.models;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * The Java heap an open session retains, next to the bytes of the model's initializers: used heap
 * after {@code System.gc()} before opening, after opening, and after a first run (the retained size,
 * not the peak; a session should hold each weight about once). Also the wall time of the open and of
 * the first run. Arguments: MODEL [THREADS, default 1]. Run with a fixed heap
 * ({@code -Xms -Xmx}) so that the figures are comparable.
 */
public final class SessionHeap {
    private SessionHeap() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SessionHeap MODEL [THREADS]");
            System.exit(2);
        }
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (BenchModel.Prepared prepared = BenchModel.byId(args[0]).prepare()) {
            long before = usedAfterGc();
            long t0 = System.nanoTime();
            try (Session s = Session.open(prepared.file(), SessionOptions.defaults().withThreads(threads))) {
                long t1 = System.nanoTime();
                long opened = usedAfterGc();
                long t2 = System.nanoTime();
                s.run(prepared.inputs());
                long t3 = System.nanoTime();
                long ran = usedAfterGc();
                long weights = 0;
                for (Tensor t : s.model().graph().initializers().values()) {
                    weights += (long) t.size() * t.dtype().byteSize();
                }
                System.out.printf(Locale.ROOT, "%s: initializers %.1f MB; session retains %.1f MB after open, %.1f MB after a run"
                                + " (%.2fx, %.2fx the initializers); open %.0f ms, first run %.0f ms%n",
                        args[0], weights / 1e6, (opened - before) / 1e6, (ran - before) / 1e6,
                        (opened - before) / (double) weights, (ran - before) / (double) weights, (t1 - t0) / 1e6, (t3 - t2) / 1e6);
                System.out.println("  weights held by the session: " + s.weightMemory().describe());
                if (Boolean.getBoolean("lanes.heap.list")) {
                    s.plan().graph().initializers().forEach((name, t) -> {
                        if (t.holdsValues() && t.size() > 100_000) {
                            System.out.println("  raw " + name + " " + java.util.Arrays.toString(t.shape()));
                        }
                    });
                }
            }
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return heap.getHeapMemoryUsage().getUsed();
    }
}
