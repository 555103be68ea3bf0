package dev.lanes.models.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BgrImageTest {
    @TempDir
    Path dir;

    @Test
    void pngRoundTripsAndChannelsAreBgr() {
        byte[] px = new byte[3 * 2 * 3];
        px[0] = 10; px[1] = 20; px[2] = 30;   // first pixel: B 10, G 20, R 30
        BgrImage img = new BgrImage(3, 2, px);
        assertEquals(0x1E140A, img.toBufferedImage().getRGB(0, 0) & 0xFFFFFF);
        Path file = dir.resolve("a.png");
        img.writePng(file);
        BgrImage back = BgrImage.read(file);
        assertArrayEquals(px, back.bgr());
    }

    @Test
    void unreadableFilesAreNamed() throws Exception {
        Path text = Files.writeString(dir.resolve("not-an-image.png"), "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BgrImage.read(text));
        assertTrue(e.getMessage().contains("not-an-image.png"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BgrImage.read(dir.resolve("nope.jpg")));
        assertTrue(missing.getMessage().contains("no image file"), missing.getMessage());
    }

    @Test
    void boxesAreDrawnOntoACopy() throws Exception {
        BgrImage img = new BgrImage(40, 20, new byte[40 * 20 * 3]);
        Path out = dir.resolve("boxes.png");
        BoxPainter.writePng(img, List.of(new TextBox(new double[] {5, 30, 30, 5}, new double[] {5, 5, 15, 15}, 0.9)), out);
        BgrImage drawn = BgrImage.read(out);
        assertEquals(40, drawn.width());
        assertTrue(drawn.at(20, 5, 1) > 100, "the top edge is drawn in green");
        assertEquals(0, img.at(20, 5, 1), "the input is untouched");
    }
}
