package dev.lanes.models.vision;

/**
 * Cuts a text box out of an image as an upright rectangle, as PaddleOCR's {@code get_rotate_crop_image}
 * does: the output is as wide as the longer of the top and bottom edges and as high as the longer of
 * the side edges, filled through the perspective transform that maps its corners onto the box
 * (bilinear sampling, borders replicated); a crop at least 1.5 times higher than wide is turned a
 * quarter counter-clockwise so that vertical text lies down.
 */
public final class QuadCrop {
    private QuadCrop() {}

    public static BgrImage crop(BgrImage img, TextBox box) {
        double[] x = box.xs(), y = box.ys();
        int w = (int) Math.max(Math.hypot(x[0] - x[1], y[0] - y[1]), Math.hypot(x[2] - x[3], y[2] - y[3]));
        int h = (int) Math.max(Math.hypot(x[0] - x[3], y[0] - y[3]), Math.hypot(x[1] - x[2], y[1] - y[2]));
        w = Math.max(w, 1);
        h = Math.max(h, 1);
        double[] m = Homography.fromRectangle(w, h, x, y);
        byte[] out = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double den = m[6] * c + m[7] * r + 1;
                double sx = (m[0] * c + m[1] * r + m[2]) / den;
                double sy = (m[3] * c + m[4] * r + m[5]) / den;
                sample(img, sx, sy, out, (r * w + c) * 3);
            }
        }
        BgrImage crop = new BgrImage(w, h, out);
        return (double) h / w >= 1.5 ? rotateCounterClockwise(crop) : crop;
    }

    private static void sample(BgrImage img, double sx, double sy, byte[] out, int at) {
        double cx = Math.min(Math.max(sx, 0), img.width() - 1), cy = Math.min(Math.max(sy, 0), img.height() - 1);
        int x0 = (int) Math.floor(cx), y0 = (int) Math.floor(cy);
        int x1 = Math.min(x0 + 1, img.width() - 1), y1 = Math.min(y0 + 1, img.height() - 1);
        double fx = cx - x0, fy = cy - y0;
        for (int ch = 0; ch < 3; ch++) {
            double top = img.at(x0, y0, ch) * (1 - fx) + img.at(x1, y0, ch) * fx;
            double bottom = img.at(x0, y1, ch) * (1 - fx) + img.at(x1, y1, ch) * fx;
            out[at + ch] = (byte) Math.round(top * (1 - fy) + bottom * fy);
        }
    }

    /** numpy's {@code rot90}: the first column becomes the last row. */
    static BgrImage rotateCounterClockwise(BgrImage img) {
        int w = img.width(), h = img.height();
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int nx = y, ny = w - 1 - x;
                System.arraycopy(img.bgr(), (y * w + x) * 3, out, (ny * h + nx) * 3, 3);
            }
        }
        return new BgrImage(h, w, out);
    }

    /** Rotates by 180 degrees (for text the classifier finds upside down). */
    public static BgrImage rotate180(BgrImage img) {
        int n = img.width() * img.height();
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) System.arraycopy(img.bgr(), i * 3, out, (n - 1 - i) * 3, 3);
        return new BgrImage(img.width(), img.height(), out);
    }
}
