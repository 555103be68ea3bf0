package dev.lanes.models.cli;

import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.onnx.NodeTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes onnx-test DIR}: runs one directory in the ONNX backend-test layout and prints PASS or
 * FAIL per data set (with the worst element on failure); exits 0 only when every data set passes.
 * {@code python3 ../shared/onnx-node/check.py --cmd "./lanes onnx-test {dir}"} drives the whole suite.
 */
@Command(name = "onnx-test", mixinStandardHelpOptions = true,
        description = "Run one ONNX backend-test directory (model.onnx + test_data_set_N/) and compare with ONNX's rule.")
public final class OnnxTestCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "test directory holding model.onnx and test_data_set_*/")
    Path dir;

    @Option(names = "--backend", defaultValue = "fast", description = "fast or reference (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--threads", defaultValue = "1", description = "intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(dir.resolve("model.onnx"))) {
            System.out.println("FAIL " + dir + ": no model.onnx in this directory");
            return 2;
        }
        SessionOptions opts = SessionOptions.defaults().withThreads(threads).withBackend(RunCommand.backend(backend));
        NodeTestRunner.Result r = NodeTestRunner.run(dir, opts);
        if (r.error() != null) {
            System.out.println("FAIL " + r.test() + ": " + r.error());
            return 1;
        }
        for (NodeTestRunner.DataSetResult d : r.dataSets()) {
            System.out.println(d.passed() ? d.dataSet() + " PASS" : d.dataSet() + " FAIL " + d.detail());
        }
        return r.passed() ? 0 : 1;
    }
}
