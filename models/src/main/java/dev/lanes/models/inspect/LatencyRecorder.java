package dev.lanes.models.inspect;

import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Times repeated runs of one task: a warm-up (so that C2 has compiled the kernels), then {@code runs}
 * timed runs into an HdrHistogram with microsecond resolution, reporting progress after each run.
 */
public final class LatencyRecorder {
    private LatencyRecorder() {}

    /**
     * Latency figures in milliseconds.
     *
     * @param firstMillis the very first run (cold: interpreter, class loading)
     */
    public record Latency(int runs, double firstMillis, double meanMillis, double p50, double p90, double p99, double max, double min) {}

    /**
     * @param progress told the number of finished runs (warm-up and timed together), for a progress bar
     */
    public static Latency measure(Runnable task, int warmup, int runs, IntConsumer progress) {
        if (warmup < 0 || runs < 1) throw new IllegalArgumentException("need warmup >= 0 and runs >= 1, got " + warmup + " and " + runs);
        long t0 = System.nanoTime();
        task.run();
        double first = (System.nanoTime() - t0) / 1e6;
        progress.accept(1);
        for (int i = 1; i < warmup; i++) {
            task.run();
            progress.accept(i + 1);
        }
        int done = Math.max(warmup, 1);
        // up to an hour at microsecond resolution, 3 significant digits
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            task.run();
            h.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
            progress.accept(done + i + 1);
        }
        return new Latency(runs, first, h.getMean() / 1e3, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getMinValue() / 1e3);
    }
}
