package dev.lanes.graph.onnx;

import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs one directory in the ONNX backend-test layout ({@code model.onnx} plus
 * {@code test_data_set_N/input_K.pb} and {@code output_K.pb}) through a {@link Session} and compares
 * with ONNX's rule: equal shapes and dtypes, {@code |a − e| ≤ 1e-7 + 1e-3·|e|}, NaN equals NaN.
 * {@code input_K} feeds the K-th graph input; inputs without a file take their initializer default.
 */
public final class NodeTestRunner {
    public static final double RTOL = 1e-3;
    public static final double ATOL = 1e-7;

    private NodeTestRunner() {}

    /** The verdict for one data set; {@code detail} says what differed (empty when it passed). */
    public record DataSetResult(String dataSet, boolean passed, String detail) {}

    /** The verdict for a test directory; {@code error} is set when the model did not load or run. */
    public record Result(String test, List<DataSetResult> dataSets, String error) {
        public boolean passed() {
            return error == null && !dataSets.isEmpty() && dataSets.stream().allMatch(DataSetResult::passed);
        }
    }

    public static Result run(Path dir, SessionOptions options) {
        String test = dir.getFileName().toString();
        Path model = dir.resolve("model.onnx");
        List<DataSetResult> results = new ArrayList<>();
        try (Session session = Session.open(model, options)) {
            List<Path> sets;
            try (Stream<Path> s = Files.list(dir)) {
                sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p))
                        .sorted().toList();
            }
            if (sets.isEmpty()) {
                return new Result(test, results, "no test_data_set_* directory in " + dir);
            }
            for (Path set : sets) {
                results.add(runDataSet(session, set));
            }
            return new Result(test, results, null);
        } catch (IOException | RuntimeException e) {
            return new Result(test, results, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static DataSetResult runDataSet(Session session, Path set) throws IOException {
        String name = set.getFileName().toString();
        Map<String, Tensor> feeds = new HashMap<>();
        List<String> inputs = session.inputNames();
        for (int k = 0; ; k++) {
            Path f = set.resolve("input_" + k + ".pb");
            if (!Files.exists(f)) {
                break;
            }
            if (k >= inputs.size()) {
                return new DataSetResult(name, false, "input_" + k + ".pb has no matching graph input (the model has " + inputs.size() + ")");
            }
            feeds.put(inputs.get(k), TensorProtos.read(f));
        }
        Map<String, Tensor> outs;
        try {
            outs = session.run(feeds);
        } catch (RuntimeException e) {
            return new DataSetResult(name, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        List<String> outNames = session.outputNames();
        StringBuilder detail = new StringBuilder();
        for (int k = 0; k < outNames.size(); k++) {
            Path f = set.resolve("output_" + k + ".pb");
            if (!Files.exists(f)) {
                continue;
            }
            String diff = compare(TensorProtos.read(f), outs.get(outNames.get(k)));
            if (diff != null) {
                detail.append("output ").append(k).append(" '").append(outNames.get(k)).append("': ").append(diff).append("; ");
            }
        }
        return new DataSetResult(name, detail.isEmpty(), detail.toString());
    }

    /** Null when {@code actual} matches {@code expected} by ONNX's rule, else what differs (worst element). */
    public static String compare(Tensor expected, Tensor actual) {
        if (actual == null) {
            return "missing";
        }
        if (expected.dtype() != actual.dtype()) {
            return "dtype " + actual.dtype() + ", expected " + expected.dtype();
        }
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            return "shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape());
        }
        int worst = -1;
        double worstExcess = 0;
        int bad = 0;
        boolean exact = !expected.dtype().isFloatingPoint();
        for (int i = 0; i < expected.size(); i++) {
            boolean ok;
            double excess;
            if (exact) {
                ok = expected.getLong(i) == actual.getLong(i);
                excess = ok ? 0 : Math.abs((double) expected.getLong(i) - actual.getLong(i));
            } else {
                double e = expected.getDouble(i), a = actual.getDouble(i);
                if (Double.isNaN(e) || Double.isNaN(a)) {
                    ok = Double.isNaN(e) && Double.isNaN(a);
                    excess = ok ? 0 : Double.POSITIVE_INFINITY;
                } else if (e == a) {
                    ok = true;
                    excess = 0;
                } else {
                    double tol = ATOL + RTOL * Math.abs(e);
                    double d = Math.abs(a - e);
                    ok = d <= tol;
                    excess = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d - tol;
                }
            }
            if (!ok) {
                bad++;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        String e = exact ? Long.toString(expected.getLong(worst)) : Double.toString(expected.getDouble(worst));
        String a = exact ? Long.toString(actual.getLong(worst)) : Double.toString(actual.getDouble(worst));
        return bad + " of " + expected.size() + " elements differ; worst at flat index " + worst + " "
                + Arrays.toString(unflatten(worst, expected.shape())) + ": got " + a + ", expected " + e;
    }

    private static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return idx;
    }

    /** True for the bool/int dtypes that compare exactly. */
    static boolean exact(DType t) {
        return !t.isFloatingPoint();
    }
}
