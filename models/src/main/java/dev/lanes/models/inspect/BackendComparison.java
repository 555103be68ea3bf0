package dev.lanes.models.inspect;

import dev.lanes.graph.Backend;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a model on the fast and on the reference backend, node by node, and measures how far each
 * node's outputs on the fast backend are from the reference ones. Both runs see the same inputs and
 * carry their own errors forward, so the first node over the tolerance is where a divergence starts.
 *
 * @param nodes         one row per node in schedule order
 * @param tolerance     the allowed error, relative to the largest reference magnitude (at least 1)
 * @param firstDivergent index into {@code nodes} of the first row over the tolerance, or -1
 */
public record BackendComparison(List<NodeError> nodes, double tolerance, int firstDivergent) {

    /**
     * One node's worst output error.
     *
     * @param maxAbsError  the largest |fast - reference| over its floating-point outputs (NaN where one side has NaN and the other not)
     * @param maxAbsRef    the largest |reference| over those outputs
     * @param shapeMismatch a description when the output shapes or types differ, else null
     */
    public record NodeError(Node node, double maxAbsError, double maxAbsRef, String shapeMismatch) {
        public boolean exceeds(double tolerance) {
            return shapeMismatch != null || Double.isNaN(maxAbsError) || maxAbsError > tolerance * Math.max(1, maxAbsRef);
        }
    }

    public static BackendComparison run(Path model, int threads, Map<String, Tensor> inputs, double tolerance) throws IOException {
        SessionOptions base = SessionOptions.defaults().withThreads(threads);
        NodeTrace ref = NodeTrace.run(model, base.withBackend(Backend.REFERENCE), inputs);
        NodeTrace fast = NodeTrace.run(model, base.withBackend(Backend.FAST), inputs);
        return compare(ref, fast, tolerance);
    }

    static BackendComparison compare(NodeTrace ref, NodeTrace fast, double tolerance) {
        List<NodeError> rows = new ArrayList<>();
        int first = -1;
        for (Node n : ref.nodes()) {
            double err = 0, mag = 0;
            String mismatch = null;
            for (String out : n.outputs()) {
                Tensor r = ref.value(out), f = fast.value(out);
                if (r == null && f == null) continue;
                if (r == null || f == null || r.dtype() != f.dtype() || !java.util.Arrays.equals(r.shape(), f.shape())) {
                    mismatch = out + ": reference " + describe(r) + ", fast " + describe(f);
                    continue;
                }
                for (int i = 0; i < r.size(); i++) {
                    double a = r.getDouble(i), b = f.getDouble(i);
                    if (Double.isNaN(a) != Double.isNaN(b)) {
                        err = Double.NaN;
                    } else if (!Double.isNaN(a) && !Double.isNaN(err)) {
                        if (Double.isInfinite(a) || Double.isInfinite(b)) {
                            if (a != b) err = Double.POSITIVE_INFINITY;
                        } else {
                            err = Math.max(err, Math.abs(a - b));
                            mag = Math.max(mag, Math.abs(a));
                        }
                    }
                }
            }
            NodeError row = new NodeError(n, err, mag, mismatch);
            if (first < 0 && row.exceeds(tolerance)) first = rows.size();
            rows.add(row);
        }
        return new BackendComparison(List.copyOf(rows), tolerance, first);
    }

    private static String describe(Tensor t) {
        return t == null ? "absent" : t.dtype() + java.util.Arrays.toString(t.shape());
    }

    /** The largest error over all nodes. */
    public double maxError() {
        double m = 0;
        for (NodeError e : nodes) m = Double.isNaN(e.maxAbsError) ? Double.NaN : Math.max(m, e.maxAbsError);
        return m;
    }

    /** The largest error over all nodes, each relative to {@code max(1, |reference|)} as the tolerance is. */
    public double maxRelativeError() {
        double m = 0;
        for (NodeError e : nodes) m = Double.isNaN(e.maxAbsError) ? Double.NaN : Math.max(m, e.maxAbsError / Math.max(1, e.maxAbsRef));
        return m;
    }
}
