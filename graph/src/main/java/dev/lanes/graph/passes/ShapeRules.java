package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.ops.FusedOps;
import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.MatMulShape;
import dev.lanes.reference.PoolShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The output types and shapes of one node from what is known of its inputs: element type, dims
 * (fixed, symbolic or unknown) and the values of constant inputs (a Reshape's target shape, Slice's
 * starts…). An op without a rule, or a rule that lacks what it needs, yields unknown outputs: the
 * rules never guess. When every input dim is fixed, the rules of the heavy ops (Conv, pools, MatMul,
 * Gemm, Attention) use the reference kernels' own shape records, so inference and execution share
 * one definition of the output size.
 */
final class ShapeRules {
    private ShapeRules() {}

    /** Ops whose single output has the type and shape of input 0. */
    private static final Set<String> SAME_AS_INPUT = Set.of(
            "Identity", "Relu", "LeakyRelu", "Elu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Exp", "Log", "Sqrt",
            "Reciprocal", "Neg", "Abs", "Erf", "Gelu", "Clip", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan",
            "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softplus", "Softsign", "Selu", "Celu",
            "ThresholdedRelu", "Mish", "Softmax", "LogSoftmax", "InstanceNormalization", "RMSNormalization",
            "LpNormalization", "Dropout", "BatchNormalization", "LayerNormalization");

    private static final Set<String> BROADCAST_SAME_TYPE = Set.of(
            "Add", "Sub", "Mul", "Div", "Mod", "BitShift", "Min", "Max", "Sum", "Mean", "Pow");

