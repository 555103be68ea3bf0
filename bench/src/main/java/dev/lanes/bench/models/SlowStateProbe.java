package dev.lanes.bench.models;

import dev.lanes.graph.NodeTiming;
import dev.lanes.graph.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Which resource of the core a slow minute takes away, and whose runs it slows more. On this shared VM both engines'
 * 1-thread times move by ~15–20 % for seconds to minutes at a time, Lanes' a little more than ONNX Runtime's
 * (bench/RESULTS.md, "MobileNetV2 at 1 thread, session 17"). Every round runs four sensors on the calling thread, then
 * one run of each engine (Lanes first in even rounds):
 * <ul>
 * <li><b>clock</b>: one dependent chain of integer multiply-adds (the core's clock);
 * <li><b>compute</b>: 8 independent chains of vector FMAs in registers, no memory (clock, or a busy sibling hyperthread
 * sharing the FMA units; C2 has been seen to recompile this loop into one twice as slow mid-run, so read it by segment);
 * <li><b>L2</b>: a dependent random walk over 512 KB, one load per 64-byte line: L2-sized, but the engines' runs between
 * rounds evict it, so it reads the latency of L3 (and of a sibling hyperthread's traffic in L2);
 * <li><b>memory</b>: the same over 64 MB (DRAM latency and the page walks, what other tenants' traffic changes).
 * </ul>
 * Rounds are then ranked by each sensor, and the Lanes / ONNX Runtime ratio of the medians is printed per third: if it
 * rises in the rounds where a sensor reads slow, that resource is what Lanes leans on more. Warm-up:
 * {@link SteadyState#warmupNanos}(2) of rounds, as {@link EngineAlternation}. {@code -Dlanes.probe.dump=FILE} writes every
 * round ({@code round computeNs l2Ns memNs lanesMs ortMs clockNs}). With {@code -Dlanes.probe.nodes=true} the Lanes session runs with
 * its node profiler, and each Lanes node's median in the third of the rounds whose L2 sensor reads slowest is set beside its median in
 * those where it reads fast (which nodes the slow state slows).
 *
 * <pre>
 * flock /work/measure.lock taskset -c 0 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     --sun-misc-unsafe-memory-access=allow -cp bench/target/benchmarks.jar dev.lanes.bench.models.SlowStateProbe MODEL SECONDS
 * </pre>
 */
public final class SlowStateProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int FMA_STEPS = 50_000, L2_STEPS = 20_000, MEM_STEPS = 2_000, CLOCK_STEPS = 50_000;
    /** The clock chain's value, carried from round to round so that C2 cannot drop it. */
    private static long clockAt = 1;
    /** Keeps the sensors' results live. */
    private static float sinkF;
    /** Where each walk stopped: the next round goes on from there, over lines it has not just loaded. */
    private static int l2At, memAt;

    private SlowStateProbe() {}

    public static void main(String[] args) {
        if (args.length != 2) throw new IllegalArgumentException("usage: SlowStateProbe MODEL SECONDS");
        String model = args[0];
        long seconds = Long.parseLong(args[1]);
        if (seconds < 1) throw new IllegalArgumentException("SlowStateProbe needs SECONDS >= 1");
        int[] l2 = walk(512 << 10, 1), mem = walk(64 << 20, 2);
        boolean nodes = Boolean.getBoolean("lanes.probe.nodes");
        int capacity = 1 << 16;
        double[][] rounds = new double[capacity][];
        Map<String, long[]> perNode = new LinkedHashMap<>();
        int n = 0;
        try (Engines engines = new Engines(model, 1)) {
            Session lanes = engines.openLanes(nodes);
            engines.openOnnxRuntime();
            long until = System.nanoTime() + SteadyState.warmupNanos(2);
            for (int r = 0; System.nanoTime() < until; r++) round(engines, r, l2, mem);
            Map<String, Long> last = new HashMap<>();
            if (nodes) for (NodeTiming t : lanes.profile()) last.put(t.node(), t.totalNanos());
            until = System.nanoTime() + seconds * 1_000_000_000L;
            for (; System.nanoTime() < until && n < rounds.length; n++) {
                rounds[n] = round(engines, n, l2, mem);
                if (!nodes) continue;
                for (NodeTiming t : lanes.profile()) {
                    perNode.computeIfAbsent(t.node(), k -> new long[capacity])[n] = t.totalNanos() - last.getOrDefault(t.node(), 0L);
                    last.put(t.node(), t.totalNanos());
                }
            }
        }
        double[][] done = Arrays.copyOf(rounds, n);
        report(model, done);
        if (nodes) reportNodes(done, perNode);
        String dump = System.getProperty("lanes.probe.dump");
        if (dump != null) dump(Path.of(dump), done);
    }

    /** One round: the four sensors (ns per step), then each engine once (ms), Lanes first in even rounds. */
    private static double[] round(Engines engines, int r, int[] l2, int[] mem) {
        double[] v = new double[6];
        long c0 = System.nanoTime();
        clockAt = clockChain(clockAt, CLOCK_STEPS);
        v[5] = (System.nanoTime() - c0) / (double) CLOCK_STEPS;
        long t0 = System.nanoTime();
        sinkF += fmaChains(FMA_STEPS);
        long t1 = System.nanoTime();
        l2At = chase(l2, l2At, L2_STEPS);
        long t2 = System.nanoTime();
        memAt = chase(mem, memAt, MEM_STEPS);
        long t3 = System.nanoTime();
        v[0] = (t1 - t0) / (double) FMA_STEPS;
        v[1] = (t2 - t1) / (double) L2_STEPS;
        v[2] = (t3 - t2) / (double) MEM_STEPS;
        for (int k = 0; k < 2; k++) {
            boolean lanes = (k == 0) == (r % 2 == 0);
            long s = System.nanoTime();
            if (lanes) engines.runLanes();
            else engines.runOnnxRuntime();
            v[lanes ? 3 : 4] = (System.nanoTime() - s) / 1e6;
        }
        return v;
    }

    /**
     * One dependent chain of integer multiply-adds: each step waits for the last (a few cycles), so its time per step
     * follows the core's clock, and neither memory nor a sibling hyperthread's use of the vector units moves it much.
     */
    private static long clockChain(long x, int steps) {
        for (int i = 0; i < steps; i++) x = x * 0x9E3779B97F4A7C15L + i;
        return x;
    }

    /** Eight independent FMA chains in registers: each step is 8 vector FMAs that no load feeds. */
    private static float fmaChains(int steps) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), c = FloatVector.broadcast(S, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0.add(c), a2 = a1.add(c), a3 = a2.add(c);
        FloatVector a4 = a3.add(c), a5 = a4.add(c), a6 = a5.add(c), a7 = a6.add(c);
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** A random cyclic walk over {@code bytes}, one int per 64-byte line: {@code next[i]} is the index of the next line's int. */
    private static int[] walk(int bytes, long seed) {
        int lines = bytes / 64, stride = 16;
        int[] order = new int[lines];
        for (int i = 0; i < lines; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = lines - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] next = new int[lines * stride];
        for (int i = 0; i < lines; i++) next[order[i] * stride] = order[(i + 1) % lines] * stride;
        return next;
    }

    /** {@code steps} dependent loads along the walk from index {@code from}; returns where it stopped. */
    private static int chase(int[] next, int from, int steps) {
        int p = from;
        for (int i = 0; i < steps; i++) p = next[p];
        return p;
    }

    private static void report(String model, double[][] rounds) {
        System.out.printf(Locale.ROOT, "%s, 1 thread, %d rounds (sensors, then each engine once)%n", model, rounds.length);
        System.out.printf(Locale.ROOT, "medians: clock %.3f ns/step, compute %.2f ns/step, L2 %.2f ns/load, memory %.1f ns/load, Lanes %.3f ms, ORT %.3f ms, Lanes / ORT %.3f%n",
                median(rounds, 5), median(rounds, 0), median(rounds, 1), median(rounds, 2), median(rounds, 3), median(rounds, 4),
                median(rounds, 3) / median(rounds, 4));
        System.out.println("| ranked by | third | sensor median | Lanes median ms | ORT median ms | Lanes / ORT |");
        System.out.println("|---|---|---|---|---|---|");
        String[] names = {"clock", "compute", "L2", "memory", "ORT run"};
        int[] columns = {5, 0, 1, 2, 4};
        for (int s = 0; s < names.length; s++) {
            int col = columns[s];
            double[][] sorted = rounds.clone();
            Arrays.sort(sorted, Comparator.comparingDouble(v -> v[col]));
            int third = sorted.length / 3;
            for (int t = 0; t < 3; t++) {
                double[][] part = Arrays.copyOfRange(sorted, t * third, t == 2 ? sorted.length : (t + 1) * third);
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.3f | %.3f | %.3f |%n", names[s], t == 0 ? "fast" : t == 1 ? "middle" : "slow",
                        median(part, col), median(part, 3), median(part, 4), median(part, 3) / median(part, 4));
            }
        }
    }

    /** Each Lanes node's median over the rounds in the fast and in the slow third by the L2 sensor. */
    private static void reportNodes(double[][] rounds, Map<String, long[]> perNode) {
        Integer[] order = new Integer[rounds.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> rounds[i][1]));
        int third = order.length / 3;
        System.out.println("| Lanes node | median ms, L2 sensor fast third | slow third | slow / fast | slow − fast ms |");
        System.out.println("|---|---|---|---|---|");
        double sumFast = 0, sumSlow = 0;
        for (Map.Entry<String, long[]> e : perNode.entrySet()) {
            double[] fast = new double[third], slow = new double[third];
            for (int k = 0; k < third; k++) {
                fast[k] = e.getValue()[order[k]] / 1e6;
                slow[k] = e.getValue()[order[order.length - third + k]] / 1e6;
            }
            Arrays.sort(fast);
            Arrays.sort(slow);
            double f = fast[third / 2], s = slow[third / 2];
            sumFast += f;
            sumSlow += s;
            String name = e.getKey().length() > 60 ? e.getKey().substring(0, 57) + "..." : e.getKey();
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2f | %+.3f |%n", name, f, s, s / f, s - f);
        }
        System.out.printf(Locale.ROOT, "| sum of node medians | %.3f | %.3f | %.2f | %+.3f |%n", sumFast, sumSlow, sumSlow / sumFast, sumSlow - sumFast);
    }

    private static double median(double[][] rows, int col) {
        double[] v = new double[rows.length];
        for (int i = 0; i < rows.length; i++) v[i] = rows[i][col];
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void dump(Path file, double[][] rounds) {
        StringBuilder out = new StringBuilder("round computeNs l2Ns memNs lanesMs ortMs clockNs\n");
        for (int i = 0; i < rounds.length; i++) {
            double[] v = rounds[i];
            out.append(String.format(Locale.ROOT, "%d %.3f %.3f %.1f %.3f %.3f %.4f%n", i, v[0], v[1], v[2], v[3], v[4], v[5]));
        }
        try {
            Files.writeString(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rounds to " + file, e);
        }
    }
}
