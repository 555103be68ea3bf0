package dev.lanes.models.inspect;

import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Times repeated runs of one task: a warm-up (so that C2 has compiled the kernels), then {@code runs}
 * timed runs into an HdrHistogram with microsecond resolution, reporting progress after each run.
 *
 * <p>The warm-up can be bounded by time as well as by runs: a model of a millisecond needs a few
 * seconds of calls before C2 has compiled its kernels (20 runs of the PaddleOCR classifier left the
 * p50 at 5 ms against 1.2 ms once warm).
 */
public final class LatencyRecorder {
    private LatencyRecorder() {}

    /**
     * Latency figures in milliseconds.
     *
     * @param firstMillis the very first run (cold: interpreter, class loading)
     * @param warmupRuns  runs before the timed ones, the first included
     */
    public record Latency(int runs, double firstMillis, double meanMillis, double p50, double p90, double p99, double max, double min,
                          int warmupRuns) {}

    /**
     * @param progress told the number of finished runs (warm-up and timed together), for a progress bar
     */
    public static Latency measure(Runnable task, int warmup, int runs, IntConsumer progress) {
        return measure(task, warmup, 0, runs, progress);
    }

    /**
     * As {@link #measure(Runnable, int, int, IntConsumer)} with a warm-up of at least {@code warmup}
     * runs <em>and</em> at least {@code warmupNanos} (the first run included in both).
     *
     * @param progress told the progress in units of runs, the warm-up counting as {@code max(warmup, 1)}
     *                 of them (its share grows with whichever of runs and time is further behind)
     */
    public static Latency measure(Runnable task, int warmup, long warmupNanos, int runs, IntConsumer progress) {
        if (warmup < 0 || runs < 1 || warmupNanos < 0) {
            throw new IllegalArgumentException("need warmup >= 0, warm-up time >= 0 and runs >= 1, got " + warmup + ", " + warmupNanos
                    + " ns and " + runs);
        }
        long t0 = System.nanoTime();
        task.run();
        double first = (System.nanoTime() - t0) / 1e6;
        int done = Math.max(warmup, 1), warmed = 1;
        while (true) {
            long elapsed = System.nanoTime() - t0;
            double byRuns = (double) warmed / done, byTime = warmupNanos == 0 ? 1 : (double) elapsed / warmupNanos;
            progress.accept((int) Math.min(done, Math.floor(done * Math.min(byRuns, byTime))));
            if (warmed >= warmup && elapsed >= warmupNanos) break;
            task.run();
            warmed++;
        }
        progress.accept(done);
        // up to an hour at microsecond resolution, 3 significant digits
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            task.run();
            h.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
            progress.accept(done + i + 1);
        }
        return new Latency(runs, first, h.getMean() / 1e3, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getMinValue() / 1e3, warmed);
    }
}
