package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.ReferenceWhere;
import dev.lanes.reference.WhereShape;

/** Ops that make tensors from scalars and shapes: ConstantOfShape, Range, and Where's selection. */
final class GeneratorOps {
    private GeneratorOps() {}

    /** Largest tensor a shape-driven op may create: guards against hostile shape inputs. */
    static final int MAX_GENERATED = 1 << 28;

    static Operator constantOfShape(OpSetup s) {
        Tensor value = s.getTensor("value");
        if (value != null && value.size() != 1) {
            throw s.invalid("attribute 'value' must hold one element, has " + value.size());
        }
        Tensor v = value == null ? Tensor.scalar(0f) : value;
        return (in, ctx) -> {
            int[] shape = Shapes.toInts(Shapes.longs(in[0], "ConstantOfShape shape"), "ConstantOfShape shape");
            int n = Tensor.checkedSize(shape);
            if (n > MAX_GENERATED) {
                throw new IllegalArgumentException("ConstantOfShape shape " + Shapes.str(shape) + " asks for " + n + " elements");
            }
            int[] map = new int[n];
            return new Tensor[] {IndexCopy.gather(v.reshape(1), map, shape)};
        };
    }

    static Operator range(OpSetup s) {
        return (in, ctx) -> {
            Tensor start = in[0], limit = in[1], delta = in[2];
            DType t = IndexCopy.sameType("Range", start, limit, delta);
            if (t.isFloatingPoint()) {
                double a = start.getDouble(0), b = limit.getDouble(0), d = delta.getDouble(0);
                if (d == 0) {
                    throw new IllegalArgumentException("Range delta must not be 0");
                }
                int n = count(Math.ceil((b - a) / d));
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = t == DType.FLOAT32 ? (float) ((float) a + i * (float) d) : a + i * d;
                }
                return new Tensor[] {Cast.convert(Tensor.ofDoubles(y, n), t)};
            }
            long a = start.getLong(0), b = limit.getLong(0), d = delta.getLong(0);
            if (d == 0) {
                throw new IllegalArgumentException("Range delta must not be 0");
            }
            int n = count(Math.ceil((double) (b - a) / d));
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = a + i * d;
            }
            return new Tensor[] {Cast.fromLongs(y, t, new int[] {n})};
        };
    }

    private static int count(double c) {
        if (Double.isNaN(c) || c <= 0) {
            return 0;
        }
        if (c > MAX_GENERATED) {
            throw new IllegalArgumentException("Range would make " + (long) c + " elements");
        }
        return (int) c;
    }

    private static final ReferenceWhere WHERE = new ReferenceWhere();

    /** Where: float32 on {@link ReferenceWhere}; every other type selects through an index map here. */
    static Operator where(OpSetup s) {
        return (in, ctx) -> {
            Tensor c = in[0], x = in[1], y = in[2];
            if (c.dtype() != DType.BOOL) {
                throw new IllegalArgumentException("Where condition must be bool, got " + c.dtype());
            }
            IndexCopy.sameType("Where", x, y);
            if (x.dtype() == DType.FLOAT32) {
                WhereShape shape = new WhereShape(c.shape(), x.shape(), y.shape());
                byte[] cb = c.bytes();
                boolean[] cond = new boolean[cb.length];
                for (int i = 0; i < cb.length; i++) {
                    cond[i] = cb[i] != 0;
                }
                float[] out = new float[shape.size()];
                WHERE.where(shape, cond, 0, x.floats(), 0, y.floats(), 0, out, 0);
                return new Tensor[] {Tensor.of(out, shape.outputShape())};
            }
            int[] out = Shapes.broadcast("Where", c.shape(), x.shape(), y.shape());
            int n = Tensor.checkedSize(out);
            int[] ic = Shapes.broadcastIndex(c.shape(), out);
            int[] ix = Shapes.broadcastIndex(x.shape(), out);
            int[] iy = Shapes.broadcastIndex(y.shape(), out);
            byte[] cond = c.bytes();
            // Select by building a map into the concatenation [x, y].
            int xs = x.size();
            Tensor both = MovementOpsHelpers.concatFlat(x, y);
            int[] map = new int[n];
            for (int i = 0; i < n; i++) {
                map[i] = cond[ic == null ? i : ic[i]] != 0 ? (ix == null ? i : ix[i]) : xs + (iy == null ? i : iy[i]);
            }
            return new Tensor[] {IndexCopy.gather(both, map, out)};
        };
    }
}
