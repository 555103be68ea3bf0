package dev.lanes.bench.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Arrays;
import java.util.Locale;

/**
 * Lanes and ONNX Runtime compared block by block in one JVM: both engines open on the same model and input, then run
 * in alternating blocks of runs (Lanes first in even blocks, ONNX Runtime first in odd ones), every run timed. On this
 * shared VM a model's time moves by 5–20 % from minute to minute (the 2-thread slow state of bench/RESULTS.md, other
 * processes), so two JMH forks minutes apart can disagree by more than the engines do; blocks a second apart see the
 * same machine. Prints each engine's mean and percentiles over all its runs, the ratio of each block pair's medians,
 * and the ratios of the means and of the medians.
 *
 * <p>Both engines' thread pools keep spinning for a while after a call (Lanes' workers 200 µs, ONNX Runtime's longer:
 * with 5 ms between blocks its spinning threads slowed the following Lanes block by ~12 % at 2 threads), so the blocks
 * are separated by a pause, {@code -Dlanes.alternation.pause=MS} (default 200). Warm-up: alternating blocks for
 * twice {@link SteadyState#SESSION_WARMUP_NANOS} (Lanes runs half of the time).
 * JMH ({@link ModelBench}) stays the benchmark of record; this is for rows near 1.0×.
 *
 * <pre>
 * flock /work/measure.lock java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     --sun-misc-unsafe-memory-access=allow -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.models.EngineAlternation MODEL THREADS BLOCKS RUNS_PER_BLOCK
 * </pre>
 * (pin 1-thread runs with {@code taskset -c 0}).
 */
public final class EngineAlternation {
    private static final String[] NAMES = {"Lanes", "ONNX Runtime"};

    private EngineAlternation() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) throw new IllegalArgumentException("usage: EngineAlternation MODEL THREADS BLOCKS RUNS_PER_BLOCK");
        String model = args[0];
        int threads = Integer.parseInt(args[1]), blocks = Integer.parseInt(args[2]), perBlock = Integer.parseInt(args[3]);
        if (threads < 1 || blocks < 2 || perBlock < 1) {
            throw new IllegalArgumentException("EngineAlternation needs THREADS >= 1, BLOCKS >= 2, RUNS_PER_BLOCK >= 1");
        }
        long pauseMillis = Long.getLong("lanes.alternation.pause", 200);
        long[][] times = new long[2][blocks * perBlock];
        long[][] starts = new long[2][blocks * perBlock];
        try (Engines engines = new Engines(model, threads)) {
            engines.openLanes();
            engines.openOnnxRuntime();
            long until = System.nanoTime() + SteadyState.warmupNanos(2);
            long[] scratch = new long[perBlock], scratchStarts = new long[perBlock];
            for (int b = 0; System.nanoTime() < until; b++) {
                for (int e : order(b)) block(engines, e, scratch, scratchStarts, 0, perBlock, pauseMillis);
            }
            for (int b = 0; b < blocks; b++) {
                for (int e : order(b)) block(engines, e, times[e], starts[e], b * perBlock, perBlock, pauseMillis);
            }
        }
        report(model, threads, blocks, perBlock, pauseMillis, times);
        String dump = System.getProperty("lanes.alternation.dump");
        if (dump != null) dump(Path.of(dump), blocks, perBlock, times, starts);
    }

    /**
     * Every timed run, one line each ({@code block run-in-block engine ms start}), for where the slow runs fall:
     * {@code -Dlanes.alternation.dump=FILE}. The start is in ms since the JVM started, the clock of
     * {@code -XX:+PrintCompilation} and {@code -Xlog}, so slow runs can be set beside compilations and pauses.
     */
    private static void dump(Path file, int blocks, int perBlock, long[][] times, long[][] starts) {
        long uptimeNanos = ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L, now = System.nanoTime();
        StringBuilder out = new StringBuilder("block run engine ms start\n");
        for (int b = 0; b < blocks; b++) {
            for (int e : order(b)) {
                for (int r = 0; r < perBlock; r++) {
                    int i = b * perBlock + r;
                    out.append(String.format(Locale.ROOT, "%d %d %s %.3f %.1f%n", b, r, e == 0 ? "lanes" : "ort", times[e][i] / 1e6,
                            (uptimeNanos - (now - starts[e][i])) / 1e6));
                }
            }
        }
        try {
            Files.writeString(file, out);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the run times to " + file, ex);
        }
    }

    /** Lanes first in even blocks, ONNX Runtime first in odd ones, so neither always follows the other. */
    private static int[] order(int block) {
        return block % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
    }

    /** One block: {@code runs} runs timed into {@code into[from..]}, after the pause that lets the other's threads settle. */
    private static void block(Engines engines, int engine, long[] into, long[] startsInto, int from, int runs, long pauseMillis)
            throws InterruptedException {
        Thread.sleep(pauseMillis);
        for (int i = from; i < from + runs; i++) {
            long t0 = System.nanoTime();
            startsInto[i] = t0;
            if (engine == 0) engines.runLanes();
            else engines.runOnnxRuntime();
            into[i] = System.nanoTime() - t0;
        }
    }

    private static void report(String model, int threads, int blocks, int perBlock, long pauseMillis, long[][] times) {
        System.out.printf(Locale.ROOT, "%s, %d thread(s), %d blocks of %d runs per engine, %d ms between blocks; ms%n",
                model, threads, blocks, perBlock, pauseMillis);
        System.out.println("| engine | mean | min | p10 | p50 | p90 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        double[] mean = new double[2], median = new double[2];
        for (int e = 0; e < 2; e++) {
            long[] v = times[e].clone();
            Arrays.sort(v);
            mean[e] = NodeSamples.mean(v) / 1e6;
            median[e] = NodeSamples.median(v) / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", NAMES[e], mean[e], v[0] / 1e6,
                    NodeSamples.percentile(v, 10) / 1e6, median[e], NodeSamples.percentile(v, 90) / 1e6,
                    NodeSamples.percentile(v, 99) / 1e6, v[v.length - 1] / 1e6);
        }
        StringBuilder pairs = new StringBuilder("block median ratios, Lanes / ONNX Runtime:");
        int notAbove = 0;
        for (int b = 0; b < blocks; b++) {
            double ratio = blockMedian(times[0], b, perBlock) / blockMedian(times[1], b, perBlock);
            if (ratio <= 1.0) notAbove++;
            pairs.append(String.format(Locale.ROOT, " %.3f", ratio));
        }
        System.out.println(pairs);
        System.out.printf(Locale.ROOT, "Lanes / ONNX Runtime: mean %.3f, median %.3f; %d of %d blocks at or below 1.0%n",
                mean[0] / mean[1], median[0] / median[1], notAbove, blocks);
    }

    /** The median of one block's runs in ms, as {@link NodeSamples#median} takes it (and the overall median above). */
    static double blockMedian(long[] times, int block, int perBlock) {
        return NodeSamples.median(Arrays.copyOfRange(times, block * perBlock, (block + 1) * perBlock)) / 1e6;
    }
}
