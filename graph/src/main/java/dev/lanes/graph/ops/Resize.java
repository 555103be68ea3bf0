package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import java.util.Arrays;

/**
 * Resize (opsets 10–19) and Upsample (7–9): nearest, linear and cubic interpolation over any subset of
 * axes, with every coordinate_transformation_mode, nearest_mode, antialias, exclude_outside,
 * extrapolation (tf_crop_and_resize) and keep_aspect_ratio_policy of the spec.
 *
 * <p>Linear and cubic resizes are separable: the output is computed one axis at a time in double and
 * rounded once. For each output coordinate x the source coordinate x' follows from the transform; the
 * taps are the n nearest input positions to x' (edge-clamped) with n and the weights from the mode
 * (antialias widens the kernel by 1/scale when downsampling), as ONNX's reference implementation does.
 */
final class Resize {
    private Resize() {}

    enum Mode { NEAREST, LINEAR, CUBIC }

    enum Transform { HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_CROP_AND_RESIZE }

    enum Nearest { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL }

    enum Policy { STRETCH, NOT_LARGER, NOT_SMALLER }

    private record Config(Mode mode, Transform transform, Nearest nearest, Policy policy, boolean antialias,
                          boolean excludeOutside, double cubicA, double extrapolation, long[] axes, boolean upsample,
                          float[] attrScales, int opset) {}

    static Operator resize(OpSetup s) {
        int opset = s.opset();
        Mode mode = mode(s, s.getString("mode", "nearest"));
        boolean v10 = opset < 11;
        Transform transform = v10 ? Transform.ASYMMETRIC
                : switch (s.getString("coordinate_transformation_mode", "half_pixel")) {
                    case "half_pixel" -> Transform.HALF_PIXEL;
                    case "half_pixel_symmetric" -> Transform.HALF_PIXEL_SYMMETRIC;
                    case "pytorch_half_pixel" -> Transform.PYTORCH_HALF_PIXEL;
                    case "align_corners" -> Transform.ALIGN_CORNERS;
                    case "asymmetric" -> Transform.ASYMMETRIC;
                    case "tf_crop_and_resize" -> Transform.TF_CROP_AND_RESIZE;
                    case "tf_half_pixel_for_nn" -> throw s.unsupported("coordinate_transformation_mode tf_half_pixel_for_nn");
                    default -> throw s.unsupported("coordinate_transformation_mode '"
                            + s.getString("coordinate_transformation_mode", "") + "'");
                };
        Nearest nearest = v10 ? Nearest.FLOOR : switch (s.getString("nearest_mode", "round_prefer_floor")) {
            case "round_prefer_floor" -> Nearest.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil" -> Nearest.ROUND_PREFER_CEIL;
            case "floor" -> Nearest.FLOOR;
            case "ceil" -> Nearest.CEIL;
            default -> throw s.unsupported("nearest_mode '" + s.getString("nearest_mode", "") + "'");
        };
        Policy policy = switch (s.getString("keep_aspect_ratio_policy", "stretch")) {
            case "stretch" -> Policy.STRETCH;
            case "not_larger" -> Policy.NOT_LARGER;
            case "not_smaller" -> Policy.NOT_SMALLER;
            default -> throw s.unsupported("keep_aspect_ratio_policy '" + s.getString("keep_aspect_ratio_policy", "") + "'");
        };
        boolean antialias = s.getLong("antialias", 0) != 0;
        boolean exclude = s.getLong("exclude_outside", 0) != 0;
        double a = s.getFloat("cubic_coeff_a", -0.75f);
        double extrap = s.getFloat("extrapolation_value", 0f);
        long[] axes = s.getLongs("axes", null);
        Config c = new Config(mode, transform, nearest, policy, antialias, exclude, a, extrap, axes, false, null, opset);
        return (in, ctx) -> new Tensor[] {run(c, in)};
    }

