package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;

/**
 * The nearest-neighbour upsampling of feature pyramids (PaddleOCR's FPN: Resize with mode nearest,
 * asymmetric coordinates, nearest_mode floor, constant integer scales on H and W) as row copies:
 * output pixel {@code (oy, ox)} is input pixel {@code (oy / sh, ox / sw)}, exactly what the reference's
 * {@code floor(o / scale)} gives for an integer scale. Every other Resize takes the reference binding.
 */
final class FastResize {
    private FastResize() {}

    static Operator resize(OpSetup s) {
        Operator reference = Resize.resize(s); // reads (and validates) every attribute
        boolean v10 = s.opset() < 11;
        boolean nearest = s.getString("mode", "nearest").equals("nearest");
        boolean asymmetric = v10 || s.getString("coordinate_transformation_mode", "half_pixel").equals("asymmetric");
        boolean floor = v10 || s.getString("nearest_mode", "round_prefer_floor").equals("floor");
        boolean plain = s.getLong("antialias", 0) == 0 && s.getLongs("axes", null) == null
                && s.getString("keep_aspect_ratio_policy", "stretch").equals("stretch");
        Tensor scales = s.constantInput(v10 ? 1 : 2);
        boolean noSizes = v10 || !s.hasInput(3) || (s.constantInput(3) != null && s.constantInput(3).size() == 0);
        if (!(nearest && asymmetric && floor && plain && noSizes) || scales == null || scales.size() != 4 || !scales.dtype().isFloatingPoint()) {
            return null;
        }
        double sh = scales.getDouble(2), sw = scales.getDouble(3);
        if (scales.getDouble(0) != 1 || scales.getDouble(1) != 1 || sh != Math.rint(sh) || sw != Math.rint(sw) || sh < 1 || sw < 1) {
            return null;
        }
        int fy = (int) sh, fx = (int) sw;
        return (in, ctx) -> {
            Tensor x = in[0];
            if (x.dtype() != DType.FLOAT32 || x.rank() != 4) {
                return reference.run(in, ctx);
            }
            int[] xs = x.shape();
            int planes = xs[0] * xs[1], ih = xs[2], iw = xs[3], oh = Math.multiplyExact(ih, fy), ow = Math.multiplyExact(iw, fx);
            int[] outShape = {xs[0], xs[1], oh, ow};
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            float[] xv = x.floats();
            int rows = planes * ih;
            ctx.parallel().forRange(rows, 8, ctx.parallel().sharesFor((long) rows * ow * fy, 1 << 16), (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int src = r * iw, dst = r * fy * ow;
                    for (int ix = 0; ix < iw; ix++) {
                        float v = xv[src + ix];
                        for (int k = 0; k < fx; k++) {
                            y[dst + ix * fx + k] = v;
                        }
                    }
                    for (int k = 1; k < fy; k++) {
                        System.arraycopy(y, dst, y, dst + k * ow, ow);
                    }
                }
            });
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }
}
