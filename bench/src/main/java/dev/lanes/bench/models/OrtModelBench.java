package dev.lanes.bench.models;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import dev.lanes.models.ReferenceCase;
import dev.lanes.models.TensorFile;
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
 * ONNX Runtime on the three real models with their reference inputs, at 1 and 2 intra-op threads:
 * the peer side of the model figures in {@code bench/RESULTS.md}. The output copy is timed too, as
 * a Lanes run also hands its outputs back as Java arrays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
@State(Scope.Thread)
public class OrtModelBench {

    @Param({"minilm_l6_v2", "ppocr_v4_det", "ppocr_mobile_v2_cls"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private OrtPeer peer;
    private OrtPeer.Inputs inputs;

    @Setup(Level.Trial)
    public void open() {
        RealModel m = RealModel.byName(model);
        peer = OrtPeer.open(m.modelPath(ModelStore.standard()), threads);
        ReferenceCase ref = m.reference();
        inputs = peer.inputs();
        for (TensorFile t : ref.inputs()) inputs.from(t);
    }

    @Benchmark
    public Object onnxRuntime() {
        return peer.run(inputs);
    }

    @TearDown(Level.Trial)
    public void close() {
        inputs.close();
        peer.close();
    }
}
