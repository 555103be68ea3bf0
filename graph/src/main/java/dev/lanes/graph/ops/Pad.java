package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import java.util.Arrays;

/**
 * Pad in modes constant, reflect, edge and wrap, with negative pads (cropping), the attribute form
 * (before opset 11) and the input form with optional constant_value and axes (opset 18).
 */
final class Pad {
    private Pad() {}

    enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    static Operator create(OpSetup s) {
        String m = s.getString("mode", "constant");
        Mode mode = switch (m) {
            case "constant" -> Mode.CONSTANT;
            case "reflect" -> Mode.REFLECT;
            case "edge" -> Mode.EDGE;
            case "wrap" -> Mode.WRAP;
            default -> throw s.unsupported("mode '" + m + "' (constant, reflect, edge, wrap)");
        };
        boolean attrForm = s.opset() < 11;
        long[] aPads = attrForm ? s.getLongs(s.opset() < 2 ? "paddings" : "pads", null) : null;
        float aValue = attrForm ? s.getFloat("value", 0f) : 0f;
        if (attrForm && aPads == null) {
            throw s.invalid("attribute 'pads' is required before opset 11");
        }
        return (in, ctx) -> {
            Tensor x = in[0];
            int r = x.rank();
            long[] pads = attrForm ? aPads : Shapes.longs(in[1], "Pad pads");
            Tensor fill = attrForm ? Cast.convert(Tensor.scalar(aValue), x.dtype())
                    : in.length > 2 && in[2] != null && in[2].size() > 0 ? in[2] : null;
            long[] axesIn = !attrForm && in.length > 3 && in[3] != null ? Shapes.longs(in[3], "Pad axes") : null;
            int[] axes;
            if (axesIn == null) {
                axes = new int[r];
                for (int i = 0; i < r; i++) {
                    axes[i] = i;
                }
            } else {
                axes = new int[axesIn.length];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = Shapes.axis(axesIn[i], r, "Pad axis");
                }
            }
            if (pads.length != 2 * axes.length) {
                throw new IllegalArgumentException("Pad pads " + Arrays.toString(pads) + " needs " + 2 * axes.length + " entries");
            }
            long[] begin = new long[r], end = new long[r];
            for (int i = 0; i < axes.length; i++) {
                begin[axes[i]] = pads[i];
                end[axes[i]] = pads[i + axes.length];
            }
            int[] sh = x.shape();
            int[] out = new int[r];
            for (int d = 0; d < r; d++) {
                long o = sh[d] + begin[d] + end[d];
                if (o < 0) {
                    throw new IllegalArgumentException("Pad pads " + Arrays.toString(pads) + " crop axis " + d + " of length "
                            + sh[d] + " below zero");
                }
                if (o > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("Pad output axis " + d + " would have " + o + " elements");
                }
                out[d] = (int) o;
                if (mode != Mode.CONSTANT && sh[d] == 0 && o > 0) {
                    throw new IllegalArgumentException("Pad mode " + m + " cannot pad the empty axis " + d);
                }
                if (mode == Mode.REFLECT && (begin[d] >= sh[d] || end[d] >= sh[d]) && (begin[d] > 0 || end[d] > 0) && sh[d] < 2) {
                    throw new IllegalArgumentException("Pad mode reflect needs axis " + d + " longer than 1");
                }
            }
            int n = Tensor.checkedSize(out);
            if (n > GeneratorOps.MAX_GENERATED) {
                throw new IllegalArgumentException("Pad output " + Shapes.str(out) + " is too large");
            }
            int[] xs = Shapes.strides(sh);
            int[] map = new int[n];
            int[] pos = new int[r];
            for (int i = 0; i < n; i++) {
                int off = 0;
                for (int d = 0; d < r; d++) {
                    long c = pos[d] - begin[d];
                    int len = sh[d];
                    if (c < 0 || c >= len) {
                        switch (mode) {
                            case CONSTANT -> c = -1;
                            case EDGE -> c = c < 0 ? 0 : len - 1;
                            case WRAP -> c = Math.floorMod(c, len);
                            case REFLECT -> c = reflect(c, len);
                        }
                    }
                    if (c < 0) {
                        off = -1;
                        break;
                    }
                    off += (int) c * xs[d];
                }
                map[i] = off;
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < out[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
            return new Tensor[] {IndexCopy.gatherOrFill(x, map, out, fill)};
        };
    }

    /** Mirror index without repeating the edge: ... 2 1 [0 1 2 ... n-1] n-2 ... */
    private static long reflect(long c, int len) {
        if (len == 1) {
            return 0;
        }
        long period = 2L * (len - 1);
        long k = Math.floorMod(c, period);
        return k < len ? k : period - k;
    }
}
