package dev.lanes.bench.models;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.ConvAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reproduces why kernels run slower inside a model than alone: times one convolution (NHWC, 1
 * thread) in a loop, then runs a whole model for a while in the same JVM, then times the very same
 * operator on the very same arrays again. On 2026-11-30 the second figure was ~3× the first for
 * MobileNetV2's 1x1 16→96 at 112x112 (0.43 → 1.28 ms): the JIT's code for the kernel after it has
 * seen the model's other shapes and epilogues is slower than the code it compiles for one layer —
 * the cause of the 1.5–3× gap between per-layer benchmarks and per-node profiles in bench/RESULTS.md.
 *
 * <p>The layer is given as {@code CIN COUT SIZE KERNEL STRIDE [ACT] [residual] [group=G|depthwise] [algorithm=NAME]}
 * (square input of SIZE², padding KERNEL/2 on every side, bias; ACT one of none, relu, relu6, hardswish;
 * "residual" adds a residual input; G the group count, "depthwise" meaning G = CIN; NAME a {@link ConvAlgorithm} to force
 * instead of ConvOperator's choice, or several separated by commas, timed in turns). Without it: MobileNetV2's 1x1 16→96 at 112², ReLU6. With {@code --model-first}
 * the layer is not timed alone first: its kernel is then compiled while the model runs, as in a
 * real session (the lone-layer-first order lets C2 compile it with a clean profile that it keeps).
 * Each figure is given twice: with Y the same array every call ("hot Y", in L2 from the previous call) and with Y
 * rotating over 4 MB of arrays ("cold Y", as a model's arena hands a layer a buffer last written several layers
 * earlier). On 2026-12-01 MobileNetV2's depthwise 576@14² ran as fast after the model as alone (0.042 CPU ms: no JIT
 * effect) but at 0.058–0.081 ms inside it; running the node's kernel twice in the model showed the second (hot) call
 * at about half the first: the gap was the cache state of Y, not the code.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dlanes.shared=../shared -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.models.KernelInModelProbe [--model-first] [MODEL [CIN COUT SIZE KERNEL STRIDE [ACT] [residual] [algorithm=NAME]]]
 * e.g. KernelInModelProbe resnet50 64 64 56 3 1 relu      (ResNet-50 layer1 conv2, Winograd F(4,3))
 *      KernelInModelProbe mobilenetv2 576 576 14 3 1 relu6 depthwise      (features.12's depthwise)
 * </pre>
 */
public final class KernelInModelProbe {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private KernelInModelProbe() {}

    public static void main(String[] args) throws Exception {
        // --model-first: the model runs before the layer is ever called, so the kernel is first compiled
        // with the model's profile (what happens in a real session) instead of the lone layer's
        boolean modelFirst = args.length > 0 && args[0].equals("--model-first");
        if (modelFirst) args = java.util.Arrays.copyOfRange(args, 1, args.length);
        String model = args.length > 0 ? args[0] : "mobilenetv2";
        int cin = 16, cout = 96, size = 112, k = 1, stride = 1;
        Activation act = Activation.RELU6;
        boolean residual = false;
        int groups = 1;
        java.util.List<ConvAlgorithm> algorithms = new java.util.ArrayList<>();
        if (args.length > 1) {
            if (args.length < 6) {
                throw new IllegalArgumentException("layer needs CIN COUT SIZE KERNEL STRIDE [ACT] [residual] [group=G|depthwise] [algorithm=NAME]");
            }
            cin = Integer.parseInt(args[1]);
            cout = Integer.parseInt(args[2]);
            size = Integer.parseInt(args[3]);
            k = Integer.parseInt(args[4]);
            stride = Integer.parseInt(args[5]);
            act = Activation.NONE;
            for (int i = 6; i < args.length; i++) {
                if (args[i].equals("residual")) residual = true;
                else if (args[i].equals("depthwise")) groups = cin;
                else if (args[i].startsWith("group=")) groups = Integer.parseInt(args[i].substring("group=".length()));
                else if (args[i].startsWith("algorithm=")) {
                    for (String a : args[i].substring("algorithm=".length()).split(",")) algorithms.add(ConvAlgorithm.valueOf(a));
                }
                else act = activation(args[i]);
            }
        }
        int p = k / 2;
        ConvShape s = new ConvShape(1, cin, cout, groups, new int[] {size, size}, new int[] {k, k}, new int[] {p, p}, new int[] {p, p},
                new int[] {stride, stride}, new int[] {1, 1}, true);
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[cout * (cin / groups) * k * k], b = new float[cout], x = new float[cin * size * size];
        float[] y = new float[cout * s.outSpatialSize()], res = residual ? new float[y.length] : null;
        // arrays enough to exceed L2 several times over, each written once per round: Y as a model's arena hands it out
        float[][] coldY = new float[(int) Math.max(2, (4L << 20) / ((long) y.length * Float.BYTES))][y.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-0.5, 0.5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-0.5, 0.5);
        if (res != null) for (int i = 0; i < res.length; i++) res[i] = (float) r.nextDouble(-0.5, 0.5);
        if (algorithms.isEmpty()) algorithms.add(ConvOperator.choose(s));
        java.util.List<ConvOperator> ops = new java.util.ArrayList<>();
        for (ConvAlgorithm a : algorithms) ops.add(ConvOperator.prepare(s, w, 0, b, 0, act, a));
        System.out.println(ops.getFirst().toString().replace(ops.getFirst().algorithm().name(), String.valueOf(algorithms)));
        if (!modelFirst) {
            for (int i = 0; i < 5; i++) for (ConvOperator op : ops) report("alone", op, x, new float[][] {y}, res);
            for (int i = 0; i < 3; i++) for (ConvOperator op : ops) report("alone, cold Y", op, x, coldY, res);
        }
        try (BenchModel.Prepared prepared = BenchModel.byId(model).prepare();
             Session session = Session.open(prepared.file(), SessionOptions.defaults().withThreads(1))) {
            for (int i = 0; i < 300; i++) session.run(prepared.inputs());
        }
        // several algorithms are timed in turns, so that a change of load on the machine hits them alike
        for (int i = 0; i < 5; i++) for (ConvOperator op : ops) report("after " + model, op, x, new float[][] {y}, res);
        for (int i = 0; i < 3; i++) for (ConvOperator op : ops) report("after " + model + ", cold Y", op, x, coldY, res);
    }

    private static Activation activation(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> Activation.NONE;
            case "relu" -> Activation.RELU;
            case "relu6" -> Activation.RELU6;
            case "hardswish" -> Activation.HARD_SWISH;
            default -> throw new IllegalArgumentException("ACT must be none, relu, relu6 or hardswish, got " + name);
        };
    }

    /** Times {@code op} writing the arrays of {@code ys} in turn. */
    private static void report(String when, ConvOperator op, float[] x, float[][] ys, float[] res) {
        int reps = Math.max(20, (int) Math.min(1000, 50_000_000_000L / Math.max(1, op.shape().flops())));   // ~0.5 s at 100 GFLOP/s
        // CPU time of this thread: the figure stays meaningful while other processes share the cores
        // and the bytes this thread allocated: a vector C2 failed to keep in registers shows as kBs per call
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) CPU;
        long t0 = CPU.getCurrentThreadCpuTime(), b0 = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < reps; i++) op.runNhwc(x, 0, ys[i % ys.length], 0, res, 0, Parallel.callerOnly());
        long t1 = CPU.getCurrentThreadCpuTime(), b1 = mx.getCurrentThreadAllocatedBytes();
        System.out.printf(Locale.ROOT, "%-32s %-18s %.3f CPU ms per call, %.1f kB allocated per call%n", when, op.algorithm(), (t1 - t0) / 1e6 / reps,
                (b1 - b0) / 1024.0 / reps);
    }
}
