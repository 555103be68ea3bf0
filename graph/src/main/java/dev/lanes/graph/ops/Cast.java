package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;

/** Cast and CastLike between every supported type, with ONNX's conversions (float→int truncates, anything→bool is "≠ 0"). */
final class Cast {
    private Cast() {}

    static Operator cast(OpSetup s) {
        if (!s.hasAttribute("to")) {
            throw s.invalid("attribute 'to' is required");
        }
        long to = s.getLong("to", 0);
        DType target;
        try {
            target = DType.fromOnnx((int) to);
        } catch (IllegalArgumentException e) {
            throw s.unsupported("cast target: " + e.getMessage());
        }
        s.ignore("saturate"); // only affects float8 targets, which Lanes does not have
        if (!s.getString("round_mode", "up").equals("up")) {
            throw s.unsupported("round_mode (only float8 targets use it)");
        }
        return (in, ctx) -> new Tensor[] {convert(in[0], target)};
    }

    static Operator castLike(OpSetup s) {
        s.ignore("saturate");
        if (!s.getString("round_mode", "up").equals("up")) {
            throw s.unsupported("round_mode (only float8 targets use it)");
        }
        return (in, ctx) -> new Tensor[] {convert(in[0], in[1].dtype())};
    }

    /** {@code t} converted to {@code to} (the same tensor when the type already matches). */
    static Tensor convert(Tensor t, DType to) {
        if (t.dtype() == to) {
            return t;
        }
        int n = t.size();
        int[] shape = t.shape();
        DType from = t.dtype();
        switch (to) {
            case FLOAT32 -> {
                float[] y = new float[n];
                if (from == DType.FLOAT64) {
                    double[] x = t.doubles();
                    for (int i = 0; i < n; i++) {
                        y[i] = (float) x[i];
                    }
                } else if (from == DType.INT64) {
                    long[] x = t.longs();
                    for (int i = 0; i < n; i++) {
                        y[i] = (float) x[i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        y[i] = (float) t.getDouble(i);
                    }
                }
                return Tensor.of(y, shape);
            }
            case FLOAT64 -> {
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = from == DType.INT64 ? (double) t.getLong(i) : t.getDouble(i);
                }
                return Tensor.ofDoubles(y, shape);
            }
            case FLOAT16 -> {
                short[] y = new short[n];
                for (int i = 0; i < n; i++) {
                    y[i] = Float.floatToFloat16((float) t.getDouble(i));
                }
                return Tensor.ofHalfBits(to, y, shape);
            }
            case BFLOAT16 -> {
                short[] y = new short[n];
                for (int i = 0; i < n; i++) {
                    y[i] = toBfloat16((float) t.getDouble(i));
                }
                return Tensor.ofHalfBits(to, y, shape);
            }
            case BOOL -> {
                byte[] y = new byte[n];
                for (int i = 0; i < n; i++) {
                    y[i] = (byte) (from.isFloatingPoint() ? (t.getDouble(i) != 0 ? 1 : 0) : (t.getLong(i) != 0 ? 1 : 0));
                }
                return Tensor.ofBytes(to, y, shape);
            }
            default -> {
                long[] y = new long[n];
                for (int i = 0; i < n; i++) {
                    y[i] = from.isFloatingPoint() ? toLong(t.getDouble(i)) : t.getLong(i);
                }
                return fromLongs(y, to, shape);
            }
        }
    }

    /** Float → integer as C++ does for in-range values: truncation toward zero; NaN gives 0 here. */
    private static long toLong(double v) {
        return (long) v;
    }

    /** Round-to-nearest-even bfloat16 from float (NaN stays NaN). */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Integer values (already computed in long) stored as {@code to}, wrapping like a C cast. */
    static Tensor fromLongs(long[] v, DType to, int[] shape) {
        int n = v.length;
        return switch (to) {
            case INT64 -> Tensor.ofLongs(v, shape);
            case INT32 -> {
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    y[i] = (int) v[i];
                }
                yield Tensor.ofInts(y, shape);
            }
            case INT8, UINT8 -> {
                byte[] y = new byte[n];
                for (int i = 0; i < n; i++) {
                    y[i] = (byte) v[i];
                }
                yield Tensor.ofBytes(to, y, shape);
            }
            case BOOL -> {
                byte[] y = new byte[n];
                for (int i = 0; i < n; i++) {
                    y[i] = (byte) (v[i] != 0 ? 1 : 0);
                }
                yield Tensor.ofBytes(to, y, shape);
            }
            default -> {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = v[i];
                }
                yield convert(Tensor.ofDoubles(d, shape), to);
            }
        };
    }
}
