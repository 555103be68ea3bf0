package dev.lanes.bench.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.InvertedResidualOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.bench.models.SteadyState;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick look (not a published figure) at MobileNetV2's early inverted-residual blocks as one fused node
 * ({@link InvertedResidualOperator}, seeded random weights, ReLU6 after the expand and the depthwise), and at single 1x1
 * convolutions on small maps whose output stays in L1 ({@code pw:CIN:COUT:HW[:relu6|none|res]}: the kernel's own speed,
 * repeated to about 200 K pixels per timed call). Prints the minimum wall time per call; compare builds by alternating
 * jars, pinned to one core.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.lanes.bench.conv.BlockProbe THREADS CALLS f1|pp|f2|f3|f4|f5|f12|f14|f15|f17|pw:16:96:12...
 * </pre>
 * The fused blocks run {@code -Dlanes.probe.warmupMillis} (default 25 000: {@link SteadyState}) before they are timed.
 * {@code -Dlanes.probe.cold=true} evicts the caches (a 32 MB pass) before each timed call, as a model's other layers do.
 * {@code -Dlanes.probe.stripRows=N} sets the fused blocks' depthwise rows per strip (default 0: the kernel's L2 budget).
 * <pre>
 * </pre>
 */
public final class BlockProbe {
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]), calls = Integer.parseInt(args[1]);
        for (String b : Arrays.asList(args).subList(2, args.length)) {
            if (b.startsWith("pw:")) {
                String[] f = b.split(":");
                pw(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), f.length > 4 ? f[4] : "relu6", threads, calls);
                continue;
            }
            switch (b) {
                case "f1" -> stem(threads, calls);
                case "pp" -> ppocrStem(threads, calls);
                case "f2" -> probe(b, 16, 96, 24, 112, 2, false, threads, calls);
                case "f3" -> probe(b, 24, 144, 24, 56, 1, true, threads, calls);
                case "f4" -> probe(b, 24, 144, 32, 56, 2, false, threads, calls);
                case "f5" -> probe(b, 32, 192, 32, 28, 1, true, threads, calls);
                case "f12" -> probe(b, 96, 576, 96, 14, 1, true, threads, calls);
                case "f14" -> probe(b, 96, 576, 160, 14, 2, false, threads, calls);
                case "f15" -> probe(b, 160, 960, 160, 7, 1, true, threads, calls);
                case "f17" -> probe(b, 160, 960, 320, 7, 1, false, threads, calls);
                default -> throw new IllegalArgumentException(b);
            }
        }
    }

    /** A 1x1 conv alone, cin→cout on an hw×hw map, repeated in a loop (hw small: in L1). */
    static void pw(int cin, int cout, int hw, String act, int threads, int calls) {
        SplittableRandom r = new SplittableRandom(7);
        ConvShape es = ConvLayers.conv(cin, cout, hw, 1, 1, 1);
        Activation a = act.equals("relu6") ? Activation.RELU6 : act.equals("res") ? Activation.NONE : Activation.NONE;
        ConvOperator e = ConvOperator.prepare(es, ConvBench.random(r, cout * cin), 0, ConvBench.random(r, cout), 0, a);
        float[] x = ConvBench.random(r, cin * hw * hw), y = new float[cout * hw * hw], res = act.equals("res") ? ConvBench.random(r, y.length) : null;
        int reps = Math.max(1, 200_000 / (hw * hw));
        try (Parallel par = Parallel.create(threads)) {
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < calls; i++) {
                    long t0 = System.nanoTime();
                    for (int k = 0; k < reps; k++) {
                        if (res != null) e.runNhwc(x, 0, y, 0, res, 0, par);
                        else e.runNhwc(x, 0, y, 0, par);
                    }
                    best = Math.min(best, (System.nanoTime() - t0) / 1e3 / reps);
                }
            }
            System.out.printf(Locale.ROOT, "pw %d->%d at %d^2 %s: min %.2f us per call, %.1f GFLOP/s, %.1f us per 112^2-equivalent%n", cin, cout, hw, act,
                    best, es.flops() / best / 1e3, best * 112 * 112 / (hw * hw));
        }
    }

    /**
     * MobileNetV2's stem block (features.0+1): the stem 3→32 3x3 stride 2 on a 224² NCHW image (ReLU6), the depthwise
     * 3x3 on 32 channels at 112² (ReLU6) and the 32→16 projection, fused.
     */
    static void stem(int threads, int calls) {
        SplittableRandom r = new SplittableRandom(7);
        ConvShape ss = ConvLayers.conv(3, 32, 224, 3, 2, 1), ds = ConvLayers.dw(32, 112, 3, 1), ps = ConvLayers.conv(32, 16, 112, 1, 1, 1);
        ConvOperator e = ConvOperator.prepare(ss, ConvBench.random(r, 32 * 27), 0, ConvBench.random(r, 32), 0, Activation.RELU6);
        ConvOperator d = ConvOperator.prepare(ds, ConvBench.random(r, 32 * 9), 0, ConvBench.random(r, 32), 0, Activation.RELU6);
        ConvOperator p = ConvOperator.prepare(ps, ConvBench.random(r, 16 * 32), 0, ConvBench.random(r, 16), 0, Activation.NONE);
        InvertedResidualOperator op = InvertedResidualOperator.of(e, d, p, Integer.getInteger("lanes.probe.stripRows", 0));
        time("f1", op, ConvBench.random(r, 3 * 224 * 224), new float[16 * 112 * 112], null, threads, calls);
    }

    /**
     * A stem block like PP-OCRv4 det's first two convolutions: the stem 3→16 3x3 stride 2 on a 384×640 NCHW image and
     * a depthwise 3x3 on its 16 channels, fused, no projection (ReLU6 after both; the model's activations differ).
     */
    static void ppocrStem(int threads, int calls) {
        SplittableRandom r = new SplittableRandom(7);
        int[] one = {1, 1};
        ConvShape ss = new ConvShape(1, 3, 16, 1, new int[] {384, 640}, new int[] {3, 3}, one, one, new int[] {2, 2}, one, true);
        ConvShape ds = new ConvShape(1, 16, 16, 16, new int[] {192, 320}, new int[] {3, 3}, one, one, one, one, true);
        ConvOperator e = ConvOperator.prepare(ss, ConvBench.random(r, 16 * 27), 0, ConvBench.random(r, 16), 0, Activation.RELU6);
        ConvOperator d = ConvOperator.prepare(ds, ConvBench.random(r, 16 * 9), 0, ConvBench.random(r, 16), 0, Activation.RELU6);
        InvertedResidualOperator op = InvertedResidualOperator.of(e, d, null, Integer.getInteger("lanes.probe.stripRows", 0));
        time("pp", op, ConvBench.random(r, 3 * 384 * 640), new float[16 * 192 * 320], null, threads, calls);
    }

    static void probe(String name, int cin, int c, int cout, int hw, int stride, boolean residual, int threads, int calls) {
        SplittableRandom r = new SplittableRandom(7);
        ConvShape es = ConvLayers.conv(cin, c, hw, 1, 1, 1), ds = ConvLayers.dw(c, hw, 3, stride);
        int ohw = ds.outSpatial()[0];
        ConvShape ps = ConvLayers.conv(c, cout, ohw, 1, 1, 1);
        ConvOperator e = ConvOperator.prepare(es, ConvBench.random(r, c * cin), 0, ConvBench.random(r, c), 0, Activation.RELU6);
        ConvOperator d = ConvOperator.prepare(ds, ConvBench.random(r, c * 9), 0, ConvBench.random(r, c), 0, Activation.RELU6);
        ConvOperator p = ConvOperator.prepare(ps, ConvBench.random(r, cout * c), 0, ConvBench.random(r, cout), 0, Activation.NONE);
        InvertedResidualOperator op = InvertedResidualOperator.of(e, d, p, Integer.getInteger("lanes.probe.stripRows", 0));
        float[] x = ConvBench.random(r, cin * hw * hw), y = new float[cout * ohw * ohw], res = residual ? ConvBench.random(r, y.length) : null;
        time(name, op, x, y, res, threads, calls);
    }

    /** 32 MB: more than this VM's share of L3 (RESULTS.md: under 8 MB) plus L2, as the rest of a model leaves them. */
    private static final int EVICT_FLOATS = 8 << 20;
    private static float sink;

    /**
     * Reads {@code a} once, line by line, so that the next call finds X, Y and its scratch out of the caches, and the
     * caches full of clean lines (as a model's last layers leave them: its classifier streams its weights).
     */
    private static void evictCaches(float[] a) {
        float s = 0;
        for (int i = 0; i < a.length; i += 16) s += a[i];
        sink += s;
    }

    private static void time(String name, InvertedResidualOperator op, float[] x, float[] y, float[] res, int threads, int calls) {
        try (Parallel par = Parallel.create(threads)) {
            // C2 compiles the kernels for ~20 s after their first call (SteadyState): time after that
            long warm = Long.getLong("lanes.probe.warmupMillis", SteadyState.SESSION_WARMUP_NANOS / 1_000_000) * 1_000_000, w0 = System.nanoTime();
            while (System.nanoTime() - w0 < warm) op.run(x, 0, y, 0, res, 0, par);
            double best = Double.MAX_VALUE;
            double[] t = new double[calls];
            float[] evict = Boolean.getBoolean("lanes.probe.cold") ? new float[EVICT_FLOATS] : null;
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < calls; i++) {
                    if (evict != null) evictCaches(evict);
                    long t0 = System.nanoTime();
                    op.run(x, 0, y, 0, res, 0, par);
                    t[i] = (System.nanoTime() - t0) / 1e3;
                }
                Arrays.sort(t);
                best = Math.min(best, t[0]);
                System.out.printf(Locale.ROOT, "%s round %d: min %.1f us p25 %.1f%n", name, round, t[0], t[calls / 4]);
            }
            System.out.printf(Locale.ROOT, "%s %d thread(s): min %.1f us (strip rows %d)%n", name, threads, best, op.stripRows());
            String split = System.getProperty("lanes.split.report");
            if (split != null) {
                try {
                    System.out.println(Class.forName("dev.lanes.simd.conv.InvertedResidualConv").getMethod("splitReport").invoke(null));
                } catch (ReflectiveOperationException ex) {
                    System.out.println("no split timing in this build");
                }
            }
        }
    }
}
