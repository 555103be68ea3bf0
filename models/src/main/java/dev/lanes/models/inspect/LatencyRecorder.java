package dev.lanes.models.inspect;

import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Times repeated runs of one task: a warm-up (so that C2 has compiled the kernels), then {@code runs}
 * timed runs into an HdrHistogram with microsecond resolution, reporting progress after each run.
 *
 * <p>The warm-up can be bounded by time as well as by runs: a model of a millisecond needs a few
 * seconds of calls before C2 has compiled its kernels (20 runs of the PaddleOCR classifier left the
 * p50 at 5 ms against 1.2 ms once warm). It can also wait for the JIT to go quiet ({@link Warmup#jitQuietNanos}):
 * ResNet-50 on one core is still being compiled ~20 s after its first run, 10-25 % slower until then.
 */
public final class LatencyRecorder {
    private LatencyRecorder() {}

    /**
     * Latency figures in milliseconds.
     *
     * @param firstMillis   the very first run (cold: interpreter, class loading)
     * @param warmupRuns    runs before the timed ones, the first included
     * @param warmupSeconds wall time of those runs
     * @param steady        false when the warm-up waited for a quiet JIT and gave up at its limit
     */
    public record Latency(int runs, double firstMillis, double meanMillis, double p50, double p90, double p99, double max, double min,
                          int warmupRuns, double warmupSeconds, boolean steady) {}

    /**
     * When the warm-up ends: after at least {@code minRuns} runs and {@code minNanos} (the first run included in both),
     * and, when {@code jitQuietNanos > 0}, once a window of that length passed with the JIT compilers busy for at most
     * 5 % of it, but never later than {@code maxNanos} (then the figures are marked not steady).
     */
    public record Warmup(int minRuns, long minNanos, long jitQuietNanos, long maxNanos) {
        public Warmup {
            if (minRuns < 0 || minNanos < 0 || jitQuietNanos < 0 || maxNanos < minNanos) {
                throw new IllegalArgumentException("need warm-up runs >= 0, times >= 0 and a limit at least the least time, got "
                        + minRuns + " runs, " + minNanos + " / " + jitQuietNanos + " / " + maxNanos + " ns");
            }
        }

        /** At least {@code minRuns} runs and {@code minNanos}, not waiting for the JIT. */
        public static Warmup fixed(int minRuns, long minNanos) {
            return new Warmup(minRuns, minNanos, 0, minNanos);
        }
    }

    /**
     * @param progress told the number of finished runs (warm-up and timed together), for a progress bar
     */
    public static Latency measure(Runnable task, int warmup, int runs, IntConsumer progress) {
        return measure(task, Warmup.fixed(warmup, 0), runs, progress);
    }

    /**
     * As {@link #measure(Runnable, int, int, IntConsumer)} with a warm-up of at least {@code warmup}
     * runs <em>and</em> at least {@code warmupNanos} (the first run included in both).
     */
    public static Latency measure(Runnable task, int warmup, long warmupNanos, int runs, IntConsumer progress) {
        return measure(task, Warmup.fixed(warmup, warmupNanos), runs, progress);
    }

    /**
     * Times {@code runs} runs after the given warm-up.
     *
     * @param progress told the progress in units of runs, the warm-up counting as {@code max(minRuns, 1)}
     *                 of them (its share grows with whichever of runs and least time is further behind)
     */
    public static Latency measure(Runnable task, Warmup warmup, int runs, IntConsumer progress) {
        if (runs < 1) throw new IllegalArgumentException("need runs >= 1, got " + runs);
        long t0 = System.nanoTime();
        task.run();
        double first = (System.nanoTime() - t0) / 1e6;
        JitActivity jit = new JitActivity(System.nanoTime());
        int done = Math.max(warmup.minRuns(), 1), warmed = 1;
        boolean steady = true;
        while (true) {
            long now = System.nanoTime(), elapsed = now - t0;
            double byRuns = (double) warmed / done, byTime = warmup.minNanos() == 0 ? 1 : (double) elapsed / warmup.minNanos();
            progress.accept((int) Math.min(done - 1, Math.floor(done * Math.min(byRuns, byTime))));
            boolean jitDone = warmup.jitQuietNanos() == 0 || jit.quietWindowEnded(now, warmup.jitQuietNanos());
            if (warmed >= warmup.minRuns() && elapsed >= warmup.minNanos() && jitDone) break;
            if (warmup.jitQuietNanos() > 0 && elapsed >= warmup.maxNanos() && warmed >= warmup.minRuns()) {
                steady = false;
                break;
            }
            task.run();
            warmed++;
        }
        double warmupSeconds = (System.nanoTime() - t0) / 1e9;
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
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getMinValue() / 1e3, warmed, warmupSeconds, steady);
    }
}
