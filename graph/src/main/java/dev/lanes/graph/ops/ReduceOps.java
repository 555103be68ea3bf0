package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.ReduceShape;
import dev.lanes.reference.ReferenceReduce;
import java.util.Arrays;

/**
 * Reductions. ReduceSum, ReduceMean and ReduceMax on float32 run on {@link ReferenceReduce}; every
 * other case (ReduceMin, ReduceProd, ReduceL1/L2, ReduceLogSum(Exp), ReduceSumSquare, integer inputs)
 * accumulates in double (long for integer Sum/Prod/Min/Max) here. Axes come from the attribute before
 * the op's input form (ReduceSum 13, the others 18) and from the optional input after.
 */
final class ReduceOps {
    private ReduceOps() {}

    private static final ReferenceReduce REDUCE = new ReferenceReduce();

    enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE }

    static Operator create(OpSetup s, Kind kind) {
        String op = s.node().opType();
        int inputFormSince = kind == Kind.SUM ? 13 : 18;
        boolean attrForm = s.opset() < inputFormSince;
        long[] attrAxes = attrForm ? s.getLongs("axes", null) : null;
        boolean keepdims = s.getLong("keepdims", 1) != 0;
        boolean noop = !attrForm && s.getLong("noop_with_empty_axes", 0) != 0;
        return (in, ctx) -> {
            Tensor x = in[0];
            long[] axes = attrForm ? attrAxes : in.length > 1 && in[1] != null ? Shapes.longs(in[1], op + " axes") : null;
            if (x.dtype() == DType.FLOAT32 && (kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.MAX)) {
                ReduceShape shape = ReduceShape.fromOnnx(op, x.shape(), axes, keepdims, noop);
                float[] y = new float[Tensor.checkedSize(shape.outputShape())];
                REDUCE.reduce(shape, x.floats(), 0, y, 0);
                return new Tensor[] {Tensor.of(y, shape.outputShape())};
            }
            return new Tensor[] {generic(op, kind, x, axes, keepdims, noop)};
        };
    }

    static Tensor generic(String op, Kind kind, Tensor x, long[] axesIn, boolean keepdims, boolean noop) {
        int r = x.rank();
        int[] sh = x.shape();
        boolean[] reduced = new boolean[r];
        if (axesIn == null || axesIn.length == 0) {
            if (!noop) {
                Arrays.fill(reduced, true);
            }
        } else {
            for (int a : Shapes.axes(axesIn, r, op + " axis")) {
                reduced[a] = true;
            }
        }
        int[] keepShape = new int[r];
        int outRank = 0;
        for (int d = 0; d < r; d++) {
            keepShape[d] = reduced[d] ? 1 : sh[d];
            if (!reduced[d]) {
                outRank++;
            }
        }
        int[] outShape;
        if (keepdims) {
            outShape = keepShape;
        } else {
            outShape = new int[outRank];
            int k = 0;
            for (int d = 0; d < r; d++) {
                if (!reduced[d]) {
                    outShape[k++] = sh[d];
                }
            }
        }
        int outN = Tensor.checkedSize(keepShape);
        int[] outStrides = Shapes.strides(keepShape);
        double[] acc = new double[outN];
        long[] lacc = new long[outN];
        int[] count = new int[outN];
        boolean integer = !x.dtype().isFloatingPoint();
        double init = switch (kind) {
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case PROD -> 1;
            default -> 0;
        };
        Arrays.fill(acc, init);
        Arrays.fill(lacc, kind == Kind.MAX ? Long.MIN_VALUE : kind == Kind.MIN ? Long.MAX_VALUE : kind == Kind.PROD ? 1 : 0);
        double[] maxForLse = null;
        if (kind == Kind.LOG_SUM_EXP) {
            maxForLse = new double[outN];
            Arrays.fill(maxForLse, Double.NEGATIVE_INFINITY);
        }
        int n = x.size();
        int[] pos = new int[r];
        // Two passes for LogSumExp (max first, for stability); one for the rest.
        for (int pass = kind == Kind.LOG_SUM_EXP ? 0 : 1; pass < 2; pass++) {
            Arrays.fill(pos, 0);
            for (int i = 0; i < n; i++) {
                int o = 0;
                for (int d = 0; d < r; d++) {
                    if (!reduced[d]) {
                        o += pos[d] * outStrides[d];
                    }
                }
                if (pass == 0) {
                    maxForLse[o] = Math.max(maxForLse[o], x.getDouble(i));
                } else if (integer && (kind == Kind.SUM || kind == Kind.PROD || kind == Kind.MAX || kind == Kind.MIN
                        || kind == Kind.MEAN || kind == Kind.L1 || kind == Kind.SUM_SQUARE)) {
                    long v = x.getLong(i);
                    lacc[o] = switch (kind) {
                        case SUM, MEAN -> lacc[o] + v;
                        case PROD -> lacc[o] * v;
                        case MAX -> Math.max(lacc[o], v);
                        case MIN -> Math.min(lacc[o], v);
                        case L1 -> lacc[o] + Math.abs(v);
                        case SUM_SQUARE -> lacc[o] + v * v;
                        default -> throw new IllegalStateException();
                    };
                    count[o]++;
                } else {
                    double v = x.getDouble(i);
                    acc[o] = switch (kind) {
                        case SUM, MEAN, LOG_SUM -> acc[o] + v;
                        case PROD -> acc[o] * v;
                        case MAX -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.max(acc[o], v);
                        case MIN -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.min(acc[o], v);
                        case L1 -> acc[o] + Math.abs(v);
                        case L2, SUM_SQUARE -> acc[o] + v * v;
                        case LOG_SUM_EXP -> acc[o] + Math.exp(v - maxForLse[o]);
                    };
                    count[o]++;
                }
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < sh[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
        }
        if (integer && kind != Kind.L2 && kind != Kind.LOG_SUM && kind != Kind.LOG_SUM_EXP) {
            if (kind == Kind.MEAN) {
                for (int o = 0; o < outN; o++) {
                    lacc[o] = count[o] == 0 ? 0 : lacc[o] / count[o];
                }
            }
            return Cast.fromLongs(lacc, x.dtype(), outShape);
        }
        for (int o = 0; o < outN; o++) {
            acc[o] = switch (kind) {
                case MEAN -> acc[o] / count[o];
                case L2 -> Math.sqrt(acc[o]);
                case LOG_SUM -> Math.log(acc[o]);
                case LOG_SUM_EXP -> count[o] == 0 ? Double.NEGATIVE_INFINITY
                        : Double.isInfinite(maxForLse[o]) ? maxForLse[o] : maxForLse[o] + Math.log(acc[o]);
                default -> acc[o];
            };
        }
        return Cast.convert(Tensor.ofDoubles(acc, outShape), x.dtype());
    }

    /** ArgMax / ArgMin along one axis, int64 indices; ties take the first index unless select_last_index. */
    static Operator arg(OpSetup s, boolean max) {
        long axisAttr = s.getLong("axis", 0);
        boolean keepdims = s.getLong("keepdims", 1) != 0;
        boolean last = s.getLong("select_last_index", 0) != 0;
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor x = in[0];
            int r = x.rank();
            int axis = Shapes.axis(axisAttr, r, op + " axis");
            int[] sh = x.shape();
            int outer = Shapes.product(sh, 0, axis), len = sh[axis], inner = Shapes.product(sh, axis + 1, r);
            if (len == 0) {
                throw new IllegalArgumentException(op + " over the empty axis " + axis);
            }
            long[] y = new long[outer * inner];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int best = 0;
                    double bv = x.getDouble(o * len * inner + i);
                    for (int k = 1; k < len; k++) {
                        double v = x.getDouble((o * len + k) * inner + i);
                        boolean better = max ? (v > bv || last && v == bv) : (v < bv || last && v == bv);
                        if (better) {
                            best = k;
                            bv = v;
                        }
                    }
                    y[o * inner + i] = best;
                }
            }
            int[] out;
            if (keepdims) {
                out = sh.clone();
                out[axis] = 1;
            } else {
                out = new int[r - 1];
                for (int d = 0, k = 0; d < r; d++) {
                    if (d != axis) {
                        out[k++] = sh[d];
                    }
                }
            }
            return new Tensor[] {Tensor.ofLongs(y, out)};
        };
    }
}
