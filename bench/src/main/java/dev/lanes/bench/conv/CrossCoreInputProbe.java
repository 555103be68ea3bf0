package dev.lanes.bench.conv;

import dev.lanes.bench.models.SteadyState;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.Layouts;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a 2-thread convolution pays for a map the other core wrote (bench/RESULTS.md, "ResNet-50 at 2 threads, data
 * locality, session 18"). In a model at 2 threads a 1x1 split by weight panels reads the whole input map on both
 * threads, half of it written by the other thread in the node before; this probe times one layer (the operator's own
 * algorithm and split) with the same map prepared in different ways, call by call in turns, so that a change of the
 * VM's state (its 2-thread slow state) hits every way alike. Before every timed call both threads read 64 MB of their
 * own (the weights then come from memory, as in a model whose weights exceed the last-level cache), then the map is
 * written again, by
 * <ul>
 *   <li>{@code caller}: the calling thread only;</li>
 *   <li>{@code worker}: the pool's worker only;</li>
 *   <li>{@code channels}: the caller the first half of each pixel's channels, the worker the second (what a 1x1 split by
 *       weight panels leaves: its first share is the caller's);</li>
 *   <li>{@code rows}: the caller the first half of the pixels, the worker the second (what a split by pixels leaves);</li>
 *   <li>{@code swapped}: as {@code channels} with the halves exchanged;</li>
 *   <li>{@code shared}: as {@code channels}, then both threads read all of it (every line then in both cores' caches, as
 *       a block's input after its first 1x1 read it on both threads).</li>
 * </ul>
 * The map is X; with {@code --over-residual} it is the residual, held in Y and written over (ReLU(conv + Y), a block's
 * last 1x1 in a model: {@link ConvOperator#residualMayBeOutput}), X then written by rows. A setup in which the worker did
 * not take its part is done again. Warms up for {@link SteadyState#SESSION_WARMUP_NANOS} per layer, then prints the
 * min, 25th percentile and median µs of each way. Run it between two state labels (bench/RESULTS.md).
 *
 * <pre>
 * flock /work/measure.lock java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.conv.CrossCoreInputProbe [--over-residual] CALLS LAYER...
 * e.g. CrossCoreInputProbe 150 r50-1x1-1024-256-14 r50-1x1-2048-512-7     (layer3.x and layer4.x conv1)
 *      CrossCoreInputProbe --over-residual 150 r50-1x1-256-1024-14       (layer3.x conv3 over its residual)
 * </pre>
 */
public final class CrossCoreInputProbe {
    private CrossCoreInputProbe() {}

    /** Who writes the map before a call (see the class comment). */
    private enum Writer { CALLER, WORKER, CHANNELS, ROWS, SWAPPED, SHARED }

    private static final long[] EVICTION_CALLER = new long[8 << 20], EVICTION_WORKER = new long[8 << 20];
    private static volatile long sink;
    /** {@code --over-residual}: the writers write the residual, held in Y (ReLU(conv + Y) over Y); X by rows. */
    private static boolean overResidual;

    /** One load per 64-byte line of {@code a}. */
    private static void evict(long[] a) {
        long sum = 0;
        for (int i = 0; i < a.length; i += 8) sum += a[i];
        sink += sum;
    }

    public static void main(String[] args) {
        if (args.length < 2) throw new IllegalArgumentException("usage: CrossCoreInputProbe [--over-residual] CALLS LAYER...");
        overResidual = args[0].equals("--over-residual");
        if (overResidual) args = Arrays.copyOfRange(args, 1, args.length);
        int calls = Integer.parseInt(args[0]);
        try (Parallel p = Parallel.create(2)) {
            for (String name : Arrays.asList(args).subList(1, args.length)) probe(ConvLayers.get(name), calls, p);
        }
    }

    private static void probe(ConvLayers.Layer l, int calls, Parallel p) {
        ConvShape s = l.shape();
        SplittableRandom r = new SplittableRandom(42);
        float[] xNchw = ConvBench.random(r, s.batch() * s.inChannels() * s.inSpatialSize());
        float[] w = ConvBench.random(r, s.outChannels() * s.inChannelsPerGroup() * s.kernelSize());
        float[] b = ConvBench.random(r, s.outChannels());
        float[] src = new float[xNchw.length], x = new float[xNchw.length], y = new float[s.batch() * s.outChannels() * s.outSpatialSize()];
        Layouts.toNhwc(xNchw, 0, s.batch(), s.inChannels(), s.inSpatialSize(), src, 0, Parallel.callerOnly());
        float[] ySrc = ConvBench.random(r, y.length);
        ConvOperator op = ConvOperator.prepare(s, w, 0, b, 0, overResidual ? Activation.RELU : l.activation());
        if (overResidual && !op.residualMayBeOutput()) throw new IllegalArgumentException(op + " cannot write Y over its residual");
        int inPixels = s.batch() * s.inSpatialSize(), outPixels = s.batch() * s.outSpatialSize(), c = s.inChannels(), m = s.outChannels();
        Writer[] writers = Writer.values();
        double[][] t = new double[writers.length][calls];
        Thread caller = Thread.currentThread();
        long warmUntil = System.nanoTime() + SteadyState.SESSION_WARMUP_NANOS;
        for (int i = -1; i < calls; i++) {
            boolean warming = i < 0;
            for (int k = 0; k < writers.length; k++) {
                Writer wr = writers[k];
                // both threads evict, then the writers write; again whenever the worker did not take its part
                while (!onBoth(p, caller, () -> evict(EVICTION_CALLER), () -> evict(EVICTION_WORKER))) { }
                // the map the writers prepare: X, or with --over-residual the residual in Y (X then by rows)
                float[] from = overResidual ? ySrc : src, to = overResidual ? y : x;
                int pixels = overResidual ? outPixels : inPixels, channels = overResidual ? m : c;
                if (overResidual) {
                    while (!onBoth(p, caller, () -> write(src, x, Writer.ROWS, true, inPixels, c), () -> write(src, x, Writer.ROWS, false, inPixels, c))) { }
                }
                while (!onBoth(p, caller, () -> write(from, to, wr, true, pixels, channels), () -> write(from, to, wr, false, pixels, channels))) { }
                if (wr == Writer.SHARED) {
                    while (!onBoth(p, caller, () -> read(to), () -> read(to))) { }
                }
                long t0 = System.nanoTime();
                if (overResidual) op.runNhwc(x, 0, y, 0, y, 0, p);
                else op.runNhwc(x, 0, y, 0, p);
                if (!warming) t[k][i] = (System.nanoTime() - t0) / 1e3;
            }
            if (warming && System.nanoTime() < warmUntil) i = -2;
        }
        for (int k = 0; k < writers.length; k++) {
            double[] v = t[k].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "%-24s %-18s%s %-9s min %7.1f  p25 %7.1f  median %7.1f us%n", l.name(), op.algorithm(), overResidual ? " +Y" : "",
                    writers[k].name().toLowerCase(Locale.ROOT), v[0], v[calls / 4], v[calls / 2]);
        }
    }

    /** One load per 64-byte line of {@code a}. */
    private static void read(float[] a) {
        float sum = 0;
        for (int i = 0; i < a.length; i += 16) sum += a[i];
        sink += (long) sum;
    }

    /** The caller's part of {@code x} (pixels × c, NHWC) for {@code wr}, or the worker's, copied from {@code src}. */
    private static void write(float[] src, float[] x, Writer wr, boolean callerPart, int pixels, int c) {
        switch (wr) {
            case CALLER -> { if (callerPart) System.arraycopy(src, 0, x, 0, x.length); }
            case WORKER -> { if (!callerPart) System.arraycopy(src, 0, x, 0, x.length); }
            case ROWS -> {
                int half = pixels / 2 * c;
                if (callerPart) System.arraycopy(src, 0, x, 0, half);
                else System.arraycopy(src, half, x, half, x.length - half);
            }
            case CHANNELS, SHARED -> {
                int c0 = callerPart ? 0 : c / 2, n = callerPart ? c / 2 : c - c / 2;
                for (int q = 0; q < pixels; q++) System.arraycopy(src, q * c + c0, x, q * c + c0, n);
            }
            case SWAPPED -> {
                int c0 = callerPart ? c / 2 : 0, n = callerPart ? c - c / 2 : c / 2;
                for (int q = 0; q < pixels; q++) System.arraycopy(src, q * c + c0, x, q * c + c0, n);
            }
        }
    }

    /**
     * Runs {@code callerPart} on the calling thread and {@code workerPart} on the pool's worker, in one 2-share call (the
     * caller waits up to 5 ms for the worker to start, so that it does not claim the worker's share itself). False when
     * the worker's part ran on the caller.
     */
    private static boolean onBoth(Parallel p, Thread caller, Runnable callerPart, Runnable workerPart) {
        AtomicBoolean started = new AtomicBoolean(), workerRan = new AtomicBoolean();
        p.forRange(2, 1, 2, (s0, s1) -> {
            if (Thread.currentThread() == caller) {
                callerPart.run();
                long until = System.nanoTime() + 5_000_000;
                while (!started.get() && System.nanoTime() < until) Thread.onSpinWait();
            } else {
                started.set(true);
                workerPart.run();
                workerRan.set(true);
            }
        });
        return workerRan.get();
    }
}
