package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.passes.LayoutSelection;
import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.ReferenceBinary;

/**
 * Element-wise binary ops with numpy broadcasting over every element type: arithmetic (Add, Sub, Mul,
 * Div, Pow, Mod, Min, Max, PRelu), comparisons (Equal, Less, Greater, LessOrEqual, GreaterOrEqual →
 * bool) and logic (And, Or, Xor). Float32 Add/Sub/Mul/Div/Pow/Min/Max run on {@link ReferenceBinary};
 * the other cases are defined here: integers compute in long with ONNX's integer semantics (Div
 * truncates, Mod follows the divisor's sign unless fmod=1), floats in double rounded once.
 */
final class BinaryOps {
    private BinaryOps() {}

    enum Kind {
        ADD, SUB, MUL, DIV, POW, MOD, FMOD, MIN, MAX, PRELU,
        EQUAL, LESS, GREATER, LESS_EQUAL, GREATER_EQUAL,
        AND, OR, XOR, BITSHIFT_LEFT, BITSHIFT_RIGHT;

        boolean comparison() {
            return this == EQUAL || this == LESS || this == GREATER || this == LESS_EQUAL || this == GREATER_EQUAL;
        }

        boolean logical() {
            return this == AND || this == OR || this == XOR;
        }
    }

    static Operator create(OpSetup s, Kind kind0) {
        Kind k = kind0;
        if (kind0 == Kind.MOD && s.getLong("fmod", 0) != 0) {
            k = Kind.FMOD;
        }
        if (kind0 == Kind.BITSHIFT_LEFT) {
            String dir = s.getString("direction", "");
            if (dir.equals("RIGHT")) {
                k = Kind.BITSHIFT_RIGHT;
            } else if (!dir.equals("LEFT")) {
                throw s.invalid("attribute 'direction' must be LEFT or RIGHT, got '" + dir + "'");
            }
        }
        if (s.opset() < 7) {
            // Before opset 7 broadcasting was opt-in through attributes; the numpy rule covers their use.
            s.ignore("broadcast", "axis", "consumed_inputs");
        }
        Kind kind = k;
        String op = s.node().opType();
        if (s.getLong(LayoutSelection.NHWC, 0) != 0) {
            // LayoutSelection's channel-wise op: 4-D operands and the output in NHWC memory order
            return (in, ctx) -> new Tensor[] {Nhwc.toNhwc(apply(op, kind, nchw(in[0]), nchw(in[1])))};
        }
        return (in, ctx) -> new Tensor[] {apply(op, kind, in[0], in[1])};
    }

    private static Tensor nchw(Tensor t) {
        return t.rank() == 4 ? Nhwc.toNchw(LinearOps.float32(t, "NHWC operand")) : t;
    }

    /** Variadic Sum / Mean / Min / Max: folds the binary op over every input. */
    static Operator variadic(OpSetup s, Kind kind, boolean mean) {
        String op = s.node().opType();
        if (s.opset() < 6) {
            s.ignore("consumed_inputs");
        }
        return (in, ctx) -> {
            Tensor acc = in[0];
            for (int i = 1; i < in.length; i++) {
                acc = apply(op, kind, acc, in[i]);
            }
            if (mean) {
                acc = apply(op, Kind.DIV, acc, Cast.convert(Tensor.scalar(in.length), acc.dtype()));
            } else if (in.length == 1) {
                acc = acc.copy();
            }
            return new Tensor[] {acc};
        };
    }

    private static final ReferenceBinary REFERENCE = new ReferenceBinary();

    /** The reference kernels' op for a float32 arithmetic kind, or null when they do not define it. */
    static BinaryOp referenceOp(Kind k) {
        return switch (k) {
            case ADD -> BinaryOp.ADD;
            case SUB -> BinaryOp.SUB;
            case MUL -> BinaryOp.MUL;
            case DIV -> BinaryOp.DIV;
            case POW -> BinaryOp.POW;
            case MIN -> BinaryOp.MIN;
            case MAX -> BinaryOp.MAX;
            default -> null;
        };
    }

