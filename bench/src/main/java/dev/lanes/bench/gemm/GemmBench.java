package dev.lanes.bench.gemm;

import dev.lanes.bench.CpuTime;
import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;
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
 * Issue 3's GEMM shapes ("MxNxK"), B a pre-packed weight, at {@code threads} intra-op threads:
 * {@link #packedGemm} (Lanes) next to {@link #onnxRuntime} (ONNX Runtime's MLAS running a one-node
 * MatMul whose B is an initializer, so that it pre-packs B too). Score = products per second;
 * GFLOP/s = 2·M·N·K · score / 1e9. {@link GemmReport} turns the JSON of one run (with
 * {@link ReferenceGemmBench} and {@link PeakFmaBench}) into the RESULTS.md table.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class GemmBench {

    /** The product both sides compute: shape, thread count and the same random data. */
    @State(Scope.Benchmark)
    public static class Problem {
        @Param({
            // square
            "64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            // transformer: M = 1, 4, 16, 128 × (K, N) from {384, 768} × {384, 768, 1536, 3072}
            "1x384x384", "1x768x768", "1x1536x384", "1x3072x768", "1x1536x768", "1x768x3072",
            "4x384x384", "4x768x768", "4x3072x768", "4x768x3072",
            "16x384x384", "16x768x768", "16x3072x768", "16x768x3072",
            "128x384x384", "128x768x768", "128x3072x768", "128x768x3072",
            // convolution as GEMM (ResNet-50 at 56×56: 3×3 64→64 through im2col, 1×1 64→256)
            "3136x64x576", "3136x256x64"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        int m, n, k;
        float[] a, b;

        @Setup(Level.Trial)
        public void setUp() {
            int[] d = GemmShapes.parse(shape);
            m = d[0];
            n = d[1];
            k = d[2];
            SplittableRandom r = new SplittableRandom(42);
            a = new float[m * k];
            b = new float[k * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        }
    }

    /** Lanes: B packed once, its own Parallel of {@code threads}. */
    @State(Scope.Benchmark)
    public static class Lanes {
        PackedB b;
        float[] c;
        Parallel parallel;

        @Setup(Level.Trial)
        public void setUp(Problem p) {
            b = PackedGemm.packB(p.k, p.n, p.b, 0, p.n, false);
            c = new float[p.m * p.n];
            parallel = Parallel.create(p.threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            parallel.close();
        }
    }

    /** ONNX Runtime: a MatMul model with B as an initializer, {@code threads} intra-op threads. */
    @State(Scope.Benchmark)
    public static class Ort {
        OrtPeer peer;
        OrtPeer.Inputs inputs;

        @Setup(Level.Trial)
        public void setUp(Problem p) {
            byte[] model = new OnnxModelBuilder("matmul").opset(13)
                    .input("A", DType.FLOAT32, p.m, p.k)
                    .initializer("B", Tensor.of(p.b, p.k, p.n))
                    .node("MatMul").inputs("A", "B").outputs("Y").add()
                    .output("Y", DType.FLOAT32, p.m, p.n)
                    .toBytes();
            peer = OrtPeer.open(model, p.threads);
            inputs = peer.inputs().float32("A", new long[] {p.m, p.k}, p.a);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            inputs.close();
            peer.close();
        }
    }

    @Benchmark
    public float[] packedGemm(Problem p, Lanes l) {
        PackedGemm.gemm(p.m, p.n, p.k, p.a, 0, p.k, false, 1f, l.b, l.c, 0, p.n, 0f, Epilogue.NONE, l.parallel);
        return l.c;
    }

    @Benchmark
    public int onnxRuntime(Ort o) {
        return o.peer.runDiscarding(o.inputs);
    }

    /** {@link #packedGemm} with the caller's CPU time counted (run with {@code -p threads=1}). */
    @Benchmark
    public float[] packedGemmCpu(Problem p, Lanes l, CpuTime cpu) {
        cpu.begin();
        float[] c = packedGemm(p, l);
        cpu.end();
        return c;
    }

    /** {@link #onnxRuntime} with the caller's CPU time counted (run with {@code -p threads=1}). */
    @Benchmark
    public int onnxRuntimeCpu(Ort o, CpuTime cpu) {
        cpu.begin();
        int r = onnxRuntime(o);
        cpu.end();
        return r;
    }
}
