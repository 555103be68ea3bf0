package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.models.inspect.ModelInfo;
import dev.lanes.models.inspect.ModelSource;
import dev.lanes.models.inspect.NodeTrace;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code lanes info}: what a model is and what one run of it costs. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Inputs, outputs, op histogram, parameter count, FLOPs per run and planned memory of a model",
            "(one of the known models, or an .onnx file). FLOPs and memory come from one run on the",
            "model's reference input, or on synthetic inputs shaped by --dim."})
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions opts;

    @Override
    public Integer call() throws IOException {
        ModelSource src = opts.source();
        var options = SessionFactory.options(opts.threads, Backend.FAST);
        try (Session session = SessionFactory.open(src.path(), options).session()) {
            Map<String, Tensor> inputs = opts.inputs(src, session);
            NodeTrace trace = NodeTrace.run(src.path(), options, inputs);
            spec.commandLine().getOut().print(ModelInfo.of(session, trace, inputs).format(src.displayName()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
