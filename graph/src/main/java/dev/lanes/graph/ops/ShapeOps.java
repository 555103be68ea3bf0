package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that only change how the same elements are viewed: Identity, Dropout (inference), Reshape, Flatten, Squeeze, Unsqueeze, Shape, Size. */
final class ShapeOps {
    private ShapeOps() {}

    static Operator identity(OpSetup s) {
        return (in, ctx) -> new Tensor[] {in[0]};
    }

    /** Dropout at inference: Y = X, and an all-true mask when asked for. training_mode must be false. */
    static Operator dropout(OpSetup s) {
        s.ignore("seed", "is_test", "ratio");
        if (s.hasInput(2)) {
            Tensor mode = s.constantInput(2);
            if (mode == null || mode.getLong(0) != 0) {
                throw s.unsupported("training_mode input: Lanes runs inference only (training_mode must be a constant false)");
            }
        }
        boolean mask = s.hasOutput(1);
        return (in, ctx) -> {
            Tensor x = in[0];
            if (!mask) {
                return new Tensor[] {x};
            }
            byte[] ones = new byte[x.size()];
            Arrays.fill(ones, (byte) 1);
            return new Tensor[] {x, Tensor.ofBytes(dev.lanes.graph.DType.BOOL, ones, x.shape())};
        };
    }

    static Operator reshape(OpSetup s) {
        boolean allowZero = s.getLong("allowzero", 0) != 0;
        long[] attrShape = s.opset() < 5 ? s.getLongs("shape", null) : null;
        return (in, ctx) -> {
            Tensor x = in[0];
            long[] target = attrShape != null ? attrShape : Shapes.longs(in[1], "Reshape shape");
            return new Tensor[] {x.reshape(reshapeTarget(x.shape(), target, allowZero))};
        };
    }

    static int[] reshapeTarget(int[] in, long[] target, boolean allowZero) {
        int[] out = new int[target.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            long d = target[i];
            if (d == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape shape " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
                continue;
            }
            if (d == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new IllegalArgumentException("Reshape shape " + Arrays.toString(target) + " copies dim " + i
                            + " of input " + Arrays.toString(in), null);
                }
                d = in[i];
            }
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Reshape shape " + Arrays.toString(target) + " has invalid dim " + target[i]);
            }
            out[i] = (int) d;
            known *= d;
        }
        int size = Tensor.checkedSize(in);
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
            }
            out[infer] = (int) (size / known);
        } else if (known != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " (" + size + " elements) to "
                    + Arrays.toString(target));
        }
        return out;
    }

    static Operator flatten(OpSetup s) {
        long axisAttr = s.getLong("axis", 1);
        return (in, ctx) -> {
            Tensor x = in[0];
            int r = x.rank();
            long a = axisAttr < 0 ? axisAttr + r : axisAttr;
            if (a < 0 || a > r) {
                throw new IllegalArgumentException("Flatten axis " + axisAttr + " is out of range for rank " + r);
            }
            int[] sh = x.shape();
            return new Tensor[] {x.reshape(Shapes.product(sh, 0, (int) a), Shapes.product(sh, (int) a, r))};
        };
    }

    static Operator squeeze(OpSetup s) {
        long[] attrAxes = s.opset() < 13 ? s.getLongs("axes", null) : null;
        boolean fromInput = s.opset() >= 13;
        return (in, ctx) -> {
            Tensor x = in[0];
            long[] axes = fromInput ? (in.length > 1 && in[1] != null ? Shapes.longs(in[1], "Squeeze axes") : null) : attrAxes;
            int[] sh = x.shape();
            boolean[] drop = new boolean[sh.length];
            if (axes == null) {
                for (int i = 0; i < sh.length; i++) {
                    drop[i] = sh[i] == 1;
                }
            } else {
                for (int a : Shapes.axes(axes, sh.length, "Squeeze axis")) {
                    if (sh[a] != 1) {
                        throw new IllegalArgumentException("Squeeze axis " + a + " of shape " + Shapes.str(sh) + " is not 1");
                    }
                    drop[a] = true;
                }
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < sh.length; i++) {
                if (!drop[i]) {
                    out.add(sh[i]);
                }
            }
            return new Tensor[] {x.reshape(out.stream().mapToInt(Integer::intValue).toArray())};
        };
    }

    static Operator unsqueeze(OpSetup s) {
        long[] attrAxes = s.opset() < 13 ? s.getLongs("axes", null) : null;
        if (s.opset() < 13 && attrAxes == null) {
            throw s.invalid("attribute 'axes' is required before opset 13");
        }
        return (in, ctx) -> {
            Tensor x = in[0];
            long[] axes = attrAxes != null ? attrAxes : Shapes.longs(in[1], "Unsqueeze axes");
            if (axes == null) {
                throw new IllegalArgumentException("Unsqueeze needs the axes input");
            }
            int[] sh = x.shape();
            int outRank = sh.length + axes.length;
            boolean[] inserted = new boolean[outRank];
            for (int a : Shapes.axes(axes, outRank, "Unsqueeze axis")) {
                inserted[a] = true;
            }
            int[] out = new int[outRank];
            int k = 0;
            for (int i = 0; i < outRank; i++) {
                out[i] = inserted[i] ? 1 : sh[k++];
            }
            return new Tensor[] {x.reshape(out)};
        };
    }

    static Operator shape(OpSetup s) {
        long startAttr = s.getLong("start", 0);
        boolean hasEnd = s.hasAttribute("end");
        long endAttr = s.getLong("end", 0);
        return (in, ctx) -> {
            int[] sh = in[0].shape();
            int r = sh.length;
            int start = clampAxis(startAttr, r);
            int end = hasEnd ? clampAxis(endAttr, r) : r;
            int n = Math.max(0, end - start);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = sh[start + i];
            }
            return new Tensor[] {Tensor.ofLongs(v, n)};
        };
    }

    private static int clampAxis(long a, int r) {
        long x = a < 0 ? a + r : a;
        return (int) Math.max(0, Math.min(r, x));
    }

    static Operator size(OpSetup s) {
        return (in, ctx) -> new Tensor[] {Tensor.scalarLong(in[0].size())};
    }
}
