package dev.lanes.bench.models;

import dev.lanes.bench.peers.OrtPeer;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * ONNX Runtime's per-node time as the minimum and the median over many runs, node by node in execution order, the
 * counterpart of {@link NodeMinProfile}: the model opened as {@code ModelBench} opens it for ORT ({@link OrtPeer}: this
 * many intra-op threads, sequential, all graph optimisations) with ORT's profiler on, run {@code RUNS} times after
 * {@value #MIN_WARMUP_RUNS} or more warm-up runs, its trace read by {@link OrtTrace} and deleted. The node names are ORT's
 * after its fusions ({@code features.0.1/Clip:0_nchwc} is the stem conv with its Clip, in NCHWc layout); the times are
 * ORT's own kernel timestamps (the profiler adds little per node: no fences are recorded on the CPU provider).
 * {@link NodeProfileSideBySide} puts these next to Lanes' by block.
 *
 * <pre>
 * taskset -c 0 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.models.OrtNodeProfile MODEL [THREADS] [RUNS]
 * </pre>
 */
public final class OrtNodeProfile {
    static final int MIN_WARMUP_RUNS = 20;

    private OrtNodeProfile() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: OrtNodeProfile MODEL [THREADS] [RUNS]");
        BenchModel model = BenchModel.byId(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        OrtTrace.Parsed parsed;
        try (BenchModel.Prepared p = model.prepare()) {
            parsed = measure(p, threads, runs);
        }
        NodeSamples samples = parsed.samples();
        System.out.printf(Locale.ROOT, "%s, ONNX Runtime, %d thread(s), %d runs: per node min and median ms%n", model.id(), threads, runs);
        double sumMin = 0, sumMedian = 0;
        for (Map.Entry<String, long[]> e : samples.perNode().entrySet()) {
            double min = NodeSamples.min(e.getValue()) / 1e6, median = NodeSamples.median(e.getValue()) / 1e6;
            sumMin += min;
            sumMedian += median;
            System.out.printf(Locale.ROOT, "  %-60s %-22s min %7.3f  median %7.3f%n", e.getKey(), parsed.opNames().get(e.getKey()), min, median);
        }
        System.out.printf(Locale.ROOT, "run (ORT's model_run) min %.3f median %.3f ms; sum of node minima %.3f, of medians %.3f ms%n",
                NodeSamples.min(samples.runTotals()) / 1e6, NodeSamples.median(samples.runTotals()) / 1e6, sumMin, sumMedian);
    }

    /** Profiles {@code runs} ORT runs of the prepared model at this many threads, after a warm-up left out of the result. */
    static OrtTrace.Parsed measure(BenchModel.Prepared p, int threads, int runs) throws IOException {
        if (threads < 1 || runs < 1) throw new IllegalArgumentException("OrtNodeProfile needs THREADS >= 1 and RUNS >= 1");
        int warmup = Math.max(MIN_WARMUP_RUNS, runs / 10);
        Path dir = Files.createTempDirectory("lanes-ort-profile");
        Path trace = null;
        try {
            try (OrtPeer peer = OrtPeer.open(p.file(), threads, dir.resolve("ort"));
                 OrtPeer.Inputs inputs = p.ortInputs(peer)) {
                for (int i = 0; i < warmup + runs; i++) peer.runDiscarding(inputs);
                trace = peer.endProfiling();
            }
            try (Reader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
                return OrtTrace.read(r, warmup);
            }
        } finally {
            if (trace != null) Files.deleteIfExists(trace);
            Files.deleteIfExists(dir);
        }
    }
}
