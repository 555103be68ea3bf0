package dev.lanes.bench.models;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reproduces why kernels run slower inside a model than alone: times one convolution (MobileNetV2's
 * 1x1 16→96 at 112x112, ReLU6, NHWC, 1 thread) in a loop, then runs a whole model for a while in the
 * same JVM, then times the very same operator on the very same arrays again. On 2026-11-30 the
 * second figure was ~3× the first (0.43 → 1.28 ms): the JIT's code for the kernel after it has seen
 * the model's other shapes and epilogues is slower than the code it compiles for one layer — the
 * cause of the 1.5–3× gap between per-layer benchmarks and per-node profiles in bench/RESULTS.md.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dlanes.shared=../shared -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.models.KernelInModelProbe [MODEL]
 * </pre>
 */
public final class KernelInModelProbe {
    private KernelInModelProbe() {}

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "mobilenetv2";
        ConvShape s = new ConvShape(1, 16, 96, 1, new int[] {112, 112}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0},
                new int[] {1, 1}, new int[] {1, 1}, true);
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[96 * 16], b = new float[96], x = new float[16 * 112 * 112], y = new float[96 * 112 * 112];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-0.5, 0.5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-0.5, 0.5);
        ConvOperator op = ConvOperator.prepare(s, w, 0, b, 0, Activation.RELU6);
        for (int k = 0; k < 5; k++) report("alone", op, x, y);
        try (BenchModel.Prepared p = BenchModel.byId(model).prepare();
             Session session = Session.open(p.file(), SessionOptions.defaults().withThreads(1))) {
            for (int i = 0; i < 300; i++) session.run(p.inputs());
        }
        for (int k = 0; k < 5; k++) report("after " + model, op, x, y);
    }

    private static void report(String when, ConvOperator op, float[] x, float[] y) {
        int reps = 400;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) op.runNhwc(x, 0, y, 0, Parallel.callerOnly());
        System.out.printf(Locale.ROOT, "%-24s %.3f ms per call%n", when, (System.nanoTime() - t0) / 1e6 / reps);
    }
}
