package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.Layouts;

/**
 * Copies between the two memory orders of a 4-D float32 tensor whose dims are ONNX's
 * {@code [N, C, H, W]}: NCHW, and NHWC as {@code LayoutSelection} keeps some values. The dims of the
 * tensor do not change, only the order of its elements.
 */
final class Nhwc {
    private Nhwc() {}

    static Tensor toNchw(Tensor nhwc) {
        int[] s = nhwc.shape();
        float[] y = new float[nhwc.size()];
        Layouts.toNchw(nhwc.floats(), 0, s[0], s[1], s[2] * s[3], y, 0, Parallel.callerOnly());
        return Tensor.of(y, s);
    }

    /** {@code [N, C, H, W]} as the dims of the NHWC memory, {@code [N, H, W, C]}; other ranks as they are. */
    static int[] dimsInMemoryOrder(int[] nchw) {
        return nchw.length == 4 ? new int[] {nchw[0], nchw[2], nchw[3], nchw[1]} : nchw;
    }

    static Tensor toNhwc(Tensor nchw) {
        int[] s = nchw.shape();
        float[] y = new float[nchw.size()];
        Layouts.toNhwc(nchw.floats(), 0, s[0], s[1], s[2] * s[3], y, 0, Parallel.callerOnly());
        return Tensor.of(y, s);
    }
}
