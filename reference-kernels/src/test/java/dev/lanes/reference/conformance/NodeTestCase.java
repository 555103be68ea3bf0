package dev.lanes.reference.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One ONNX backend node test ({@code ../shared/onnx-node/test_xxx}): its model, the tensor behind
 * every node input, and the expected outputs. {@code input_i.pb} lines up with {@code graph.input[i]}
 * and {@code output_i.pb} with {@code graph.output[i]}; node inputs not fed by the data set come from
 * the graph's initializers (the pytorch-converted tests list their weights both ways).
 */
public final class NodeTestCase {
    private final String name;
    private final Path dir;
    private final OnnxModel model;
    private final Map<String, OnnxTensor> values;
    private final List<OnnxTensor> expected;

    private NodeTestCase(String name, Path dir, OnnxModel model, Map<String, OnnxTensor> values, List<OnnxTensor> expected) {
        this.name = name;
        this.dir = dir;
        this.model = model;
        this.values = values;
        this.expected = expected;
    }

    /** The folder of the node tests: {@code ${lanes.shared}/onnx-node} (default {@code ../shared}). */
    public static Path root() {
        return Paths.get(System.getProperty("lanes.shared", "../shared")).resolve("onnx-node");
    }

    /** Loads {@code root()/testName} with its only data set, {@code test_data_set_0}. */
    public static NodeTestCase load(String testName) {
        return load(root().resolve(testName));
    }

    public static NodeTestCase load(Path dir) {
        OnnxModel model = OnnxModel.read(dir.resolve("model.onnx"));
        Path data = dir.resolve("test_data_set_0");
        Map<String, OnnxTensor> values = new HashMap<>(model.initializers());
        for (int i = 0; Files.exists(data.resolve("input_" + i + ".pb")); i++) {
            if (i >= model.inputs().size()) {
                throw new IllegalArgumentException(dir + ": input_" + i + ".pb has no graph input");
            }
            values.put(model.inputs().get(i), OnnxTensorFile.read(data.resolve("input_" + i + ".pb")));
        }
        List<OnnxTensor> expected = new ArrayList<>();
        for (int i = 0; i < model.outputs().size(); i++) {
            Path p = data.resolve("output_" + i + ".pb");
            if (!Files.exists(p)) throw new IllegalArgumentException(dir + ": missing " + p.getFileName());
            expected.add(OnnxTensorFile.read(p));
        }
        return new NodeTestCase(dir.getFileName().toString(), dir, model, Collections.unmodifiableMap(values), List.copyOf(expected));
    }

    /** Names of the tests whose graph is exactly one node of {@code opType} (so no {@code _expanded} twins), sorted. */
    public static List<String> namesForOp(String opType) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : singleNodeOps().entrySet()) {
            if (e.getValue().equals(opType)) out.add(e.getKey());
        }
        return out;
    }

    public static Stream<NodeTestCase> forOp(String opType) {
        return namesForOp(opType).stream().map(NodeTestCase::load);
    }

    private static Map<String, String> singleNodeOpsCache;

    /** test name → op type, for every test whose graph has one node; read once per JVM. */
    private static synchronized Map<String, String> singleNodeOps() {
        if (singleNodeOpsCache == null) {
            Path root = root();
            if (!Files.isDirectory(root)) {
                throw new IllegalStateException("ONNX node tests not found at " + root.toAbsolutePath()
                        + " (set -Dlanes.shared to the folder holding onnx-node)");
            }
            Map<String, String> m = new TreeMap<>();
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    if (!Files.isRegularFile(d.resolve("model.onnx"))) continue;
                    OnnxModel model = OnnxModel.read(d.resolve("model.onnx"));
                    if (model.nodes().size() == 1) m.put(d.getFileName().toString(), model.nodes().get(0).opType());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
            singleNodeOpsCache = Collections.unmodifiableMap(m);
        }
        return singleNodeOpsCache;
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public OnnxModel model() {
        return model;
    }

    public long opset() {
        return model.opset();
    }

    /** The graph's only node; throws when the graph has several (an expanded test). */
    public OnnxNode node() {
        if (model.nodes().size() != 1) {
            throw new IllegalStateException(name + " has " + model.nodes().size() + " nodes, not one");
        }
        return model.nodes().get(0);
    }

    /** How many inputs the node lists (omitted optional ones included, as empty names). */
    public int inputCount() {
        return node().inputs().size();
    }

    /** True when the node has input {@code i} and it is not an omitted optional input (empty name). */
    public boolean hasInput(int i) {
        List<String> in = node().inputs();
        return i < in.size() && !in.get(i).isEmpty();
    }

    /** The tensor of node input {@code i}; null when the input is absent or omitted. */
    public OnnxTensor input(int i) {
        if (!hasInput(i)) return null;
        String n = node().inputs().get(i);
        OnnxTensor t = values.get(n);
        if (t == null) throw new IllegalStateException(name + ": node input '" + n + "' has no data and no initializer");
        return t;
    }

    /** The expected value of graph output {@code i} (the node's output {@code i} in a node test). */
    public OnnxTensor expected(int i) {
        return expected.get(i);
    }

    public List<OnnxTensor> expectedOutputs() {
        return expected;
    }

    @Override
    public String toString() {
        return name;
    }
}
