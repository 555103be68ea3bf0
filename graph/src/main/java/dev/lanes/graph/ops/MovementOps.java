package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import java.util.Arrays;

/** Ops that move elements: Transpose, Concat, Split, Slice, Gather, GatherElements, Expand, Tile. */
final class MovementOps {
    private MovementOps() {}

    static Operator transpose(OpSetup s) {
        long[] permAttr = s.getLongs("perm", null);
        return (in, ctx) -> {
            Tensor x = in[0];
            int r = x.rank();
            int[] perm = perm(permAttr, r);
            int[] sh = x.shape();
            int[] out = new int[r];
            int[] inStrides = Shapes.strides(sh);
            int[] st = new int[r];
            for (int i = 0; i < r; i++) {
                out[i] = sh[perm[i]];
                st[i] = inStrides[perm[i]];
            }
            return new Tensor[] {IndexCopy.gather(x, stridedMap(out, st, 0), out)};
        };
    }

    /** Transpose's perm for an input of rank {@code r}: the attribute checked, or the axes reversed when absent. */
    static int[] perm(long[] permAttr, int r) {
        int[] perm = new int[r];
        if (permAttr == null) {
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
            return perm;
        }
        if (permAttr.length != r) {
            throw new IllegalArgumentException("Transpose perm " + Arrays.toString(permAttr) + " does not match rank " + r);
        }
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            perm[i] = Shapes.axis(permAttr[i], r, "Transpose perm entry");
            if (seen[perm[i]]) {
                throw new IllegalArgumentException("Transpose perm " + Arrays.toString(permAttr) + " repeats an axis");
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    /** Index map walking the dense shape {@code out} with per-axis input strides from {@code base}. */
    static int[] stridedMap(int[] out, int[] strides, int base) {
        int n = Tensor.checkedSize(out);
        int[] map = new int[n];
        int r = out.length;
        int[] idx = new int[r];
        int off = base;
        for (int i = 0; i < n; i++) {
            map[i] = off;
            for (int d = r - 1; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < out[d]) {
                    break;
                }
                off -= strides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    static Operator concat(OpSetup s) {
        if (!s.hasAttribute("axis") && s.opset() >= 4) {
            throw s.invalid("attribute 'axis' is required");
        }
        long axisAttr = s.getLong("axis", 1);
        return (in, ctx) -> {
            int[] out = concatShape(in, axisAttr);
            int r = out.length;
            int axis = Shapes.axis(axisAttr, r, "Concat axis");
            Tensor y = Tensor.zeros(IndexCopy.sameType("Concat", in), out);
            int outer = Shapes.product(out, 0, axis);
            int inner = Shapes.product(out, axis + 1, r);
            int rowOut = out[axis] * inner;
            int pos = 0;
            for (Tensor t : in) {
                int row = t.dim(axis) * inner;
                for (int o = 0; o < outer; o++) {
                    IndexCopy.copy(t, o * row, y, o * rowOut + pos, row);
                }
                pos += row;
            }
            return new Tensor[] {y};
        };
    }

    /** Concat's output dims: the inputs' (equal rank, equal outside the axis) with the axis summed. */
    static int[] concatShape(Tensor[] in, long axisAttr) {
        Tensor first = null;
        for (Tensor t : in) {
            if (t != null) {
                first = t;
                break;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("Concat needs at least one input");
        }
        int r = first.rank();
        int axis = Shapes.axis(axisAttr, r, "Concat axis");
        IndexCopy.sameType("Concat", in);
        int[] out = first.shape();
        long total = 0;
        for (Tensor t : in) {
            if (t == null) {
                throw new IllegalArgumentException("Concat input missing");
            }
            if (t.rank() != r) {
                throw new IllegalArgumentException("Concat inputs must have equal rank, got " + Shapes.str(first.shape())
                        + " and " + Shapes.str(t.shape()));
            }
            for (int d = 0; d < r; d++) {
                if (d != axis && t.dim(d) != out[d]) {
                    throw new IllegalArgumentException("Concat inputs " + Shapes.str(first.shape()) + " and "
                            + Shapes.str(t.shape()) + " differ outside axis " + axis);
                }
            }
            total += t.dim(axis);
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Concat output axis " + axis + " has " + total + " entries, more than an int holds");
        }
        out[axis] = (int) total;
        return out;
    }

    static Operator split(OpSetup s) {
        long axisAttr = s.getLong("axis", 0);
        long[] splitAttr = s.opset() < 13 ? s.getLongs("split", null) : null;
        long numOutputs = s.opset() >= 18 ? s.getLong("num_outputs", 0) : 0;
        int outputs = s.outputCount();
        if (numOutputs != 0 && numOutputs != outputs) {
            throw s.invalid("num_outputs " + numOutputs + " differs from the node's " + outputs + " outputs");
        }
        return (in, ctx) -> {
            Tensor x = in[0];
            int r = x.rank();
            int axis = Shapes.axis(axisAttr, r, "Split axis");
            int len = x.dim(axis);
            long[] split = splitAttr != null ? splitAttr
                    : in.length > 1 && in[1] != null ? Shapes.longs(in[1], "Split split") : null;
            int[] sizes = new int[outputs];
            if (split != null) {
                if (split.length != outputs) {
                    throw new IllegalArgumentException("Split split " + Arrays.toString(split) + " has " + split.length
                            + " entries for " + outputs + " outputs");
                }
                long sum = 0;
                for (int i = 0; i < outputs; i++) {
                    if (split[i] < 0) {
                        throw new IllegalArgumentException("Split split " + Arrays.toString(split) + " has a negative size");
                    }
                    sizes[i] = (int) split[i];
                    sum += split[i];
                }
                if (sum != len) {
                    throw new IllegalArgumentException("Split split " + Arrays.toString(split) + " sums to " + sum
                            + ", axis " + axis + " has " + len);
                }
            } else if (numOutputs > 0) {
                int chunk = (int) ((len + numOutputs - 1) / numOutputs);
                int left = len;
                for (int i = 0; i < outputs; i++) {
                    sizes[i] = Math.min(chunk, left);
                    left -= sizes[i];
                }
            } else {
                if (len % outputs != 0) {
                    throw new IllegalArgumentException("Split: axis " + axis + " of length " + len
                            + " does not divide into " + outputs + " equal parts");
                }
                Arrays.fill(sizes, len / outputs);
            }
            int[] sh = x.shape();
            int outer = Shapes.product(sh, 0, axis);
            int inner = Shapes.product(sh, axis + 1, r);
            Tensor[] ys = new Tensor[outputs];
            int pos = 0;
            for (int i = 0; i < outputs; i++) {
                int[] os = sh.clone();
                os[axis] = sizes[i];
                Tensor y = Tensor.zeros(x.dtype(), os);
                int row = sizes[i] * inner;
                for (int o = 0; o < outer; o++) {
                    IndexCopy.copy(x, o * len * inner + pos, y, o * row, row);
                }
                pos += row;
                ys[i] = y;
            }
            return ys;
        };
    }

    static Operator slice(OpSetup s) {
        boolean attrForm = s.opset() < 10;
        long[] aStarts = attrForm ? s.getLongs("starts", null) : null;
        long[] aEnds = attrForm ? s.getLongs("ends", null) : null;
        long[] aAxes = attrForm ? s.getLongs("axes", null) : null;
        if (attrForm && (aStarts == null || aEnds == null)) {
            throw s.invalid("attributes 'starts' and 'ends' are required before opset 10");
        }
        return (in, ctx) -> {
            Tensor x = in[0];
            long[] starts = attrForm ? aStarts : Shapes.longs(in[1], "Slice starts");
            long[] ends = attrForm ? aEnds : Shapes.longs(in[2], "Slice ends");
            long[] axes = attrForm ? aAxes : in.length > 3 && in[3] != null ? Shapes.longs(in[3], "Slice axes") : null;
            long[] steps = !attrForm && in.length > 4 && in[4] != null ? Shapes.longs(in[4], "Slice steps") : null;
            int r = x.rank();
            if (starts.length != ends.length || axes != null && axes.length != starts.length
                    || steps != null && steps.length != starts.length) {
                throw new IllegalArgumentException("Slice starts, ends, axes and steps must have equal lengths");
            }
            int[] sh = x.shape();
            int[] outShape = sh.clone();
            int[] begin = new int[r];
            int[] step = new int[r];
            Arrays.fill(step, 1);
            boolean[] seen = new boolean[r];
            for (int i = 0; i < starts.length; i++) {
                int a = axes == null ? i : Shapes.axis(axes[i], r, "Slice axis");
                if (seen[a]) {
                    throw new IllegalArgumentException("Slice axes repeat axis " + a);
                }
                seen[a] = true;
                long st = steps == null ? 1 : steps[i];
                if (st == 0) {
                    throw new IllegalArgumentException("Slice step must not be 0");
                }
                long dim = sh[a];
                long b = starts[i] < 0 ? starts[i] + dim : starts[i];
                long e = ends[i] < 0 ? ends[i] + dim : ends[i];
                long count;
                if (st > 0) {
                    b = Math.max(0, Math.min(dim, b));
                    e = Math.max(0, Math.min(dim, e));
                    count = e > b ? (e - b + st - 1) / st : 0;
                } else {
                    b = Math.max(-1, Math.min(dim - 1, b));
                    e = Math.max(-1, Math.min(dim - 1, e));
                    count = b > e ? (b - e + (-st) - 1) / (-st) : 0;
                }
                begin[a] = (int) b;
                step[a] = (int) st;
                outShape[a] = (int) count;
            }
            int[] strides = Shapes.strides(sh);
            int base = 0;
            int[] st = new int[r];
            for (int d = 0; d < r; d++) {
                if (outShape[d] > 0) {
                    base += begin[d] * strides[d];
                }
                st[d] = step[d] * strides[d];
            }
            if (Tensor.checkedSize(outShape) == 0) {
                return new Tensor[] {Tensor.zeros(x.dtype(), outShape)};
            }
            return new Tensor[] {IndexCopy.gather(x, stridedMap(outShape, st, base), outShape)};
        };
    }

    static Operator gather(OpSetup s) {
        long axisAttr = s.getLong("axis", 0);
        return (in, ctx) -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            int r = x.rank();
            int axis = Shapes.axis(axisAttr, r, "Gather axis");
            int[] sh = x.shape();
            int len = sh[axis];
            int[] ish = idx.shape();
            int[] out = new int[r - 1 + ish.length];
            System.arraycopy(sh, 0, out, 0, axis);
            System.arraycopy(ish, 0, out, axis, ish.length);
            System.arraycopy(sh, axis + 1, out, axis + ish.length, r - axis - 1);
            int outer = Shapes.product(sh, 0, axis);
            int inner = Shapes.product(sh, axis + 1, r);
            int ni = idx.size();
            // Every element of Y is copied below, so a float Y comes from the run's arena (BERT's embedding
            // lookups allocated and zeroed ~1.2 MB per run here).
            Tensor y = x.dtype() == DType.FLOAT32 ? Tensor.of(ctx.floats(Tensor.checkedSize(out)), out) : Tensor.zeros(x.dtype(), out);
            for (int j = 0; j < ni; j++) {
                long k = idx.getLong(j);
                if (k < -len || k >= len) {
                    throw new IllegalArgumentException("Gather index " + k + " is out of range for axis " + axis + " of length " + len);
                }
                int kk = (int) (k < 0 ? k + len : k);
                for (int o = 0; o < outer; o++) {
                    IndexCopy.copy(x, (o * len + kk) * inner, y, (o * ni + j) * inner, inner);
                }
            }
            return new Tensor[] {y};
        };
    }

    static Operator gatherElements(OpSetup s) {
        long axisAttr = s.getLong("axis", 0);
        return (in, ctx) -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            int r = x.rank();
            int axis = Shapes.axis(axisAttr, r, "GatherElements axis");
            if (idx.rank() != r) {
                throw new IllegalArgumentException("GatherElements indices rank " + idx.rank() + " differs from data rank " + r);
            }
            int[] sh = x.shape();
            int[] ish = idx.shape();
            int[] xs = Shapes.strides(sh);
            int n = idx.size();
            int[] map = new int[n];
            int[] pos = new int[r];
            for (int i = 0; i < n; i++) {
                long k = idx.getLong(i);
                if (k < -sh[axis] || k >= sh[axis]) {
                    throw new IllegalArgumentException("GatherElements index " + k + " out of range for axis length " + sh[axis]);
                }
                int off = 0;
                for (int d = 0; d < r; d++) {
                    int c = d == axis ? (int) (k < 0 ? k + sh[axis] : k) : pos[d];
                    if (c >= sh[d]) {
                        throw new IllegalArgumentException("GatherElements indices shape " + Shapes.str(ish)
                                + " exceeds data shape " + Shapes.str(sh));
                    }
                    off += c * xs[d];
                }
                map[i] = off;
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < ish[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
            return new Tensor[] {IndexCopy.gather(x, map, ish)};
        };
    }

    static Operator expand(OpSetup s) {
        return (in, ctx) -> {
            Tensor x = in[0];
            int[] target = Shapes.toInts(Shapes.longs(in[1], "Expand shape"), "Expand shape");
            int[] out = Shapes.broadcast("Expand", x.shape(), target);
            if (Tensor.checkedSize(out) > GeneratorOps.MAX_GENERATED) {
                throw new IllegalArgumentException("Expand to " + Shapes.str(out) + " is too large");
            }
            int[] map = Shapes.broadcastIndex(x.shape(), out);
            return new Tensor[] {map == null ? x : IndexCopy.gather(x, map, out)};
        };
    }

    static Operator tile(OpSetup s) {
        return (in, ctx) -> {
            Tensor x = in[0];
            long[] reps = Shapes.longs(in[1], "Tile repeats");
            int r = x.rank();
            if (reps.length != r) {
                throw new IllegalArgumentException("Tile repeats has " + reps.length + " entries for rank " + r);
            }
            int[] sh = x.shape();
            int[] out = new int[r];
            for (int d = 0; d < r; d++) {
                if (reps[d] < 0) {
                    throw new IllegalArgumentException("Tile repeats must be ≥ 0, got " + reps[d]);
                }
                out[d] = Math.toIntExact(sh[d] * reps[d]);
            }
            int n = Tensor.checkedSize(out);
            if (n > GeneratorOps.MAX_GENERATED) {
                throw new IllegalArgumentException("Tile output " + Shapes.str(out) + " is too large");
            }
            int[] xs = Shapes.strides(sh);
            int[] map = new int[n];
            int[] pos = new int[r];
            for (int i = 0; i < n; i++) {
                int off = 0;
                for (int d = 0; d < r; d++) {
                    off += (pos[d] % sh[d]) * xs[d];
                }
                map[i] = off;
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < out[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
            return new Tensor[] {IndexCopy.gather(x, map, out)};
        };
    }
}
