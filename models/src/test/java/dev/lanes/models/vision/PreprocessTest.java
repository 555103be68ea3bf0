package dev.lanes.models.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.models.RealModel;
import dev.lanes.models.TensorFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessTest {

    @Test
    void detectorSidesAreLimitedAndRoundedHalfToEvenToMultiplesOf32() {
        DetPreprocess p = DetPreprocess.PADDLE_DEFAULT;
        assertArrayEquals(new int[] {640, 384}, p.resizedSize(640, 384));
        assertArrayEquals(new int[] {960, 480}, p.resizedSize(1000, 500));
        assertArrayEquals(new int[] {96, 64}, p.resizedSize(100, 50));   // 3.125 -> 3, 1.5625 -> 2
        assertArrayEquals(new int[] {64, 64}, p.resizedSize(48, 80));    // 1.5 -> 2, 2.5 -> 2: half to even
        assertArrayEquals(new int[] {32, 32}, p.resizedSize(10, 10));    // never below 32
    }

    /** Undoes a reference normalisation to bytes, checking on the way that the per-channel mean/std is the one that gives whole numbers. */
    private static BgrImage invert(float[] chw, int w, int h, ChannelNormalization norm) {
        byte[] bgr = new byte[w * h * 3];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < w * h; i++) {
                double v = (chw[c * w * h + i] * (double) norm.std()[c] + norm.mean()[c]) * 255;
                long r = Math.round(v);
                assertTrue(Math.abs(v - r) < 1e-3, "channel " + c + " pixel " + i + " gives " + v + ", not a byte value");
                bgr[i * 3 + c] = (byte) r;
            }
        }
        return new BgrImage(w, h, bgr);
    }

    @Test
    void detectorNormalisationReproducesTheReferenceInput() {
        TensorFile x = RealModel.PPOCR_V4_DET.reference().input("x");
        float[] ref = x.floats();
        BgrImage img = invert(ref, 640, 384, ChannelNormalization.IMAGENET);
        DetPreprocess.DetInput in = DetPreprocess.PADDLE_DEFAULT.prepare(img);
        assertArrayEquals(x.shape(), in.shape());
        assertArrayEquals(ref, in.chw(), 1e-6f);
    }

    @Test
    void classifierNormalisationReproducesTheReferenceInput() {
        TensorFile x = RealModel.PPOCR_MOBILE_V2_CLS.reference().input("x");
        float[] ref = x.floats();
        BgrImage img = invert(ref, 192, 48, ChannelNormalization.HALF);
        assertArrayEquals(ref, ClsPreprocess.batch(List.of(img)), 1e-6f);
    }

    @Test
    void classifierKeepsTheAspectAndPadsWithZerosOnTheRight() {
        byte[] white = new byte[20 * 10 * 3];
        java.util.Arrays.fill(white, (byte) 255);
        float[] out = ClsPreprocess.batch(List.of(new BgrImage(20, 10, white)));   // 2:1 -> 96 x 48
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 48; y++) {
                assertEquals(1f, out[c * 48 * 192 + y * 192 + 95], 1e-6f);
                assertEquals(0f, out[c * 48 * 192 + y * 192 + 96]);
            }
        }
    }

    @Test
    void bilinearResizeUsesHalfPixelCentres() {
        BgrImage src = new BgrImage(2, 1, new byte[] {0, 0, 0, 100, 100, 100});
        BgrImage up = BilinearResize.resize(src, 4, 1);
        int[] got = new int[4];
        for (int x = 0; x < 4; x++) got[x] = up.at(x, 0, 0);
        assertArrayEquals(new int[] {0, 25, 75, 100}, got);
        BgrImage down = BilinearResize.resize(up, 2, 1);   // centres 0.5 and 2.5 of the four
        assertEquals(13, down.at(0, 0, 1));
        assertEquals(88, down.at(1, 0, 2));
    }
}
