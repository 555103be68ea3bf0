package dev.lanes.models.inspect;

import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.models.ReferenceCase;
import dev.lanes.models.TensorFile;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inputs to run a model with: a real model's reference input, or, for any other model, deterministic
 * pseudo-random data shaped as the model declares (symbolic dimensions from {@code dims}, else 1 for
 * names that look like a batch and {@code defaultDim} for the rest).
 */
public final class ModelInputs {
    private ModelInputs() {}

    public static Map<String, Tensor> fromReference(ReferenceCase ref) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorFile f : ref.inputs()) {
            int[] shape = Arrays.stream(f.shape()).mapToInt(Math::toIntExact).toArray();
            out.put(f.name(), switch (f.dtype()) {
                case FLOAT32 -> Tensor.of(f.floats(), shape);
                case INT64 -> Tensor.ofLongs(f.longs(), shape);
            });
        }
        return out;
    }

    /**
     * Random inputs for every input of the session that has no default. Floats are uniform in [-1, 1];
     * integers are in [0, 100), or below the smallest table a Gather indexes with them (BERT's
     * {@code token_type_ids} index a table of 2 rows), except inputs whose name contains "mask", which
     * are all ones.
     */
    public static Map<String, Tensor> synthetic(Session session, Map<String, Integer> dims, int defaultDim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ValueInfo in : session.inputs()) {
            if (session.hasDefault(in.name())) continue;
            if (in.dims() == null) throw new IllegalArgumentException("input '" + in.name() + "' has no declared shape; give the model a shaped input");
            int[] shape = shape(in, dims, defaultDim);
            DType type = in.dtype() == null ? DType.FLOAT32 : in.dtype();
            int n = Tensor.checkedSize(shape);
            boolean mask = in.name().toLowerCase(java.util.Locale.ROOT).contains("mask");
            int bound = indexBound(session.model().graph(), in.name(), 100);
            Tensor t = switch (type) {
                case FLOAT32 -> {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) v[i] = (float) (random.nextDouble() * 2 - 1);
                    yield Tensor.of(v, shape);
                }
                case INT64 -> {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) v[i] = mask ? 1 : random.nextInt(bound);
                    yield Tensor.ofLongs(v, shape);
                }
                case INT32 -> {
                    int[] v = new int[n];
                    for (int i = 0; i < n; i++) v[i] = mask ? 1 : random.nextInt(bound);
                    yield Tensor.ofInts(v, shape);
                }
                default -> throw new IllegalArgumentException("input '" + in.name() + "' is " + type + "; synthetic inputs are float32, int64 or int32");
            };
            out.put(in.name(), t);
        }
        return out;
    }

    /**
     * The number of rows of the smallest constant table that a Gather indexes with {@code input}
     * directly (ids must stay inside it), capped at {@code cap}; {@code cap} when no Gather does.
     */
    static int indexBound(Graph graph, String input, int cap) {
        int bound = cap;
        for (Node n : graph.consumers(input)) {
            if (!n.opType().equals("Gather") || n.inputs().size() < 2 || !n.input(1).equals(input)) continue;
            Tensor table = graph.initializers().get(n.input(0));
            if (table == null) continue;
            int[] shape = table.shape();
            Attribute axisAttr = n.attributes().get("axis");
            long axis = axisAttr == null ? 0 : ((Number) axisAttr.value()).longValue();
            if (axis < 0) axis += shape.length;
            if (axis >= 0 && axis < shape.length && shape[(int) axis] > 0) bound = Math.min(bound, shape[(int) axis]);
        }
        return bound;
    }

    static int[] shape(ValueInfo in, Map<String, Integer> dims, int defaultDim) {
        List<Dim> ds = in.dims();
        int[] shape = new int[ds.size()];
        for (int d = 0; d < shape.length; d++) {
            Dim dim = ds.get(d);
            if (dim.isFixed()) {
                shape[d] = Math.toIntExact(dim.value());
            } else if (dim.isSymbolic() && dims.containsKey(dim.symbol())) {
                shape[d] = dims.get(dim.symbol());
            } else {
                String sym = dim.isSymbolic() ? dim.symbol().toLowerCase(java.util.Locale.ROOT) : "";
                shape[d] = d == 0 || sym.contains("batch") || sym.equals("n") ? 1 : defaultDim;
            }
        }
        return shape;
    }
}
