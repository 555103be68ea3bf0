package dev.lanes.bench.conv;

import dev.lanes.bench.CpuTime;
import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.Layouts;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One convolution layer ({@link ConvLayers}) with its fused activation, batch 1, on three engines in
 * the same run:
 * <ul>
 * <li>{@code lanes-nhwc}: {@link ConvOperator#runNhwc}, the layout the kernels run in and a graph
 *     keeps between convolutions;
 * <li>{@code lanes-nchw}: {@link ConvOperator#runNchw}, ONNX's layout, the reorders in and out included;
 * <li>{@code ort}: ONNX Runtime's Java API on a single-node model (Conv + activation, which it fuses),
 *     NCHW in and out, all optimisations on (so its own NCHWc reorders are included too).
 * </ul>
 * Throughput is layers per second; effective GFLOP/s = {@code shape.flops()} (direct-convolution
 * multiply-adds × 2, so Winograd shows as effective) × score / 1e9 — {@link ConvReport} makes the table.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
@State(Scope.Benchmark)
public class ConvBench {

    /** The three target layers; pass {@code -p layer=...} for any other name in {@link ConvLayers}. */
    @Param({"r50-3x3-64-56", "r50-1x1-256-64-56", "mv2-dw-32-112"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    @Param({"lanes-nhwc", "lanes-nchw", "ort"})
    public String engine;

    private ConvShape shape;
    private float[] x, y;
    private ConvOperator op;
    private Parallel parallel;
    private OrtPeer peer;
    private OrtPeer.Inputs inputs;

    @Setup(Level.Trial)
    public void setUp() {
        ConvLayers.Layer l = ConvLayers.get(layer);
        shape = l.shape();
        SplittableRandom r = new SplittableRandom(42);
        float[] xNchw = random(r, shape.batch() * shape.inChannels() * shape.inSpatialSize());
        float[] w = random(r, shape.outChannels() * shape.inChannelsPerGroup() * shape.kernelSize());
        float[] b = random(r, shape.outChannels());
        y = new float[shape.batch() * shape.outChannels() * shape.outSpatialSize()];
        switch (engine) {
            case "lanes-nhwc", "lanes-nchw" -> {
                op = ConvOperator.prepare(shape, w, 0, b, 0, l.activation());
                parallel = Parallel.create(threads);
                if (engine.equals("lanes-nhwc")) {
                    x = new float[xNchw.length];
                    Layouts.toNhwc(xNchw, 0, shape.batch(), shape.inChannels(), shape.inSpatialSize(), x, 0, Parallel.callerOnly());
                } else {
                    x = xNchw;
                }
            }
            case "ort" -> {
                peer = OrtPeer.open(singleNodeModel(shape, l.activation(), w, b), threads);
                inputs = peer.inputs().float32("X", longs(shape.inputShape()), xNchw);
            }
            default -> throw new IllegalArgumentException("engine must be lanes-nhwc, lanes-nchw or ort, got " + engine);
        }
    }

    @Benchmark
    public Object run(CpuTime cpu) {
        cpu.begin();
        Object r;
        switch (engine) {
            case "lanes-nhwc" -> {
                op.runNhwc(x, 0, y, 0, parallel);
                r = y;
            }
            case "lanes-nchw" -> {
                op.runNchw(x, 0, y, 0, parallel);
                r = y;
            }
            default -> r = peer.runDiscarding(inputs);
        }
        cpu.end();
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (parallel != null) parallel.close();
        if (inputs != null) inputs.close();
        if (peer != null) peer.close();
    }

    /** Conv (+ the activation as its own node, which ONNX Runtime fuses) as an ONNX model, opset 17. */
    static byte[] singleNodeModel(ConvShape s, Activation act, float[] w, float[] b) {
        OnnxModelBuilder m = new OnnxModelBuilder("conv").opset(17)
                .input("X", DType.FLOAT32, boxed(s.inputShape()))
                .initializer("W", Tensor.of(w, s.weightShape()))
                .initializer("B", Tensor.of(b, s.outChannels()));
        int[] pads = new int[2 * s.spatialRank()];
        for (int i = 0; i < s.spatialRank(); i++) {
            pads[i] = s.padsBegin()[i];
            pads[i + s.spatialRank()] = s.padsEnd()[i];
        }
        String convOut = act.isIdentity() ? "Y" : "C";
        m.node("Conv").inputs("X", "W", "B").outputs(convOut).attrInts("kernel_shape", s.kernel()).attrInts("pads", pads)
                .attrInts("strides", s.strides()).attrInts("dilations", s.dilations()).attr("group", (long) s.groups()).add();
        switch (act.kind()) {
            case NONE -> { }
            case RELU -> m.node("Relu").inputs(convOut).outputs("Y").add();
            case CLIP -> {
                m.initializer("lo", Tensor.scalar(act.p1())).initializer("hi", Tensor.scalar(act.p2()));
                m.node("Clip").inputs(convOut, "lo", "hi").outputs("Y").add();
            }
            case HARD_SIGMOID -> m.node("HardSigmoid").inputs(convOut).outputs("Y").attr("alpha", act.p1()).attr("beta", act.p2()).add();
            case HARD_SWISH -> m.node("HardSwish").inputs(convOut).outputs("Y").add();
            default -> throw new IllegalArgumentException("no single-node ONNX form for " + act + " in this benchmark");
        }
        return m.output("Y", DType.FLOAT32, boxed(s.outputShape())).toBytes();
    }

    private static Object[] boxed(int[] dims) {
        Object[] o = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) o[i] = dims[i];
        return o;
    }

    static long[] longs(int[] dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) l[i] = dims[i];
        return l;
    }

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
