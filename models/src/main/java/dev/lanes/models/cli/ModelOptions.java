package dev.lanes.models.cli;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.models.ModelStore;
import dev.lanes.models.inspect.ModelInputs;
import dev.lanes.models.inspect.ModelSource;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The MODEL argument with {@code --dim} and {@code --threads}, shared by info, bench and compare; and
 * the inputs those commands run with: the model's reference input when it is a known model and no
 * {@code --dim} is given, else synthetic inputs.
 */
final class ModelOptions {
    @Parameters(paramLabel = "MODEL", description = "minilm_l6_v2, ppocr_v4_det, ppocr_mobile_v2_cls, or a path to an .onnx file.")
    String model;

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "Size of a symbolic input dimension (synthetic inputs), e.g. --dim sequence=128.")
    Map<String, String> dims;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Intra-op threads (default: all processors).")
    int threads;

    ModelSource source() {
        return ModelSource.resolve(model, ModelStore.standard());
    }

    Map<String, Tensor> inputs(ModelSource src, Session session) {
        return src.known() != null && (dims == null || dims.isEmpty())
                ? ModelInputs.fromReference(src.known().reference())
                : ModelInputs.synthetic(session, DimOption.parse(dims), 128, 42);
    }
}
