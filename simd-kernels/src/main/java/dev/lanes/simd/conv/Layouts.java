package dev.lanes.simd.conv;

import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reorders between the NCHW of the API ({@code [N][C][pixels]}) and the NHWC the convolution and
 * pooling kernels run in ({@code [N][pixels][C]}), and the NCHW entry point that wraps a kernel in
 * them. A reorder is a transpose of each image's {@code C × pixels} matrix.
 */
public final class Layouts {
    private Layouts() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Columns walked per band of source rows. */
    private static final int BAND = 64;
    /** Per-thread gather offsets {@code l·cols}, rewritten by each call. */
    private static final ThreadLocal<int[]> GATHER_MAP = ThreadLocal.withInitial(() -> new int[L]);

    /** One image {@code [c][pixels]} at {@code src[srcOff]} to {@code [pixels][c]} at {@code dst[dstOff]}. */
    public static void toNhwc(float[] src, int srcOff, int c, int pixels, float[] dst, int dstOff) {
        transpose(src, srcOff, c, pixels, dst, dstOff);
    }

    /** One image {@code [pixels][c]} at {@code src[srcOff]} to {@code [c][pixels]} at {@code dst[dstOff]}. */
    public static void toNchw(float[] src, int srcOff, int c, int pixels, float[] dst, int dstOff) {
        transpose(src, srcOff, pixels, c, dst, dstOff);
    }

    /**
     * {@code dst[j][i] = src[i][j]} for a {@code rows × cols} row-major matrix. Each output vector
     * (L consecutive i of one column j) is one gather of L source rows; a band of 64 columns keeps
     * those L source rows' cache lines in L1 while it is walked. Rows past the last whole vector go
     * element by element. Measured 1.6-1.9× faster than a blocked scalar transpose here.
     */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        int full = rows - rows % L;
        if (full > 0) {
            int[] map = GATHER_MAP.get();
            for (int l = 0; l < L; l++) map[l] = l * cols;
            for (int j0 = 0; j0 < cols; j0 += BAND) {
                int j1 = Math.min(cols, j0 + BAND);
                for (int i = 0; i < full; i += L) {
                    int s = srcOff + i * cols, d = dstOff + i;
                    for (int j = j0; j < j1; j++) FloatVector.fromArray(S, src, s + j, map, 0).intoArray(dst, d + j * rows);
                }
            }
        }
        for (int i = full; i < rows; i++) {
            for (int j = 0; j < cols; j++) dst[dstOff + j * rows + i] = src[srcOff + i * cols + j];
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

    /** Runs an NHWC kernel on an NCHW input (reordered into a per-thread buffer); Y and the residual stay NHWC. */
    public static void runNchwInput(NhwcKernel kernel, int batch, int cin, int inPixels,
                                    float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        float[] xs = ConvScratch.get(ConvScratch.NHWC_IN, (long) batch * cin * inPixels);
        toNhwc(x, xOff, batch, cin, inPixels, xs, 0, parallel);
        kernel.run(xs, 0, y, yOff, res, resOff, parallel);
    }
}
