package dev.lanes.models.vision;

/**
 * PaddleOCR's detector input: the image scaled so that its longer side is at most {@code limitSideLen}
 * (never enlarged), each side then rounded to a multiple of 32 (half to even, at least 32),
 * resized bilinearly and normalised with {@link ChannelNormalization#IMAGENET} into {@code [1, 3, H, W]}.
 *
 * @param limitSideLen the longest side allowed before rounding (PaddleOCR's default 960)
 */
public record DetPreprocess(int limitSideLen) {
    public static final DetPreprocess PADDLE_DEFAULT = new DetPreprocess(960);

    public DetPreprocess {
        if (limitSideLen < 32) throw new IllegalArgumentException("limit side length must be >= 32, got " + limitSideLen);
    }

    /**
     * The network input for an image.
     *
     * @param chw         {@code [1, 3, height, width]} floats
     * @param width       resized width, a multiple of 32
     * @param height      resized height, a multiple of 32
     * @param srcWidth    the original width, to map boxes back
     * @param srcHeight   the original height
     */
    public record DetInput(float[] chw, int width, int height, int srcWidth, int srcHeight) {
        public long[] shape() {
            return new long[] {1, 3, height, width};
        }
    }

    public DetInput prepare(BgrImage img) {
        int[] size = resizedSize(img.width(), img.height());
        BgrImage resized = BilinearResize.resize(img, size[0], size[1]);
        float[] chw = new float[3 * size[0] * size[1]];
        ChannelNormalization.IMAGENET.toChw(resized, chw, 0, size[1], size[0]);
        return new DetInput(chw, size[0], size[1], img.width(), img.height());
    }

    /** {@code {width, height}} the detector sees for an image of the given size. */
    public int[] resizedSize(int width, int height) {
        double ratio = Math.max(width, height) > limitSideLen ? (double) limitSideLen / Math.max(width, height) : 1.0;
        int w = (int) (width * ratio), h = (int) (height * ratio);
        return new int[] {roundTo32(w), roundTo32(h)};
    }

    /** Python's {@code round} rounds half to even, which {@link Math#rint} matches. */
    private static int roundTo32(int v) {
        return Math.max((int) Math.rint(v / 32.0) * 32, 32);
    }
}
