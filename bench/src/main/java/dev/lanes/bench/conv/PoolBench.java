package dev.lanes.bench.conv;

import dev.lanes.bench.CpuTime;
import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.DType;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.PoolOperator;
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
 * The pooling layers of the benchmarked networks, batch 1, Lanes (NHWC and NCHW entries) and ONNX
 * Runtime side by side: ResNet-50's 3x3/2 max pool on 64×112×112 and its global average pool over
 * 2048×7×7, MobileNetV2's over 1280×7×7, PP-OCRv4 det's SE global pool over 384×12×20.
 * Throughput in layers per second ({@link ConvReport} gives GB/s of input read).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
@State(Scope.Benchmark)
public class PoolBench {

    @Param({"r50-maxpool-3x3s2", "r50-gap-2048-7", "mv2-gap-1280-7", "ocr-se-gap-384-12x20"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    @Param({"lanes-nhwc", "lanes-nchw", "ort"})
    public String engine;

    private float[] x, y;
    private PoolOperator op;
    private Parallel parallel;
    private OrtPeer peer;
    private OrtPeer.Inputs inputs;

    /** The pooling layers by name. */
    public static PoolShape shape(String name) {
        return switch (name) {
            case "r50-maxpool-3x3s2" -> PoolShape.fromOnnx(PoolShape.Mode.MAX, new int[] {1, 64, 112, 112}, null, new int[] {3, 3},
                    new int[] {1, 1, 1, 1}, new int[] {2, 2}, null, false, false, 0);
            case "r50-gap-2048-7" -> PoolShape.global(PoolShape.Mode.AVERAGE, new int[] {1, 2048, 7, 7});
            case "mv2-gap-1280-7" -> PoolShape.global(PoolShape.Mode.AVERAGE, new int[] {1, 1280, 7, 7});
            case "ocr-se-gap-384-12x20" -> PoolShape.global(PoolShape.Mode.AVERAGE, new int[] {1, 384, 12, 20});
            default -> throw new IllegalArgumentException("no pooling layer named '" + name + "'");
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        PoolShape s = shape(layer);
        SplittableRandom r = new SplittableRandom(42);
        float[] xNchw = ConvBench.random(r, s.batch() * s.channels() * s.inSpatialSize());
        y = new float[s.batch() * s.channels() * s.outSpatialSize()];
        switch (engine) {
            case "lanes-nhwc", "lanes-nchw" -> {
                op = PoolOperator.prepare(s);
                parallel = Parallel.create(threads);
                if (engine.equals("lanes-nhwc")) {
                    x = new float[xNchw.length];
                    Layouts.toNhwc(xNchw, 0, s.batch(), s.channels(), s.inSpatialSize(), x, 0, Parallel.callerOnly());
                } else {
                    x = xNchw;
                }
            }
            case "ort" -> {
                peer = OrtPeer.open(model(layer, s), threads);
                long[] dims = new long[s.inputShape().length];
                for (int i = 0; i < dims.length; i++) dims[i] = s.inputShape()[i];
                inputs = peer.inputs().float32("X", dims, xNchw);
            }
            default -> throw new IllegalArgumentException("engine must be lanes-nhwc, lanes-nchw or ort, got " + engine);
        }
    }

    static byte[] model(String name, PoolShape s) {
        OnnxModelBuilder m = new OnnxModelBuilder("pool").opset(17).input("X", DType.FLOAT32, boxed(s.inputShape()));
        if (name.contains("gap")) {
            m.node("GlobalAveragePool").inputs("X").outputs("Y").add();
        } else {
            m.node("MaxPool").inputs("X").outputs("Y").attrInts("kernel_shape", s.kernel()).attrInts("strides", s.strides())
                    .attrInts("pads", 1, 1, 1, 1).add();
        }
        return m.output("Y", DType.FLOAT32, boxed(s.outputShape())).toBytes();
    }

    private static Object[] boxed(int[] dims) {
        Object[] o = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) o[i] = dims[i];
        return o;
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
}
