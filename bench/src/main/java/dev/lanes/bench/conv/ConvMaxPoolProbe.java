package dev.lanes.bench.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvMaxPoolOperator;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.PoolOperator;
import dev.lanes.simd.conv.ConvAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick look (not a published figure: those come from JMH) at ResNet-50's stem as the model runs it: the
 * 7x7/2 3 → 64 convolution with ReLU and the 3x3/2 MaxPool fused ({@link ConvMaxPoolOperator}), X in NCHW,
 * with each convolution algorithm given, timed in turns in one JVM so that a change of load on the machine
 * hits them alike. Prints the 25th percentile of the wall time per call (robust to other processes
 * taking the cores now and then) and checks that the algorithms agree.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.lanes.bench.conv.ConvMaxPoolProbe \
 *     THREADS [CALLS] [ALGORITHM[:POOLED_ROWS_PER_BAND]]...      (default: STEM_PANELS BAND_GEMM)
 * </pre>
 */
public final class ConvMaxPoolProbe {
    private ConvMaxPoolProbe() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        List<String> variants = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("STEM_PANELS", "BAND_GEMM");
        ConvShape cs = new ConvShape(1, 3, 64, 1, new int[] {224, 224}, new int[] {7, 7}, new int[] {3, 3}, new int[] {3, 3},
                new int[] {2, 2}, new int[] {1, 1}, true);
        PoolShape ps = new PoolShape(PoolShape.Mode.MAX, 1, 64, new int[] {112, 112}, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, false, false, 0);
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[64 * 3 * 49], b = new float[64], x = new float[3 * 224 * 224];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-0.1, 0.1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-0.1, 0.1);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        PoolOperator pool = PoolOperator.prepare(ps);
        List<ConvMaxPoolOperator> ops = new ArrayList<>();
        for (String v : variants) {
            String[] parts = v.split(":");
            ConvOperator conv = ConvOperator.prepare(cs, w, 0, b, 0, Activation.RELU, ConvAlgorithm.valueOf(parts[0]));
            ops.add(ConvMaxPoolOperator.of(conv, pool, parts.length > 1 ? Integer.parseInt(parts[1]) : 0));
        }
        float[][] ys = new float[ops.size()][64 * 56 * 56];
        try (Parallel p = Parallel.create(threads)) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < ops.size(); i++) {
                    ConvMaxPoolOperator op = ops.get(i);
                    float[] y = ys[i];
                    double ms = quartileMs(calls, () -> op.run(x, 0, true, y, 0, p));
                    System.out.printf(Locale.ROOT, "%-16s %d thread(s): %.3f ms per call (conv %.1f GFLOP/s)%n", variants.get(i), threads, ms,
                            cs.flops() / ms / 1e6);
                }
            }
        }
        for (int i = 1; i < ops.size(); i++) {
            double d = 0;
            for (int j = 0; j < ys[0].length; j++) d = Math.max(d, Math.abs(ys[0][j] - ys[i][j]));
            System.out.printf(Locale.ROOT, "largest difference %s vs %s: %.3g%n", variants.get(i), variants.get(0), d);
        }
    }

    /** The 25th percentile of {@code calls} timed calls after {@code calls / 2} untimed ones. */
    private static double quartileMs(int calls, Runnable call) {
        for (int i = 0; i < calls / 2; i++) call.run();
        double[] t = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[calls / 4];
    }
}
