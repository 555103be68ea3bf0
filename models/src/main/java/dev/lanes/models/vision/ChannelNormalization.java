package dev.lanes.models.vision;

/**
 * Turns a {@link BgrImage} into a planar float tensor {@code [3, height, width]} with
 * {@code (x / 255 - mean[c]) / std[c]}, channel 0 being B as in PaddleOCR (which applies its
 * ImageNet mean and std to the image in the order OpenCV loaded it).
 *
 * @param mean per channel, in B, G, R order
 * @param std  per channel, in B, G, R order
 */
public record ChannelNormalization(float[] mean, float[] std) {
    /** PaddleOCR's detector normalisation. */
    public static final ChannelNormalization IMAGENET = new ChannelNormalization(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    /** PaddleOCR's classifier and recogniser normalisation, {@code (x/255 - 0.5) / 0.5}. */
    public static final ChannelNormalization HALF = new ChannelNormalization(
            new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

    private static final float INV_255 = (float) (1.0 / 255.0);

    public ChannelNormalization {
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 channels");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be > 0, got " + s);
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Writes the image into {@code out} at {@code [3, rows, cols]} starting at {@code offset}: the image in the
     * top-left corner, the rest left as it is (zeros in a fresh array, PaddleOCR's padding).
     */
    public void toChw(BgrImage img, float[] out, int offset, int rows, int cols) {
        if (img.width() > cols || img.height() > rows) {
            throw new IllegalArgumentException("a " + img.width() + "x" + img.height() + " image does not fit " + cols + "x" + rows);
        }
        if (offset < 0 || out.length - offset < 3L * rows * cols) throw new IllegalArgumentException("output too small");
        byte[] px = img.bgr();
        for (int c = 0; c < 3; c++) {
            // x * float(1/255), minus mean, over std: PaddleOCR's order of float32 operations
            float m = mean[c], s = std[c];
            int plane = offset + c * rows * cols;
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    float v = (px[(y * img.width() + x) * 3 + c] & 0xFF) * INV_255;
                    out[plane + y * cols + x] = (v - m) / s;
                }
            }
        }
    }
}
