package dev.lanes.models.vision;

/**
 * PaddleOCR's orientation-classifier input for one text crop: resized to height 48 keeping its aspect
 * (width {@code ceil(48 * w / h)}, at most 192), normalised with {@link ChannelNormalization#HALF}
 * and padded with zeros on the right to {@code [3, 48, 192]}.
 */
public final class ClsPreprocess {
    public static final int HEIGHT = 48;
    public static final int WIDTH = 192;

    private ClsPreprocess() {}

    /** Writes one crop into {@code out} at {@code offset} as {@code [3, 48, 192]}. */
    public static void prepare(BgrImage crop, float[] out, int offset) {
        double ratio = (double) crop.width() / crop.height();
        int w = (int) Math.min(WIDTH, Math.ceil(HEIGHT * ratio));
        BgrImage resized = BilinearResize.resize(crop, Math.max(w, 1), HEIGHT);
        java.util.Arrays.fill(out, offset, offset + 3 * HEIGHT * WIDTH, 0f);
        ChannelNormalization.HALF.toChw(resized, out, offset, HEIGHT, WIDTH);
    }

    /** A batch {@code [n, 3, 48, 192]} of crops. */
    public static float[] batch(java.util.List<BgrImage> crops) {
        float[] out = new float[crops.size() * 3 * HEIGHT * WIDTH];
        for (int i = 0; i < crops.size(); i++) prepare(crops.get(i), out, i * 3 * HEIGHT * WIDTH);
        return out;
    }
}
