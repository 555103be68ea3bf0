package dev.lanes.simd.conv;

import dev.lanes.simd.Parallel;

/**
 * Reorders between the NCHW of the API ({@code [N][C][pixels]}) and the NHWC the convolution and
 * pooling kernels run in ({@code [N][pixels][C]}), and the NCHW entry point that wraps a kernel in
 * them. A reorder is a transpose of each image's {@code C × pixels} matrix, done in square blocks
 * small enough that the rows read and the rows written both stay in L1.
 */
public final class Layouts {
    private Layouts() {}

    /** Side of the square blocks of the transpose: 16×16 floats read and written, 2 KB. */
    private static final int B = 16;

    /** One image {@code [c][pixels]} at {@code src[srcOff]} to {@code [pixels][c]} at {@code dst[dstOff]}. */
    public static void toNhwc(float[] src, int srcOff, int c, int pixels, float[] dst, int dstOff) {
        transpose(src, srcOff, c, pixels, dst, dstOff);
    }

    /** One image {@code [pixels][c]} at {@code src[srcOff]} to {@code [c][pixels]} at {@code dst[dstOff]}. */
    public static void toNchw(float[] src, int srcOff, int c, int pixels, float[] dst, int dstOff) {
        transpose(src, srcOff, pixels, c, dst, dstOff);
    }

    /** {@code dst[j][i] = src[i][j]} for a {@code rows × cols} row-major matrix. */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        for (int i0 = 0; i0 < rows; i0 += B) {
            int i1 = Math.min(rows, i0 + B);
            for (int j0 = 0; j0 < cols; j0 += B) {
                int j1 = Math.min(cols, j0 + B);
                for (int j = j0; j < j1; j++) {
                    int d = dstOff + j * rows;
                    for (int i = i0; i < i1; i++) dst[d + i] = src[srcOff + i * cols + j];
                }
            }
        }
    }

    /** The batch's images reordered to NHWC, split over images and threads. */
    public static void toNhwc(float[] src, int srcOff, int batch, int c, int pixels, float[] dst, int dstOff, Parallel parallel) {
        int plane = c * pixels;
        parallel.forRange(batch, 1, parallel.sharesFor((long) batch * plane, 1 << 16), (n0, n1) -> {
            for (int n = n0; n < n1; n++) toNhwc(src, srcOff + n * plane, c, pixels, dst, dstOff + n * plane);
        });
    }

    /** The batch's images reordered to NCHW. */
    public static void toNchw(float[] src, int srcOff, int batch, int c, int pixels, float[] dst, int dstOff, Parallel parallel) {
        int plane = c * pixels;
        parallel.forRange(batch, 1, parallel.sharesFor((long) batch * plane, 1 << 16), (n0, n1) -> {
            for (int n = n0; n < n1; n++) toNchw(src, srcOff + n * plane, c, pixels, dst, dstOff + n * plane);
        });
    }

    /** Anything that runs over NHWC tensors (a convolution or pooling kernel). */
    @FunctionalInterface
    public interface NhwcKernel {
        void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel);
    }

    /**
     * Runs an NHWC kernel on NCHW tensors: input (and residual) reordered into per-thread buffers,
     * the kernel run there, its output reordered into {@code y}.
     */
    public static void runNchw(NhwcKernel kernel, int batch, int cin, int inPixels, int cout, int outPixels,
                               float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        long in = (long) batch * cin * inPixels, out = (long) batch * cout * outPixels;
        float[] xs = ConvScratch.get(ConvScratch.NHWC_IN, in);
        float[] ys = ConvScratch.get(ConvScratch.NHWC_OUT, out);
        toNhwc(x, xOff, batch, cin, inPixels, xs, 0, parallel);
        float[] rs = null;
        if (res != null) {
            rs = ConvScratch.get(ConvScratch.NHWC_RES, out);
            toNhwc(res, resOff, batch, cout, outPixels, rs, 0, parallel);
        }
        kernel.run(xs, 0, ys, 0, rs, 0, parallel);
        toNchw(ys, 0, batch, cout, outPixels, y, yOff, parallel);
    }
}
