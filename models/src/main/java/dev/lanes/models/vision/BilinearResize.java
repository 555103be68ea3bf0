package dev.lanes.models.vision;

/**
 * Bilinear resizing with half-pixel centres ({@code src = (dst + 0.5) * scale - 0.5}, clamped at the
 * borders), the convention of OpenCV's {@code INTER_LINEAR} that PaddleOCR's preprocessing uses.
 * Results are rounded to the nearest byte.
 */
public final class BilinearResize {
    private BilinearResize() {}

    public static BgrImage resize(BgrImage src, int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("cannot resize to " + width + "x" + height);
        if (width == src.width() && height == src.height()) return src;
        int[] x0 = new int[width], x1 = new int[width];
        float[] fx = new float[width];
        taps(src.width(), width, x0, x1, fx);
        int[] y0 = new int[height], y1 = new int[height];
        float[] fy = new float[height];
        taps(src.height(), height, y0, y1, fy);
        byte[] in = src.bgr();
        byte[] out = new byte[width * height * 3];
        int sw = src.width();
        for (int y = 0; y < height; y++) {
            int r0 = y0[y] * sw, r1 = y1[y] * sw;
            float wy = fy[y];
            for (int x = 0; x < width; x++) {
                float wx = fx[x];
                for (int c = 0; c < 3; c++) {
                    float a = in[(r0 + x0[x]) * 3 + c] & 0xFF, b = in[(r0 + x1[x]) * 3 + c] & 0xFF;
                    float d = in[(r1 + x0[x]) * 3 + c] & 0xFF, e = in[(r1 + x1[x]) * 3 + c] & 0xFF;
                    float top = a + (b - a) * wx, bottom = d + (e - d) * wx;
                    out[(y * width + x) * 3 + c] = (byte) Math.round(top + (bottom - top) * wy);
                }
            }
        }
        return new BgrImage(width, height, out);
    }

    /** For each destination index: the two source indices and the weight of the second. */
    private static void taps(int srcSize, int dstSize, int[] i0, int[] i1, float[] frac) {
        double scale = (double) srcSize / dstSize;
        for (int d = 0; d < dstSize; d++) {
            double s = (d + 0.5) * scale - 0.5;
            if (s < 0) s = 0;
            int lo = (int) Math.floor(s);
            if (lo >= srcSize - 1) {
                i0[d] = i1[d] = srcSize - 1;
                frac[d] = 0;
            } else {
                i0[d] = lo;
                i1[d] = lo + 1;
                frac[d] = (float) (s - lo);
            }
        }
    }
}
