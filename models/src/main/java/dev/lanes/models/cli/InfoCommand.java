package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.models.inspect.ModelInfo;
import dev.lanes.models.inspect.ModelSource;
import dev.lanes.models.inspect.NodeTrace;
import dev.lanes.models.inspect.StartupReport;
import dev.lanes.simd.PackedGemm;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lanes info}: what a model is and what one run of it costs. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Inputs, outputs, op histogram, parameter count, FLOPs per run and planned memory of a model",
            "(one of the known models, or an .onnx file). FLOPs and memory come from one run on the",
            "model's reference input, or on synthetic inputs shaped by --dim."})
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions opts;

    @Option(names = "--timings", description = {"Also where the load time went (read, parse, import, each pass, operator",
        "preparation per op type) and the first and second run's latency (the first includes JIT warm-up)."})
    boolean timings;

    @Override
    public Integer call() throws IOException {
        ModelSource src = opts.source();
        var options = SessionFactory.options(opts.threads, Backend.FAST);
        try (Session session = SessionFactory.open(src.path(), options).session()) {
            Map<String, Tensor> inputs = opts.inputs(src, session);
            // Measured before anything else runs in this JVM, so the first run is what a new user meets.
            StartupReport startup = timings ? StartupReport.measure(session, inputs) : null;
            NodeTrace trace = NodeTrace.run(src.path(), options, inputs);
            spec.commandLine().getOut().print(ModelInfo.of(session, trace, inputs).format(src.displayName()));
            // After the run above, so that the plan specialised for these inputs is counted too.
            spec.commandLine().getOut().println("  weights held by the session: " + session.weightMemory().describe());
            spec.commandLine().getOut().println("kernels: " + PackedGemm.configuration());
            if (startup != null) {
                spec.commandLine().getOut().print(startup.format());
            }
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