    /** Upsample (deprecated since opset 10): nearest or linear, asymmetric coordinates, scales as attribute (7–8) or input (9). */
    static Operator upsample(OpSetup s) {
        Mode mode = mode(s, s.getString("mode", "nearest"));
        if (mode == Mode.CUBIC) {
            throw s.unsupported("Upsample mode cubic");
        }
        float[] scales = s.opset() < 9 ? s.getFloats("scales", null) : null;
        if (s.opset() < 9 && scales == null) {
            throw s.invalid("attribute 'scales' is required before opset 9");
        }
        Config c = new Config(mode, Transform.ASYMMETRIC, Nearest.FLOOR, Policy.STRETCH, false, false, -0.75, 0, null, true,
                scales, s.opset());
        return (in, ctx) -> new Tensor[] {run(c, in)};
    }

    private static Mode mode(OpSetup s, String m) {
        return switch (m) {
            case "nearest" -> Mode.NEAREST;
            case "linear", "bilinear", "trilinear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> throw s.unsupported("mode '" + m + "'");
        };
    }

    private static Tensor run(Config c, Tensor[] in) {
        Tensor x = in[0];
        int r = x.rank();
        int[] sh = x.shape();
        Tensor roiT = null, scalesT = null, sizesT = null;
        if (c.upsample()) {
            scalesT = c.attrScales() != null ? Tensor.of(c.attrScales(), c.attrScales().length) : in[1];
        } else if (c.opset() < 11) {
            scalesT = in[1];
        } else {
            roiT = present(in, 1);
            scalesT = present(in, 2);
            sizesT = present(in, 3);
        }
        int[] axes;
        if (c.axes() == null) {
            axes = new int[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        } else {
            axes = new int[c.axes().length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = Shapes.axis(c.axes()[i], r, "Resize axis");
            }
        }
        double[] scale = new double[r];
        int[] out = sh.clone();
        Arrays.fill(scale, 1.0);
        if (scalesT != null && sizesT != null) {
            throw new IllegalArgumentException("Resize takes scales or sizes, not both");
        }
        if (scalesT != null) {
            if (scalesT.size() != axes.length) {
                throw new IllegalArgumentException("Resize scales has " + scalesT.size() + " values for " + axes.length + " axes");
            }
            for (int i = 0; i < axes.length; i++) {
                double sc = (float) scalesT.getDouble(i);
                if (!(sc > 0) || Double.isInfinite(sc)) {
                    throw new IllegalArgumentException("Resize scale " + sc + " must be positive");
                }
                scale[axes[i]] = sc;
                double o = Math.floor(sh[axes[i]] * sc);
                if (o > GeneratorOps.MAX_GENERATED) {
                    throw new IllegalArgumentException("Resize output axis " + axes[i] + " would have " + (long) o + " elements");
                }
                out[axes[i]] = (int) o;
            }
        } else if (sizesT != null) {
            if (sizesT.size() != axes.length) {
                throw new IllegalArgumentException("Resize sizes has " + sizesT.size() + " values for " + axes.length + " axes");
            }
            long[] sizes = Shapes.longs(sizesT, "Resize sizes");
            if (c.policy() == Policy.STRETCH) {
                for (int i = 0; i < axes.length; i++) {
                    if (sizes[i] < 0 || sizes[i] > GeneratorOps.MAX_GENERATED) {
                        throw new IllegalArgumentException("Resize size " + sizes[i] + " is out of range");
                    }
                    out[axes[i]] = (int) sizes[i];
                    scale[axes[i]] = (double) sizes[i] / sh[axes[i]];
                }
            } else {
                double chosen = c.policy() == Policy.NOT_LARGER ? Double.POSITIVE_INFINITY : 0;
                for (int i = 0; i < axes.length; i++) {
                    double sc = (double) sizes[i] / sh[axes[i]];
                    chosen = c.policy() == Policy.NOT_LARGER ? Math.min(chosen, sc) : Math.max(chosen, sc);
                }
                for (int axis : axes) {
                    scale[axis] = chosen;
                    double o = Math.rint(chosen * sh[axis]);
                    if (o > GeneratorOps.MAX_GENERATED) {
                        throw new IllegalArgumentException("Resize output axis " + axis + " would have " + (long) o + " elements");
                    }
                    out[axis] = (int) o;
                }
            }
        } else {
            throw new IllegalArgumentException("Resize needs scales or sizes");
        }
        double[] roiStart = new double[r], roiEnd = new double[r];
        Arrays.fill(roiEnd, 1);
        if (c.transform() == Transform.TF_CROP_AND_RESIZE) {
            if (roiT == null || roiT.size() != 2 * axes.length) {
                throw new IllegalArgumentException("Resize tf_crop_and_resize needs roi with " + 2 * axes.length + " values");
            }
            for (int i = 0; i < axes.length; i++) {
                roiStart[axes[i]] = roiT.getDouble(i);
                roiEnd[axes[i]] = roiT.getDouble(i + axes.length);
            }
        }
        if (Tensor.checkedSize(out) > GeneratorOps.MAX_GENERATED) {
            throw new IllegalArgumentException("Resize output " + Shapes.str(out) + " is too large");
        }
        boolean[] outside = null;
        if (c.mode() == Mode.NEAREST) {
            int[] map = nearestMap(c, sh, out, scale, roiStart, roiEnd);
            boolean any = false;
            for (int v : map) {
                any |= v < 0;
            }
            if (!any) {
                return IndexCopy.gather(x, map, out);
            }
            return IndexCopy.gatherOrFill(x, map, out, Cast.convert(Tensor.scalar((float) c.extrapolation()), x.dtype()));
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Resize " + c.mode() + " needs a floating-point input, got " + x.dtype());
        }
        // Separable: resize one axis at a time in double.
        double[] data = new double[x.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = x.getDouble(i);
        }
        int[] cur = sh.clone();
        boolean[][] outsideAxis = new boolean[r][];
        for (int axis = 0; axis < r; axis++) {
            if (out[axis] == cur[axis] && scale[axis] == 1.0 && c.transform() != Transform.TF_CROP_AND_RESIZE) {
                continue;
            }
            outsideAxis[axis] = new boolean[out[axis]];
            data = resizeAxis(c, data, cur, axis, out[axis], scale[axis], roiStart[axis], roiEnd[axis], outsideAxis[axis]);
            cur[axis] = out[axis];
        }
        int n = Tensor.checkedSize(out);
        double[] y = data;
        if (c.transform() == Transform.TF_CROP_AND_RESIZE) {
            int[] pos = new int[r];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < r; d++) {
                    if (outsideAxis[d] != null && outsideAxis[d][pos[d]]) {
                        y[i] = c.extrapolation();
                        break;
                    }
                }
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < out[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
        }
        return Cast.convert(Tensor.ofDoubles(y, out), x.dtype());
    }

    private static Tensor present(Tensor[] in, int i) {
        return i < in.length && in[i] != null && in[i].size() > 0 ? in[i] : null;
    }

    /**
     * The source coordinate of output coordinate {@code x} on one axis. As in ONNX's reference, the
     * transforms use the real-valued output length {@code scale · inLen}, not the rounded one.
     */
    private static double source(Transform t, double x, int inLen, int outLen, double scale, double roiStart, double roiEnd) {
        double outF = scale * inLen;
        return switch (t) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
                double adjustment = outLen / outF;
                double center = inLen / 2.0;
                double offset = center * (1 - adjustment);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> outF > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> outF == 1 ? 0 : x * (inLen - 1) / (outF - 1);
            case ASYMMETRIC -> x / scale;
            case TF_CROP_AND_RESIZE -> outF > 1
                    ? roiStart * (inLen - 1) + x * (roiEnd - roiStart) * (inLen - 1) / (outF - 1)
                    : 0.5 * (roiStart + roiEnd) * (inLen - 1);
        };
    }