    private static final Set<String> BROADCAST_BOOL = Set.of(
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor");

    /**
     * Infers the outputs of {@code n}.
     *
     * @param info     what is known of each input value
     * @param constant a constant input's value, or null
     * @return one entry per node output (unknown where nothing can be said)
     */
    static List<ValueInfo> infer(Node n, Function<String, ValueInfo> info, Function<String, Tensor> constant) {
        List<ValueInfo> out = new ArrayList<>();
        for (String o : n.outputs()) {
            out.add(ValueInfo.unknown(o));
        }
        if (n.outputs().isEmpty()) {
            return out;
        }
        Ctx c = new Ctx(n, info, constant);
        try {
            rule(c, out);
        } catch (RuntimeException e) {
            // A node that breaks its op's rules is reported when the plan is compiled or run; here
            // it only means "unknown".
            for (int i = 0; i < out.size(); i++) {
                out.set(i, ValueInfo.unknown(n.outputs().get(i)));
            }
        }
        return out;
    }

    private static void rule(Ctx c, List<ValueInfo> out) {
        Node n = c.node;
        String op = n.opType();
        if (n.domain().equals(FusedOps.DOMAIN)) {
            switch (op) {
                case FusedOps.FUSED_CONV -> conv(c, out);
                case FusedOps.FUSED_MATMUL -> matmul(c, out);
                case FusedOps.FUSED_GEMM -> gemm(c, out);
                case FusedOps.QKV_ATTENTION -> qkvAttention(c, out);
                default -> { }
            }
            return;
        }
        if (!n.domain().isEmpty()) {
            return;
        }
        if (SAME_AS_INPUT.contains(op)) {
            c.set(out, 0, c.dtype(0), c.dims(0));
            if (op.equals("Dropout") && out.size() > 1) {
                c.set(out, 1, DType.BOOL, c.dims(0));
            }
            return;
        }
        if (BROADCAST_SAME_TYPE.contains(op)) {
            c.set(out, 0, c.dtype(0), c.broadcastAll());
            return;
        }
        if (BROADCAST_BOOL.contains(op)) {
            c.set(out, 0, DType.BOOL, c.broadcastAll());
            return;
        }
        switch (op) {
            case "IsNaN", "IsInf", "Not" -> c.set(out, 0, DType.BOOL, c.dims(0));
            case "PRelu" -> c.set(out, 0, c.dtype(0), c.dims(0));
            case "Cast" -> c.set(out, 0, castTarget(n), c.dims(0));
            case "CastLike" -> c.set(out, 0, c.dtype(1), c.dims(0));
            case "Where" -> c.set(out, 0, c.dtype(1), c.broadcastAll(1, 2, 0));
            case "MatMul" -> matmul(c, out);
            case "Gemm" -> gemm(c, out);
            case "Conv" -> conv(c, out);
            case "ConvTranspose" -> convTranspose(c, out);
            case "MaxPool", "AveragePool" -> pool(c, out);
            case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(c, out);
            case "Shape" -> shape(c, out);
            case "Size" -> c.set(out, 0, DType.INT64, List.of());
            case "Reshape" -> reshape(c, out);
            case "Flatten" -> flatten(c, out);
            case "Squeeze" -> squeeze(c, out);
            case "Unsqueeze" -> unsqueeze(c, out);
            case "Transpose" -> transpose(c, out);
            case "Concat" -> concat(c, out);
            case "Split" -> split(c, out);
            case "Slice" -> slice(c, out);
            case "Gather" -> gather(c, out);
            case "GatherElements" -> c.set(out, 0, c.dtype(0), c.dims(1));
            case "Expand" -> expand(c, out);
            case "Tile" -> tile(c, out);
            case "Pad" -> pad(c, out);
            case "Resize", "Upsample" -> resize(c, out);
            case "ConstantOfShape" -> constantOfShape(c, out);
            case "Range" -> range(c, out);
            case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                 "ReduceLogSumExp", "ReduceSumSquare" -> reduce(c, out);
            case "ArgMax", "ArgMin" -> argReduce(c, out);
            case "Attention" -> attention(c, out);
            default -> { }
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** What a rule reads about its node. */
    private static final class Ctx {
        final Node node;
        final Function<String, ValueInfo> info;
        final Function<String, Tensor> constant;

        Ctx(Node node, Function<String, ValueInfo> info, Function<String, Tensor> constant) {
            this.node = node;
            this.info = info;
            this.constant = constant;
        }

        boolean has(int i) {
            return !node.input(i).isEmpty();
        }

        ValueInfo in(int i) {
            return has(i) ? info.apply(node.input(i)) : ValueInfo.unknown("");
        }

        DType dtype(int i) {
            return in(i).dtype();
        }

        /** Dims of input i, or null when its rank is unknown. */
        List<Dim> dims(int i) {
            return in(i).dims();
        }

        /** All dims of input i as ints when every one is fixed, else null. */
        int[] fixed(int i) {
            return in(i).fixedShape();
        }

        Tensor constant(int i) {
            return has(i) ? constant.apply(node.input(i)) : null;
        }

        long[] constLongs(int i) {
            Tensor t = constant(i);
            if (t == null || !t.dtype().isInteger()) {
                return null;
            }
            long[] v = new long[t.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = t.getLong(k);
            }
            return v;
        }

        void set(List<ValueInfo> out, int i, DType dtype, List<Dim> dims) {
            if (i < out.size() && !node.outputs().get(i).isEmpty()) {
                out.set(i, new ValueInfo(node.outputs().get(i), dtype, dims));
            }
        }

        List<Dim> broadcastAll(int... order) {
            int[] idx = order.length > 0 ? order : range(node.inputs().size());
            List<Dim> acc = List.of();
            for (int i : idx) {
                if (!has(i)) {
                    continue;
                }
                List<Dim> d = dims(i);
                if (d == null) {
                    return null;
                }
                acc = broadcast(acc, d);
            }
            return acc;
        }

        private static int[] range(int n) {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = i;
            }
            return r;
        }
    }

    /** Numpy broadcasting of two dim lists; a pair that cannot be decided gives an unknown dim. */
    static List<Dim> broadcast(List<Dim> a, List<Dim> b) {
        int rank = Math.max(a.size(), b.size());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            Dim da = i < rank - a.size() ? Dim.of(1) : a.get(i - (rank - a.size()));
            Dim db = i < rank - b.size() ? Dim.of(1) : b.get(i - (rank - b.size()));
            out.add(broadcastDim(da, db));
        }
        return out;
    }

    private static Dim broadcastDim(Dim a, Dim b) {
        if (a.isFixed() && a.value() == 1) {
            return b;
        }
        if (b.isFixed() && b.value() == 1) {
            return a;
        }
        if (a.isFixed() && b.isFixed()) {
            if (a.value() != b.value()) {
                throw new IllegalArgumentException("dims " + a + " and " + b + " do not broadcast");
            }
            return a;
        }
        if (a.isFixed()) {
            return a; // b is symbolic or unknown: it must equal a (or be 1, which a valid model excludes here)
        }
        if (b.isFixed()) {
            return b;
        }
        if (a.isSymbolic() && a.equals(b)) {
            return a;
        }
        return Dim.UNKNOWN;
    }

    private static List<Dim> dimsOf(int... shape) {
        List<Dim> d = new ArrayList<>(shape.length);
        for (int s : shape) {
            d.add(Dim.of(s));
        }
        return d;
    }

    private static DType castTarget(Node n) {
        long to = NodeAttrs.getLong(n, "to", -1);
        try {
            return to < 0 ? null : DType.fromOnnx((int) to);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // --- linear algebra -------------------------------------------------------------------------

    private static void matmul(Ctx c, List<ValueInfo> out) {
        List<Dim> a = c.dims(0), b = c.dims(1);
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            return;
        }
        int[] fa = c.fixed(0), fb = c.fixed(1);
        if (NodeAttrs.getLong(c.node, FusedOps.TRANS_B, 0) == 1) {
            // FusedMatMul reading B transposed: the product sees B's last two dims swapped.
            if (b.size() < 2) {
                return;
            }
            b = new ArrayList<>(b);
            Collections.swap(b, b.size() - 2, b.size() - 1);
            if (fb != null) {
                fb = fb.clone();
                int t = fb[fb.length - 2];
                fb[fb.length - 2] = fb[fb.length - 1];
                fb[fb.length - 1] = t;
            }
        }
        if (fa != null && fb != null) {
            c.set(out, 0, c.dtype(0), dimsOf(MatMulShape.fromOnnx(fa, fb).outputShape()));
            return;
        }
        List<Dim> batchA = a.size() > 2 ? a.subList(0, a.size() - 2) : List.of();
        List<Dim> batchB = b.size() > 2 ? b.subList(0, b.size() - 2) : List.of();
        List<Dim> r = new ArrayList<>(broadcast(batchA, batchB));
        if (a.size() >= 2) {
            r.add(a.get(a.size() - 2));
        }
        if (b.size() >= 2) {
            r.add(b.get(b.size() - 1));
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void gemm(Ctx c, List<ValueInfo> out) {
        List<Dim> a = c.dims(0), b = c.dims(1);
        if (a == null || b == null || a.size() != 2 || b.size() != 2) {
            return;
        }
        boolean ta = NodeAttrs.getLong(c.node, "transA", 0) != 0, tb = NodeAttrs.getLong(c.node, "transB", 0) != 0;
        c.set(out, 0, c.dtype(0), List.of(a.get(ta ? 1 : 0), b.get(tb ? 0 : 1)));
    }

    // --- convolution and pooling -----------------------------------------------------------------

    private static int[] ints(long[] v) {
        if (v == null) {
            return null;
        }
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.toIntExact(v[i]);
        }
        return r;
    }

    /** Input 0's dims with a symbolic batch replaced by 1 (its value does not change the spatial arithmetic), or null. */
    private static int[] fixedButBatch(Ctx c) {
        List<Dim> x = c.dims(0);
        if (x == null || x.size() < 3) {
            return null;
        }
        int[] s = new int[x.size()];
        for (int i = 0; i < s.length; i++) {
            if (x.get(i).isFixed()) {
                s[i] = (int) x.get(i).value();
            } else if (i == 0) {
                s[i] = 1;
            } else {
                return null;
            }
        }
        return s;
    }

    /** Output dims computed for batch 1 with the real batch dim put back. */
    private static List<Dim> withBatch(Ctx c, int[] shape) {
        List<Dim> r = new ArrayList<>(dimsOf(shape));
        r.set(0, c.dims(0).get(0));
        return r;
    }

    private static void conv(Ctx c, List<ValueInfo> out) {
        Node n = c.node;
        List<Dim> x = c.dims(0), w = c.dims(1);
        if (x == null || w == null) {
            return;
        }
        int[] xs = fixedButBatch(c), ws = c.fixed(1);
        if (xs != null && ws != null) {
            ConvShape s = ConvShape.fromOnnx(xs, ws, null, NodeAttrs.getString(n, "auto_pad", "NOTSET"),
                    ints(NodeAttrs.getLongs(n, "kernel_shape")), ints(NodeAttrs.getLongs(n, "pads")),
                    ints(NodeAttrs.getLongs(n, "strides")), ints(NodeAttrs.getLongs(n, "dilations")),
                    (int) NodeAttrs.getLong(n, "group", 1));
            c.set(out, 0, c.dtype(0), withBatch(c, s.outputShape()));
            return;
        }
        List<Dim> r = new ArrayList<>();
        r.add(x.get(0));
        r.add(w.isEmpty() ? Dim.UNKNOWN : w.get(0));
        for (int i = 2; i < x.size(); i++) {
            r.add(Dim.UNKNOWN);
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void convTranspose(Ctx c, List<ValueInfo> out) {
        Node n = c.node;
        int[] xs = fixedButBatch(c), ws = c.fixed(1);
        if (xs == null || ws == null) {
            return;
        }
        ConvTransposeShape s = ConvTransposeShape.fromOnnx(xs, ws, null, NodeAttrs.getString(n, "auto_pad", "NOTSET"),
                ints(NodeAttrs.getLongs(n, "kernel_shape")), ints(NodeAttrs.getLongs(n, "pads")),
                ints(NodeAttrs.getLongs(n, "strides")), ints(NodeAttrs.getLongs(n, "dilations")),
                ints(NodeAttrs.getLongs(n, "output_padding")), ints(NodeAttrs.getLongs(n, "output_shape")),
                (int) NodeAttrs.getLong(n, "group", 1));
        c.set(out, 0, c.dtype(0), withBatch(c, s.outputShape()));
    }

    private static void pool(Ctx c, List<ValueInfo> out) {
        Node n = c.node;
        int[] xs = fixedButBatch(c);
        if (xs == null) {
            return;
        }
        PoolShape.Mode mode = n.opType().equals("MaxPool") ? PoolShape.Mode.MAX : PoolShape.Mode.AVERAGE;
        PoolShape s = PoolShape.fromOnnx(mode, xs, NodeAttrs.getString(n, "auto_pad", "NOTSET"),
                ints(NodeAttrs.getLongs(n, "kernel_shape")), ints(NodeAttrs.getLongs(n, "pads")),
                ints(NodeAttrs.getLongs(n, "strides")), ints(NodeAttrs.getLongs(n, "dilations")),
                NodeAttrs.getLong(n, "ceil_mode", 0) != 0,
                mode == PoolShape.Mode.AVERAGE && NodeAttrs.getLong(n, "count_include_pad", 0) != 0,
                mode == PoolShape.Mode.MAX ? (int) NodeAttrs.getLong(n, "storage_order", 0) : 0);
        List<Dim> d = withBatch(c, s.outputShape());
        c.set(out, 0, c.dtype(0), d);
        c.set(out, 1, DType.INT64, d);
    }

    private static void globalPool(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null || x.size() < 2) {
            return;
        }
        List<Dim> r = new ArrayList<>(x.subList(0, 2));
        for (int i = 2; i < x.size(); i++) {
            r.add(Dim.of(1));
        }
        c.set(out, 0, c.dtype(0), r);
    }

    // --- shape manipulation ----------------------------------------------------------------------

    private static void shape(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(out, 0, DType.INT64, List.of(Dim.UNKNOWN));
            return;
        }
        int r = x.size();
        long start = NodeAttrs.getLong(c.node, "start", 0), end = NodeAttrs.getLong(c.node, "end", r);
        int s = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        c.set(out, 0, DType.INT64, List.of(Dim.of(Math.max(0, e - s))));
    }

    private static void reshape(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        long[] target = c.node.opset() < 5 ? NodeAttrs.getLongs(c.node, "shape") : c.constLongs(1);
        if (target == null) {
            if (c.has(1) && c.dims(1) != null && c.dims(1).size() == 1 && c.dims(1).get(0).isFixed()) {
                List<Dim> r = new ArrayList<>();
                for (int i = 0; i < c.dims(1).get(0).value(); i++) {
                    r.add(Dim.UNKNOWN);
                }
                c.set(out, 0, c.dtype(0), r);
            }
            return;
        }
        boolean allowZero = NodeAttrs.getLong(c.node, "allowzero", 0) != 0;
        List<Dim> r = new ArrayList<>();
        int infer = -1;
        long known = 1;
        boolean[] copied = new boolean[x == null ? 0 : x.size()];
        for (int i = 0; i < target.length; i++) {
            long d = target[i];
            if (d == -1) {
                infer = i;
                r.add(Dim.UNKNOWN);
            } else if (d == 0 && !allowZero) {
                if (x == null || i >= x.size()) {
                    r.add(Dim.UNKNOWN);
                    known = -1;
                    continue;
                }
                r.add(x.get(i));
                copied[i] = true;
                if (x.get(i).isFixed()) {
                    known = known < 0 ? known : known * x.get(i).value();
                } else {
                    known = -1;
                }
            } else {
                r.add(Dim.of(d));
                known = known < 0 ? known : known * d;
            }
        }
        if (infer >= 0 && x != null && known > 0) {
            // The inferred dim is the input's element count over the known ones: decidable when the
            // input dims that are not copied through by a 0 are all fixed.
            long total = 1;
            boolean fixed = true;
            for (int i = 0; i < x.size(); i++) {
                if (x.get(i).isFixed()) {
                    total *= x.get(i).value();
                } else {
                    fixed = false;
                }
            }
            if (fixed && known != 0 && total % known == 0) {
                r.set(infer, Dim.of(total / known));
            }
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void flatten(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        long axis = NodeAttrs.getLong(c.node, "axis", 1);
        int a = (int) (axis < 0 ? axis + x.size() : axis);
        c.set(out, 0, c.dtype(0), List.of(product(x, 0, a), product(x, a, x.size())));
    }

    private static Dim product(List<Dim> d, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (!d.get(i).isFixed()) {
                return to - from == 1 ? d.get(i) : Dim.UNKNOWN;
            }
            p *= d.get(i).value();
        }
        return Dim.of(p);
    }

    private static long[] axesOf(Ctx c, int inputIndex, int sinceOpset) {
        return c.node.opset() >= sinceOpset ? c.constLongs(inputIndex) : NodeAttrs.getLongs(c.node, "axes");
    }

    private static void squeeze(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        boolean axesGiven = c.node.opset() >= 13 ? c.has(1) : NodeAttrs.has(c.node, "axes");
        long[] axes = axesOf(c, 1, 13);
        if (axesGiven && axes == null) {
            return;
        }
        List<Dim> r = new ArrayList<>();
        if (axes == null) {
            for (Dim d : x) {
                if (!d.isFixed()) {
                    return;
                }
                if (d.value() != 1) {
                    r.add(d);
                }
            }
        } else {
            boolean[] drop = new boolean[x.size()];
            for (long a : axes) {
                drop[(int) (a < 0 ? a + x.size() : a)] = true;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!drop[i]) {
                    r.add(x.get(i));
                }
            }
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void unsqueeze(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        long[] axes = axesOf(c, 1, 13);
        if (x == null || axes == null) {
            return;
        }
        int rank = x.size() + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
            added[(int) (a < 0 ? a + rank : a)] = true;
        }
        List<Dim> r = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < rank; i++) {
            r.add(added[i] ? Dim.of(1) : x.get(k++));
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void transpose(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        long[] perm = NodeAttrs.getLongs(c.node, "perm");
        List<Dim> r = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            r.add(x.get(perm == null ? x.size() - 1 - i : (int) perm[i]));
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void concat(Ctx c, List<ValueInfo> out) {
        List<Dim> first = null;
        for (int i = 0; i < c.node.inputs().size(); i++) {
            if (c.has(i) && c.dims(i) == null) {
                return;
            }
            if (c.has(i) && first == null) {
                first = c.dims(i);
            }
        }
        if (first == null) {
            return;
        }
        int rank = first.size();
        long axisAttr = NodeAttrs.getLong(c.node, "axis", 1);
        int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
        List<Dim> r = new ArrayList<>(first);
        long sum = 0;
        boolean fixed = true;
        for (int i = 0; i < c.node.inputs().size(); i++) {
            if (!c.has(i)) {
                continue;
            }
            List<Dim> d = c.dims(i);
            if (d.size() != rank) {
                return;
            }
            for (int k = 0; k < rank; k++) {
                if (k != axis && !r.get(k).isFixed() && d.get(k).isFixed()) {
                    r.set(k, d.get(k));
                }
            }
            if (d.get(axis).isFixed()) {
                sum += d.get(axis).value();
            } else {
                fixed = false;
            }
        }
        r.set(axis, fixed ? Dim.of(sum) : Dim.UNKNOWN);
        c.set(out, 0, c.dtype(0), r);
    }

    private static void split(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        long axisAttr = NodeAttrs.getLong(c.node, "axis", 0);
        int axis = (int) (axisAttr < 0 ? axisAttr + x.size() : axisAttr);
        long[] parts = c.node.opset() >= 13 ? c.constLongs(1) : NodeAttrs.getLongs(c.node, "split");
        if (c.node.opset() >= 13 && c.has(1) && parts == null) {
            return;
        }
        int outs = c.node.outputs().size();
        if (parts == null) {
            if (!x.get(axis).isFixed()) {
                return;
            }
            long total = x.get(axis).value();
            long chunk = (total + outs - 1) / outs;
            parts = new long[outs];
            long left = total;
            for (int i = 0; i < outs; i++) {
                parts[i] = Math.min(chunk, left);
                left -= parts[i];
            }
        }
        for (int i = 0; i < Math.min(outs, parts.length); i++) {
            List<Dim> r = new ArrayList<>(x);
            r.set(axis, Dim.of(parts[i]));
            c.set(out, i, c.dtype(0), r);
        }
    }

    private static void slice(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        long[] starts, ends, axes, steps;
        if (c.node.opset() < 10) {
            starts = NodeAttrs.getLongs(c.node, "starts");
            ends = NodeAttrs.getLongs(c.node, "ends");
            axes = NodeAttrs.getLongs(c.node, "axes");
            steps = null;
        } else {
            starts = c.constLongs(1);
            ends = c.constLongs(2);
            axes = c.has(3) ? c.constLongs(3) : null;
            steps = c.has(4) ? c.constLongs(4) : null;
            if ((c.has(3) && axes == null) || (c.has(4) && steps == null)) {
                return;
            }
        }
        if (starts == null || ends == null) {
            return;
        }
        List<Dim> r = new ArrayList<>(x);
        for (int i = 0; i < starts.length; i++) {
            int a = axes == null ? i : (int) (axes[i] < 0 ? axes[i] + x.size() : axes[i]);
            long step = steps == null ? 1 : steps[i];
            Dim d = x.get(a);
            if (!d.isFixed()) {
                boolean whole = step == 1 && starts[i] == 0 && ends[i] >= Integer.MAX_VALUE;
                r.set(a, whole ? d : Dim.UNKNOWN);
                continue;
            }
            r.set(a, Dim.of(sliceLength(d.value(), starts[i], ends[i], step)));
        }
        c.set(out, 0, c.dtype(0), r);
    }

    /** Elements ONNX Slice keeps along an axis of length {@code dim}. */
    static long sliceLength(long dim, long start, long end, long step) {
        if (step == 0) {
            throw new IllegalArgumentException("Slice step 0");
        }
        long s = start < 0 ? start + dim : start;
        long e = end < 0 ? end + dim : end;
        if (step > 0) {
            s = Math.max(0, Math.min(dim, s));
            e = Math.max(0, Math.min(dim, e));
            return e > s ? (e - s + step - 1) / step : 0;
        }
        s = Math.max(-1, Math.min(dim - 1, s));
        e = Math.max(-1, Math.min(dim - 1, e));
        return s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }

    private static void gather(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0), idx = c.dims(1);
        if (x == null || idx == null) {
            return;
        }
        long axisAttr = NodeAttrs.getLong(c.node, "axis", 0);
        int axis = (int) (axisAttr < 0 ? axisAttr + x.size() : axisAttr);
        List<Dim> r = new ArrayList<>(x.subList(0, axis));
        r.addAll(idx);
        r.addAll(x.subList(axis + 1, x.size()));
        c.set(out, 0, c.dtype(0), r);
    }

    private static void expand(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        long[] shape = c.constLongs(1);
        if (x == null || shape == null) {
            return;
        }
        List<Dim> s = new ArrayList<>();
        for (long d : shape) {
            s.add(Dim.of(d));
        }
        c.set(out, 0, c.dtype(0), broadcast(x, s));
    }

    private static void tile(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        long[] reps = c.constLongs(1);
        if (x == null || reps == null || reps.length != x.size()) {
            return;
        }
        List<Dim> r = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            Dim d = x.get(i);
            r.add(reps[i] == 1 ? d : d.isFixed() ? Dim.of(d.value() * reps[i]) : Dim.UNKNOWN);
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void pad(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        long[] pads = c.node.opset() >= 11 ? c.constLongs(1) : NodeAttrs.getLongs(c.node, "pads");
        long[] axes = c.node.opset() >= 18 && c.has(3) ? c.constLongs(3) : null;
        if (pads == null || (c.node.opset() >= 18 && c.has(3) && axes == null)) {
            return;
        }
        int rank = x.size();
        int[] ax = new int[axes == null ? rank : axes.length];
        for (int i = 0; i < ax.length; i++) {
            ax[i] = axes == null ? i : (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
        }
        if (pads.length != 2 * ax.length) {
            return;
        }
        List<Dim> r = new ArrayList<>(x);
        for (int i = 0; i < ax.length; i++) {
            long add = pads[i] + pads[i + ax.length];
            Dim d = x.get(ax[i]);
            r.set(ax[i], add == 0 ? d : d.isFixed() ? Dim.of(d.value() + add) : Dim.UNKNOWN);
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void resize(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        Node n = c.node;
        if (NodeAttrs.has(n, "axes") || !NodeAttrs.getString(n, "keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            return;
        }
        long[] sizes = null;
        float[] scales = null;
        if (n.opType().equals("Upsample")) {
            scales = n.opset() < 9 ? NodeAttrs.getFloats(n, "scales") : floats(c.constant(1));
        } else if (n.opset() < 11) {
            scales = floats(c.constant(1));
        } else {
            Tensor sz = c.constant(3);
            if (sz != null && sz.size() > 0) {
                sizes = c.constLongs(3);
            } else {
                scales = floats(c.constant(2));
            }
        }
        List<Dim> r = new ArrayList<>();
        if (sizes != null && sizes.length == x.size()) {
            for (long s : sizes) {
                r.add(Dim.of(s));
            }
        } else if (scales != null && scales.length == x.size()) {
            for (int i = 0; i < x.size(); i++) {
                Dim d = x.get(i);
                r.add(scales[i] == 1f ? d : d.isFixed() ? Dim.of((long) Math.floor(d.value() * (double) scales[i])) : Dim.UNKNOWN);
            }
        } else {
            return;
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static float[] floats(Tensor t) {
        if (t == null || !t.dtype().isFloatingPoint()) {
            return null;
        }
        float[] f = new float[t.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) t.getDouble(i);
        }
        return f;
    }

    private static void constantOfShape(Ctx c, List<ValueInfo> out) {
        long[] shape = c.constLongs(0);
        Tensor value = NodeAttrs.getTensor(c.node, "value");
        DType t = value == null ? DType.FLOAT32 : value.dtype();
        if (shape == null) {
            List<Dim> s = c.dims(0);
            if (s != null && s.size() == 1 && s.get(0).isFixed()) {
                List<Dim> r = new ArrayList<>();
                for (int i = 0; i < s.get(0).value(); i++) {
                    r.add(Dim.UNKNOWN);
                }
                c.set(out, 0, t, r);
            }
            return;
        }
        List<Dim> r = new ArrayList<>();
        for (long d : shape) {
            r.add(Dim.of(d));
        }
        c.set(out, 0, t, r);
    }

    private static void range(Ctx c, List<ValueInfo> out) {
        Tensor s = c.constant(0), l = c.constant(1), d = c.constant(2);
        if (s == null || l == null || d == null) {
            c.set(out, 0, c.dtype(0), List.of(Dim.UNKNOWN));
            return;
        }
        double start = s.getDouble(0), limit = l.getDouble(0), delta = d.getDouble(0);
        long n = (long) Math.max(0, Math.ceil((limit - start) / delta));
        c.set(out, 0, c.dtype(0), List.of(Dim.of(n)));
    }

    private static void reduce(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        Node n = c.node;
        boolean axesAsInput = n.opType().equals("ReduceSum") ? n.opset() >= 13 : n.opset() >= 18;
        long[] axes = axesAsInput ? c.constLongs(1) : NodeAttrs.getLongs(n, "axes");
        if (axesAsInput && c.has(1) && axes == null) {
            return;
        }
        boolean keep = NodeAttrs.getLong(n, "keepdims", 1) != 0;
        boolean noop = NodeAttrs.getLong(n, "noop_with_empty_axes", 0) != 0;
        if ((axes == null || axes.length == 0) && noop) {
            c.set(out, 0, c.dtype(0), x);
            return;
        }
        boolean[] reduced = new boolean[x.size()];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                reduced[(int) (a < 0 ? a + x.size() : a)] = true;
            }
        }
        List<Dim> r = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (!reduced[i]) {
                r.add(x.get(i));
            } else if (keep) {
                r.add(Dim.of(1));
            }
        }
        c.set(out, 0, c.dtype(0), r);
    }

    private static void argReduce(Ctx c, List<ValueInfo> out) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            return;
        }
        long axisAttr = NodeAttrs.getLong(c.node, "axis", 0);
        int axis = (int) (axisAttr < 0 ? axisAttr + x.size() : axisAttr);
        List<Dim> r = new ArrayList<>(x);
        if (NodeAttrs.getLong(c.node, "keepdims", 1) != 0) {
            r.set(axis, Dim.of(1));
        } else {
            r.remove(axis);
        }
        c.set(out, 0, DType.INT64, r);
    }

    private static void attention(Ctx c, List<ValueInfo> out) {
        int[] q = c.fixed(0), k = c.fixed(1), v = c.fixed(2);
        if (q == null || k == null || v == null) {
            return;
        }
        if (c.has(4) || c.has(5) || c.has(6)) {
            return;
        }
        attention(c, out, q, k, v, 3);
    }

    /** lanes QkvAttention: Attention on three column slices of input 0, the mask at input 1. */
    private static void qkvAttention(Ctx c, List<ValueInfo> out) {
        int[] x = c.fixed(0);
        long[] split = NodeAttrs.getLongs(c.node, FusedOps.QKV_SPLIT);
        if (x == null || x.length != 3 || split == null || split.length != 3) {
            return;
        }
        attention(c, out, new int[] {x[0], x[1], (int) split[0]}, new int[] {x[0], x[1], (int) split[1]},
                new int[] {x[0], x[1], (int) split[2]}, 1);
    }

    private static void attention(Ctx c, List<ValueInfo> out, int[] q, int[] k, int[] v, int maskInput) {
        Node n = c.node;
        Tensor mask = c.constant(maskInput);
        int[] maskShape = c.has(maskInput) ? c.fixed(maskInput) : null;
        if (c.has(maskInput) && maskShape == null) {
            return;
        }
        Integer qh = NodeAttrs.has(n, "q_num_heads") ? (int) NodeAttrs.getLong(n, "q_num_heads", 0) : null;
        Integer kvh = NodeAttrs.has(n, "kv_num_heads") ? (int) NodeAttrs.getLong(n, "kv_num_heads", 0) : null;
        Float scale = NodeAttrs.has(n, "scale") ? NodeAttrs.getFloat(n, "scale", 0f) : null;
        AttentionShape s = AttentionShape.fromOnnx(q, k, v, maskShape, c.dtype(maskInput) == DType.BOOL || (mask != null && mask.dtype() == DType.BOOL),
                null, null, null, qh, kvh, scale, NodeAttrs.getLong(n, "is_causal", 0) != 0,
                NodeAttrs.getFloat(n, "softcap", 0f), (int) NodeAttrs.getLong(n, "qk_matmul_output_mode", 0));
        c.set(out, 0, c.dtype(0), dimsOf(s.outputShape()));
    }
}
