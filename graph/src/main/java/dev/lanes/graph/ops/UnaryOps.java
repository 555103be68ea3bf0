package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.InPlaceOperator;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.ReferenceUnary;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;

/**
 * Element-wise unary ops. The ops the reference kernels define ({@link UnaryOp}: Relu, Sigmoid, Erf,
 * Gelu, HardSwish, …) run on {@link ReferenceUnary} for float32 and through its scalar definition for
 * the other float types; Neg, Abs and Relu also take integers. The rest (Floor, Ceil, Round, Sign,
 * trigonometry, Softplus, Selu, Celu, IsNaN, IsInf, Not, …) are defined here.
 */
final class UnaryOps {
    private UnaryOps() {}

    private static final ReferenceUnary UNARY = new ReferenceUnary();

    /** An op of the reference kernels' {@link UnaryOp} set, with its alpha/beta attributes. */
    static Operator reference(OpSetup s) {
        UnaryShape params = params(s);
        return (in, ctx) -> new Tensor[] {apply(params, in[0])};
    }

    /** The op and its alpha/beta as the node's attributes give them (size 0: set per run). */
    static UnaryShape params(OpSetup s) {
        String type = s.node().opType();
        String approx = type.equals("Gelu") ? s.getString("approximate", "none") : null;
        UnaryOp op;
        try {
            op = UnaryOp.fromOnnx(type, approx);
        } catch (IllegalArgumentException e) {
            throw s.unsupported(e.getMessage());
        }
        float alpha = op.defaultAlpha(), beta = op.defaultBeta();
        switch (op) {
            case LEAKY_RELU, ELU -> alpha = s.getFloat("alpha", alpha);
            case HARD_SIGMOID -> {
                alpha = s.getFloat("alpha", alpha);
                beta = s.getFloat("beta", beta);
            }
            default -> { }
        }
        if (s.opset() < 6) {
            s.ignore("consumed_inputs");
        }
        return new UnaryShape(op, alpha, beta, 0);
    }

    static Tensor apply(UnaryShape params, Tensor x) {
        UnaryOp op = params.op();
        switch (x.dtype()) {
            case FLOAT32 -> {
                float[] y = new float[x.size()];
                UNARY.apply(params.withSize(x.size()), x.floats(), 0, y, 0);
                return Tensor.of(y, x.shape());
            }
            case FLOAT64, FLOAT16, BFLOAT16 -> {
                double[] y = new double[x.size()];
                for (int i = 0; i < y.length; i++) {
                    y[i] = ReferenceUnary.value(op, params.alpha(), params.beta(), x.getDouble(i));
                }
                return Cast.convert(Tensor.ofDoubles(y, x.shape()), x.dtype());
            }
            case INT64, INT32, INT8, UINT8 -> {
                long[] y = new long[x.size()];
                for (int i = 0; i < y.length; i++) {
                    long v = x.getLong(i);
                    y[i] = switch (op) {
                        case NEG -> -v;
                        case ABS -> Math.abs(v);
                        case RELU -> Math.max(0, v);
                        case CLIP -> (long) Math.max(params.alpha(), Math.min(params.beta(), v));
                        default -> throw new IllegalArgumentException(op.onnxName() + " is not defined for " + x.dtype());
                    };
                }
                return Cast.fromLongs(y, x.dtype(), x.shape());
            }
            default -> throw new IllegalArgumentException(op.onnxName() + " is not defined for " + x.dtype());
        }
    }

    /** Clip: min/max as attributes before opset 11, as optional inputs from 11 on; any numeric type. */
    static Operator clip(OpSetup s) {
        return clip(s, false);
    }

    /** Clip; {@code fast} runs float32 on the Vector API kernels, in place when the executor allows. */
    static Operator clip(OpSetup s, boolean fast) {
        boolean attrForm = s.opset() < 11;
        float aMin = attrForm ? s.getFloat("min", Float.NEGATIVE_INFINITY) : 0;
        float aMax = attrForm ? s.getFloat("max", Float.POSITIVE_INFINITY) : 0;
        if (s.opset() < 6) {
            s.ignore("consumed_inputs");
        }
        Operator body = (in, ctx) -> {
            Tensor x = in[0];
            if (x.dtype().isFloatingPoint()) {
                float lo = attrForm ? aMin : in.length > 1 && in[1] != null ? (float) in[1].getDouble(0) : Float.NEGATIVE_INFINITY;
                float hi = attrForm ? aMax : in.length > 2 && in[2] != null ? (float) in[2].getDouble(0) : Float.POSITIVE_INFINITY;
                UnaryShape p = new UnaryShape(UnaryOp.CLIP, lo, hi, 0);
                return new Tensor[] {fast ? FastElementwise.unary(p, x, ctx) : apply(p, x)};
            }
            long lo = in.length > 1 && in[1] != null ? in[1].getLong(0) : Long.MIN_VALUE;
            long hi = in.length > 2 && in[2] != null ? in[2].getLong(0) : Long.MAX_VALUE;
            long[] y = new long[x.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(lo, Math.min(hi, x.getLong(i)));
            }
            return new Tensor[] {Cast.fromLongs(y, x.dtype(), x.shape())};
        };
        return fast ? (InPlaceOperator) body::run : body;
    }