    private static int[] nearestMap(Config c, int[] sh, int[] out, double[] scale, double[] roiStart, double[] roiEnd) {
        int r = sh.length;
        int[][] idx = new int[r][];
        for (int d = 0; d < r; d++) {
            idx[d] = new int[out[d]];
            for (int o = 0; o < out[d]; o++) {
                double xs = source(c.transform(), o, sh[d], out[d], scale[d], roiStart[d], roiEnd[d]);
                if (c.transform() == Transform.TF_CROP_AND_RESIZE && (xs < 0 || xs > sh[d] - 1)) {
                    idx[d][o] = -1;
                    continue;
                }
                long k = switch (c.nearest()) {
                    case ROUND_PREFER_FLOOR -> xs == Math.floor(xs) + 0.5 ? (long) Math.floor(xs) : Math.round(xs);
                    case ROUND_PREFER_CEIL -> (long) Math.floor(xs + 0.5);
                    case FLOOR -> (long) Math.floor(xs);
                    case CEIL -> (long) Math.ceil(xs);
                };
                idx[d][o] = (int) Math.max(0, Math.min(sh[d] - 1, k));
            }
        }
        int n = Tensor.checkedSize(out);
        int[] strides = Shapes.strides(sh);
        int[] map = new int[n];
        int[] pos = new int[r];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int d = 0; d < r; d++) {
                int k = idx[d][pos[d]];
                if (k < 0) {
                    off = -1;
                    break;
                }
                off += k * strides[d];
            }
            map[i] = off;
            for (int d = r - 1; d >= 0; d--) {
                if (++pos[d] < out[d]) {
                    break;
                }
                pos[d] = 0;
            }
        }
        return map;
    }

    /** Interpolation weights for source offset {@code ratio} ∈ (0, 1] past the left tap; taps start at 1 − n/2. */
    private static double[] weights(Config c, double ratio, double scale) {
        boolean aa = c.antialias() && scale < 1;
        double s = aa ? scale : 1;
        double[] w;
        if (c.mode() == Mode.LINEAR) {
            int start = aa ? (int) Math.floor(-1 / s) + 1 : 0;
            int n = 2 - 2 * start;
            w = new double[n];
            for (int j = 0; j < n; j++) {
                w[j] = Math.max(0, Math.min(1, 1 - Math.abs((start + j - ratio) * s)));
            }
        } else {
            int start = aa ? (int) Math.floor(-2 / s) + 1 : -1;
            int n = 2 - 2 * start;
            w = new double[n];
            for (int j = 0; j < n; j++) {
                w[j] = cubic(Math.abs((start + j - ratio) * s), c.cubicA());
            }
        }
        if (aa) {
            double sum = 0;
            for (double v : w) {
                sum += v;
            }
            for (int j = 0; j < w.length; j++) {
                w[j] /= sum;
            }
        }
        return w;
    }

    /** Keys' cubic convolution kernel with parameter A. */
    private static double cubic(double x, double a) {
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }

    private static double[] resizeAxis(Config c, double[] data, int[] shape, int axis, int outLen, double scale,
                                       double roiStart, double roiEnd, boolean[] outside) {
        int inLen = shape[axis];
        int outer = Shapes.product(shape, 0, axis), inner = Shapes.product(shape, axis + 1, shape.length);
        double[] y = new double[Math.multiplyExact(Math.multiplyExact(outer, outLen), inner)];
        for (int o = 0; o < outLen; o++) {
            double xs = source(c.transform(), o, inLen, outLen, scale, roiStart, roiEnd);
            if (c.transform() == Transform.TF_CROP_AND_RESIZE && (xs < 0 || xs > inLen - 1)) {
                outside[o] = true;
                continue;
            }
            int base = (int) Math.ceil(xs) - 1;
            double ratio = xs - base;
            double[] w = weights(c, ratio, scale);
            int n = w.length;
            int start = 1 - n / 2;
            int[] taps = new int[n];
            for (int j = 0; j < n; j++) {
                int t = base + start + j;
                if (c.excludeOutside() && (t < 0 || t >= inLen)) {
                    w[j] = 0;
                }
                taps[j] = Math.max(0, Math.min(inLen - 1, t));
            }
            if (c.excludeOutside()) {
                double sum = 0;
                for (double v : w) {
                    sum += v;
                }
                for (int j = 0; j < n; j++) {
                    w[j] /= sum;
                }
            }
            for (int b = 0; b < outer; b++) {
                for (int i = 0; i < inner; i++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) {
                        acc += w[j] * data[(b * inLen + taps[j]) * inner + i];
                    }
                    y[(b * outLen + o) * inner + i] = acc;
                }
            }
        }
        return y;
    }

    static boolean isFloat(DType t) {
        return t.isFloatingPoint();
    }
}
