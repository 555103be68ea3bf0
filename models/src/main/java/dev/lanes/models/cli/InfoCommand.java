package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.models.ModelStore;
import dev.lanes.models.inspect.ModelInfo;
import dev.lanes.models.inspect.ModelInputs;
import dev.lanes.models.inspect.ModelSource;
import dev.lanes.models.inspect.NodeTrace;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lanes info}: what a model is and what one run of it costs. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Inputs, outputs, op histogram, parameter count, FLOPs per run and planned memory of a model",
            "(one of the known models, or an .onnx file). FLOPs and memory come from one run on the",
            "model's reference input, or on synthetic inputs shaped by --dim."})
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "minilm_l6_v2, ppocr_v4_det, ppocr_mobile_v2_cls, or a path to an .onnx file.")
    String model;

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "Size of a symbolic input dimension, e.g. --dim sequence=128.")
    Map<String, String> dims;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Intra-op threads (default: all processors).")
    int threads;

    @Override
    public Integer call() throws IOException {
        ModelSource src = ModelSource.resolve(model, ModelStore.standard());
        var options = SessionFactory.options(threads, Backend.FAST);
        try (Session session = SessionFactory.open(src.path(), options).session()) {
            Map<String, Tensor> inputs = src.known() != null && (dims == null || dims.isEmpty())
                    ? ModelInputs.fromReference(src.known().reference())
                    : ModelInputs.synthetic(session, DimOption.parse(dims), 128, 42);
            NodeTrace trace = NodeTrace.run(src.path(), options, inputs);
            spec.commandLine().getOut().print(ModelInfo.of(session, trace, inputs).format(src.displayName()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
