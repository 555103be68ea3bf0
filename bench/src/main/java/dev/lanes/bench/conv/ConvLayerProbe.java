package dev.lanes.bench.conv;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvGlobalPoolOperator;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.conv.ConvAlgorithm;
import dev.lanes.simd.conv.Layouts;
import dev.lanes.simd.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick look (not a published figure: those come from JMH's {@link ConvBench}) at {@link ConvLayers}
 * layers on a busy machine: Lanes (NHWC, the algorithm the operator chooses) and ONNX Runtime timed in
 * turns in one JVM, so that a change of load hits both alike. Prints the minimum and the 25th percentile
 * of the wall time per call (both robust to other processes taking the core now and then) and the ratio
 * of the minima (ORT / Lanes: above 1 Lanes is faster). Compare two builds by running it alternately
 * from two jars. With {@code --all-kinds} each layer's kernel first runs once with every other activation kind,
 * as in a model whose layers differ in activation: a kernel that calls the activation inside its loops then
 * compiles them all in (see {@link Activation#applyInPlace}). With {@code --cold} every timed call (both engines') follows a
 * read of 64 MB, so that the weights come from memory as in a model whose weights exceed the last-level cache (ResNet-50:
 * 100 MB; its layer4 1x1s read 4 MB each), and the inputs from wherever the read left them. With
 * {@code --algorithm=NAME} Lanes runs that {@link ConvAlgorithm} instead of the operator's choice. With
 * {@code --over-residual} Lanes adds a residual held in Y itself, applies a ReLU and writes Y over the residual (a
 * block-ending 1x1 of ResNet in a model: {@link ConvOperator#residualMayBeOutput}), whatever the layer's activation;
 * ONNX Runtime's node has neither residual nor ReLU then, so compare builds of Lanes with it, not the engines. With
 * {@code --global-mean} Lanes runs the layer fused with the global average pool after it ({@link ConvGlobalPoolOperator}: the
 * map never written, as MobileNetV2's last 1x1 in a model) while ONNX Runtime runs the convolution alone: again, compare
 * builds of Lanes.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.conv.ConvLayerProbe [--all-kinds] [--cold] [--algorithm=NAME] [--over-residual] [--global-mean] THREADS CALLS LAYER...
 * </pre>
 */
public final class ConvLayerProbe {
    private ConvLayerProbe() {}

    /** {@code --algorithm=NAME}, or null for the operator's choice. */
    private static ConvAlgorithm algorithm;
    /** {@code --over-residual}: Lanes writes ReLU(conv + Y) over a residual held in Y. */
    private static boolean overResidual;
    /** {@code --global-mean}: Lanes runs the layer and a global average pool as one {@link ConvGlobalPoolOperator}. */
    private static boolean globalMean;
    /** {@code --cold}: {@link #evict} before every timed call. */
    private static boolean cold;
    /** 64 MB, twice the last-level cache of the machines measured so far. */
    private static final long[] EVICTION = new long[8 << 20];
    /** Keeps the eviction reads live. */
    private static long evictionSum;

    /** Reads one long per 64-byte line of {@link #EVICTION}. */
    private static void evict() {
        long sum = 0;
        for (int i = 0; i < EVICTION.length; i += 8) sum += EVICTION[i];
        evictionSum += sum;
    }

    public static void main(String[] args) {
        List<String> flags = Arrays.stream(args).filter(x -> x.startsWith("--")).toList();
        List<String> rest = Arrays.stream(args).filter(x -> !x.startsWith("--")).toList();
        boolean allKinds = flags.contains("--all-kinds");
        cold = flags.contains("--cold");
        overResidual = flags.contains("--over-residual");
        globalMean = flags.contains("--global-mean");
        if (overResidual && globalMean) throw new IllegalArgumentException("ConvLayerProbe takes --over-residual or --global-mean, not both");
        algorithm = flags.stream().filter(x -> x.startsWith("--algorithm=")).map(x -> ConvAlgorithm.valueOf(x.substring(12))).findFirst()
                .orElse(null);
        if (rest.size() < 3) throw new IllegalArgumentException("usage: ConvLayerProbe [--all-kinds] [--cold] [--algorithm=NAME] [--over-residual] [--global-mean] THREADS CALLS LAYER...");
        int threads = Integer.parseInt(rest.get(0));
        int calls = Integer.parseInt(rest.get(1));
        for (String name : rest.subList(2, rest.size())) probe(ConvLayers.get(name), threads, calls, allKinds);
    }

    private static final List<Activation> KINDS = List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.leakyRelu(0.1f),
            Activation.hardSigmoid(0.2f, 0.5f), Activation.HARD_SWISH, Activation.SIGMOID, Activation.SWISH);

    private static void probe(ConvLayers.Layer l, int threads, int calls, boolean allKinds) {
        ConvShape s = l.shape();
        SplittableRandom r = new SplittableRandom(42);
        float[] xNchw = ConvBench.random(r, s.batch() * s.inChannels() * s.inSpatialSize());
        float[] w = ConvBench.random(r, s.outChannels() * s.inChannelsPerGroup() * s.kernelSize());
        float[] b = ConvBench.random(r, s.outChannels());
        float[] x = new float[xNchw.length], y = new float[s.batch() * s.outChannels() * s.outSpatialSize()];
        Layouts.toNhwc(xNchw, 0, s.batch(), s.inChannels(), s.inSpatialSize(), x, 0, Parallel.callerOnly());
        Activation act = overResidual ? Activation.RELU : l.activation();
        ConvOperator op = algorithm == null ? ConvOperator.prepare(s, w, 0, b, 0, act) : ConvOperator.prepare(s, w, 0, b, 0, act, algorithm);
        if (allKinds) {
            for (Activation k : KINDS) {
                ConvOperator other = ConvOperator.prepare(s, w, 0, b, 0, k, op.algorithm());
                for (int i = 0; i < calls; i++) other.runNhwc(x, 0, y, 0, Parallel.callerOnly());
            }
        }
        if (overResidual && !op.residualMayBeOutput()) throw new IllegalArgumentException(op + " cannot write Y over its residual");
        if (overResidual) System.arraycopy(ConvBench.random(r, y.length), 0, y, 0, y.length);
        ConvGlobalPoolOperator pooled = globalMean ? ConvGlobalPoolOperator.of(op) : null;
        if (globalMean && pooled == null) throw new IllegalArgumentException(op + " has no fused global mean (not a 1x1 run by PointwiseConv)");
        float[] means = new float[s.batch() * s.outChannels()];
        try (Parallel p = Parallel.create(threads);
             OrtPeer ort = OrtPeer.open(ConvBench.singleNodeModel(s, l.activation(), w, b), threads);
             OrtPeer.Inputs in = ort.inputs().float32("X", ConvBench.longs(s.inputShape()), xNchw)) {
            double[] lanes = {Double.MAX_VALUE, 0}, onnx = {Double.MAX_VALUE, 0};
            for (int round = 0; round < 5; round++) {
                Runnable lanesCall = overResidual ? () -> op.runNhwc(x, 0, y, 0, y, 0, p)
                        : globalMean ? () -> pooled.run(x, 0, means, 0, p) : () -> op.runNhwc(x, 0, y, 0, p);
                merge(lanes, times(calls, lanesCall));
                merge(onnx, times(calls, () -> ort.runDiscarding(in)));
            }
            System.out.printf(Locale.ROOT, "%-24s %-18s%s %d thread(s): lanes min %.1f us (%.1f GFLOP/s) p25 %.1f | ort min %.1f us (%.1f) p25 %.1f"
                            + " | ort/lanes %.2f%n", l.name(), op.algorithm(), overResidual ? " +Y" : globalMean ? " +mean" : "", threads, lanes[0], s.flops() / lanes[0] / 1e3, lanes[1],
                    onnx[0], s.flops() / onnx[0] / 1e3, onnx[1], onnx[0] / lanes[0]);
        }
    }

    /** Minimum and 25th percentile (µs) of {@code calls} timed calls after {@code calls / 2} untimed ones. */
    private static double[] times(int calls, Runnable call) {
        for (int i = 0; i < calls / 2; i++) call.run();
        double[] t = new double[calls];
        for (int i = 0; i < calls; i++) {
            if (cold) evict();
            long t0 = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(t);
        return new double[] {t[0], t[calls / 4]};
    }

    /** Keeps the best minimum and the best quartile over rounds. */
    private static void merge(double[] best, double[] t) {
        best[0] = Math.min(best[0], t[0]);
        best[1] = best[1] == 0 ? t[1] : Math.min(best[1], t[1]);
    }
}