    static Tensor apply(String op, Kind kind, Tensor a, Tensor b) {
        DType t = a.dtype();
        BinaryOp ref = referenceOp(kind);
        if (ref != null && t == DType.FLOAT32 && b.dtype() == DType.FLOAT32) {
            BinaryShape shape;
            try {
                shape = new BinaryShape(ref, a.shape(), b.shape());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
            }
            float[] y = new float[shape.size()];
            REFERENCE.apply(shape, a.floats(), 0, b.floats(), 0, y, 0);
            return Tensor.of(y, shape.outputShape());
        }
        if (kind == Kind.POW) {
            return pow(op, a, b);
        }
        if (b.dtype() != t) {
            throw new IllegalArgumentException(op + " inputs must share one element type, got " + t + " and " + b.dtype());
        }
        int[] out = Shapes.broadcast(op, a.shape(), b.shape());
        if (kind == Kind.PRELU && !dev.lanes.reference.Broadcast.unidirectional(b.shape(), a.shape())) {
            throw new IllegalArgumentException("PRelu slope " + Shapes.str(b.shape()) + " does not broadcast to X " + Shapes.str(a.shape()));
        }
        int[] ia = Shapes.broadcastIndex(a.shape(), out);
        int[] ib = Shapes.broadcastIndex(b.shape(), out);
        int n = Tensor.checkedSize(out);
        if (kind.comparison() || kind.logical()) {
            byte[] y = new byte[n];
            if (kind.logical()) {
                if (t != DType.BOOL) {
                    throw new IllegalArgumentException(op + " needs bool inputs, got " + t);
                }
                byte[] x = a.bytes(), z = b.bytes();
                for (int i = 0; i < n; i++) {
                    boolean p = x[ia == null ? i : ia[i]] != 0, q = z[ib == null ? i : ib[i]] != 0;
                    y[i] = (byte) ((kind == Kind.AND ? p && q : kind == Kind.OR ? p || q : p ^ q) ? 1 : 0);
                }
            } else if (t.isFloatingPoint()) {
                for (int i = 0; i < n; i++) {
                    y[i] = (byte) (compare(kind, a.getDouble(ia == null ? i : ia[i]), b.getDouble(ib == null ? i : ib[i])) ? 1 : 0);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    long p = a.getLong(ia == null ? i : ia[i]), q = b.getLong(ib == null ? i : ib[i]);
                    y[i] = (byte) (compare(kind, Long.compare(p, q)) ? 1 : 0);
                }
            }
            return Tensor.ofBytes(DType.BOOL, y, out);
        }
        switch (t) {
            case FLOAT32 -> {
                float[] x = a.floats(), z = b.floats();
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    y[i] = (float) arith(kind, x[ia == null ? i : ia[i]], z[ib == null ? i : ib[i]]);
                }
                return Tensor.of(y, out);
            }
            case FLOAT64 -> {
                double[] x = a.doubles(), z = b.doubles();
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = arith(kind, x[ia == null ? i : ia[i]], z[ib == null ? i : ib[i]]);
                }
                return Tensor.ofDoubles(y, out);
            }
            case FLOAT16, BFLOAT16 -> {
                Tensor y = Cast.convert(apply(op, kind, Cast.convert(a, DType.FLOAT32), Cast.convert(b, DType.FLOAT32)), t);
                return y;
            }
            case BOOL -> throw new IllegalArgumentException(op + " is not defined for bool inputs");
            default -> {
                long[] y = new long[n];
                for (int i = 0; i < n; i++) {
                    y[i] = arith(op, kind, a.getLong(ia == null ? i : ia[i]), b.getLong(ib == null ? i : ib[i]));
                }
                return Cast.fromLongs(y, t, out);
            }
        }
    }

    private static boolean compare(Kind k, double p, double q) {
        return switch (k) {
            case EQUAL -> p == q;
            case LESS -> p < q;
            case GREATER -> p > q;
            case LESS_EQUAL -> p <= q;
            case GREATER_EQUAL -> p >= q;
            default -> throw new IllegalStateException(k.name());
        };
    }

    private static boolean compare(Kind k, int c) {
        return switch (k) {
            case EQUAL -> c == 0;
            case LESS -> c < 0;
            case GREATER -> c > 0;
            case LESS_EQUAL -> c <= 0;
            case GREATER_EQUAL -> c >= 0;
            default -> throw new IllegalStateException(k.name());
        };
    }

    private static double arith(Kind k, double p, double q) {
        return switch (k) {
            case ADD -> p + q;
            case SUB -> p - q;
            case MUL -> p * q;
            case DIV -> p / q;
            case FMOD -> p % q;
            case MOD -> throw new IllegalArgumentException("Mod of floating-point inputs needs fmod=1");
            case MIN -> Double.isNaN(p) || Double.isNaN(q) ? Double.NaN : Math.min(p, q);
            case MAX -> Double.isNaN(p) || Double.isNaN(q) ? Double.NaN : Math.max(p, q);
            case PRELU -> p < 0 ? p * q : p;
            default -> throw new IllegalArgumentException(k + " is not defined for floating-point inputs");
        };
    }

    private static long arith(String op, Kind k, long p, long q) {
        return switch (k) {
            case ADD -> p + q;
            case SUB -> p - q;
            case MUL -> p * q;
            case DIV -> {
                if (q == 0) {
                    throw new ArithmeticException(op + ": integer division by zero");
                }
                yield p / q;
            }
            case FMOD -> {
                if (q == 0) {
                    throw new ArithmeticException(op + ": integer modulo by zero");
                }
                yield p % q;
            }
            case MOD -> {
                if (q == 0) {
                    throw new ArithmeticException(op + ": integer modulo by zero");
                }
                yield Math.floorMod(p, q);
            }
            case MIN -> Math.min(p, q);
            case MAX -> Math.max(p, q);
            case PRELU -> p < 0 ? p * q : p;
            case BITSHIFT_LEFT -> q >= 64 ? 0 : p << q;
            case BITSHIFT_RIGHT -> q >= 64 ? 0 : p >>> q;
            default -> throw new IllegalStateException(k.name());
        };
    }

    /** Pow: the exponent may have another numeric type than the base; the result has the base's type. */
    static Tensor pow(String op, Tensor a, Tensor b) {
        int[] out = Shapes.broadcast(op, a.shape(), b.shape());
        int[] ia = Shapes.broadcastIndex(a.shape(), out);
        int[] ib = Shapes.broadcastIndex(b.shape(), out);
        int n = Tensor.checkedSize(out);
        DType t = a.dtype();
        if (t == DType.BOOL || b.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + " is not defined for bool inputs");
        }
        if (t.isFloatingPoint()) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = Math.pow(a.getDouble(ia == null ? i : ia[i]), b.getDouble(ib == null ? i : ib[i]));
            }
            return Cast.convert(Tensor.ofDoubles(y, out), t);
        }
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            long base = a.getLong(ia == null ? i : ia[i]);
            double e = b.getDouble(ib == null ? i : ib[i]);
            y[i] = (long) Math.pow(base, e);
        }
        return Cast.fromLongs(y, t, out);
    }
}