    /** Ops outside the reference kernels' set. */
    enum Extra {
        FLOOR, CEIL, ROUND, SIGN, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, ASINH, ACOSH, ATANH,
        SOFTPLUS, SOFTSIGN, SELU, CELU, THRESHOLDED_RELU, MISH, IS_NAN, IS_INF, NOT
    }

    static Operator extra(OpSetup s, Extra kind) {
        float alpha = switch (kind) {
            case SELU -> s.getFloat("alpha", 1.67326319217681884765625f);
            case CELU, THRESHOLDED_RELU -> s.getFloat("alpha", 1f);
            default -> 0f;
        };
        float gamma = kind == Extra.SELU ? s.getFloat("gamma", 1.05070102214813232421875f) : 0f;
        boolean detectPos = kind != Extra.IS_INF || s.getLong("detect_positive", 1) != 0;
        boolean detectNeg = kind != Extra.IS_INF || s.getLong("detect_negative", 1) != 0;
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor x = in[0];
            int n = x.size();
            if (kind == Extra.NOT) {
                if (x.dtype() != DType.BOOL) {
                    throw new IllegalArgumentException("Not needs a bool input, got " + x.dtype());
                }
                byte[] y = new byte[n];
                byte[] v = x.bytes();
                for (int i = 0; i < n; i++) {
                    y[i] = (byte) (v[i] == 0 ? 1 : 0);
                }
                return new Tensor[] {Tensor.ofBytes(DType.BOOL, y, x.shape())};
            }
            if (kind == Extra.IS_NAN || kind == Extra.IS_INF) {
                byte[] y = new byte[n];
                for (int i = 0; i < n; i++) {
                    double v = x.getDouble(i);
                    boolean r = kind == Extra.IS_NAN ? Double.isNaN(v)
                            : v == Double.POSITIVE_INFINITY && detectPos || v == Double.NEGATIVE_INFINITY && detectNeg;
                    y[i] = (byte) (r ? 1 : 0);
                }
                return new Tensor[] {Tensor.ofBytes(DType.BOOL, y, x.shape())};
            }
            if (!x.dtype().isFloatingPoint()) {
                if (kind == Extra.SIGN) {
                    long[] y = new long[n];
                    for (int i = 0; i < n; i++) {
                        y[i] = Long.signum(x.getLong(i));
                    }
                    return new Tensor[] {Cast.fromLongs(y, x.dtype(), x.shape())};
                }
                throw new IllegalArgumentException(op + " is not defined for " + x.dtype());
            }
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = value(kind, alpha, gamma, x.getDouble(i), x.dtype() == DType.FLOAT32);
            }
            return new Tensor[] {Cast.convert(Tensor.ofDoubles(y, x.shape()), x.dtype())};
        };
    }

    private static double value(Extra k, double alpha, double gamma, double v, boolean f32) {
        return switch (k) {
            case FLOOR -> Math.floor(v);
            case CEIL -> Math.ceil(v);
            case ROUND -> Math.rint(v);
            case SIGN -> Double.isNaN(v) ? v : Math.signum(v);
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case TAN -> Math.tan(v);
            case ASIN -> Math.asin(v);
            case ACOS -> Math.acos(v);
            case ATAN -> Math.atan(v);
            case SINH -> Math.sinh(v);
            case COSH -> Math.cosh(v);
            case ASINH -> Double.isInfinite(v) ? v : Math.log(v + Math.sqrt(v * v + 1));
            case ACOSH -> Math.log(v + Math.sqrt(v * v - 1));
            case ATANH -> 0.5 * Math.log((1 + v) / (1 - v));
            case SOFTPLUS -> v > 30 ? v : Math.log1p(Math.exp(v));
            case SOFTSIGN -> v / (1 + Math.abs(v));
            case SELU -> v > 0 ? gamma * v : gamma * (alpha * Math.exp(v) - alpha);
            case CELU -> Math.max(0, v) + Math.min(0, alpha * Math.expm1(v / alpha));
            case THRESHOLDED_RELU -> v > alpha ? v : 0;
            case MISH -> v * Math.tanh(v > 30 ? v : Math.log1p(Math.exp(v)));
            default -> throw new IllegalStateException(k.name());
        };
    }
}
