package dev.lanes.models.vision;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An 8-bit colour image stored the way OpenCV, and therefore PaddleOCR, holds it: rows of pixels,
 * each pixel three bytes in B, G, R order ({@code HWC}).
 *
 * @param width  pixels per row
 * @param height rows
 * @param bgr    {@code height * width * 3} bytes
 */
public record BgrImage(int width, int height, byte[] bgr) {
    /** Images larger than this are refused before their pixels are decoded. */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;

    public BgrImage {
        if (width < 1 || height < 1) throw new IllegalArgumentException("an image needs at least one pixel, got " + width + "x" + height);
        if ((long) width * height > MAX_PIXELS) throw new IllegalArgumentException("an image of " + width + "x" + height + " is larger than " + MAX_PIXELS + " pixels");
        if (bgr.length != width * height * 3) throw new IllegalArgumentException(width + "x" + height + " BGR needs " + width * height * 3 + " bytes, got " + bgr.length);
    }

    /** Channel {@code c} (0 = B, 1 = G, 2 = R) of the pixel at column x, row y, as 0..255. */
    public int at(int x, int y, int c) {
        return bgr[(y * width + x) * 3 + c] & 0xFF;
    }

    /** Reads a PNG, JPEG or any other format {@code javax.imageio} knows; alpha is dropped, grey becomes three equal channels. */
    public static BgrImage read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no image file at " + file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IllegalArgumentException("cannot open " + file + " as an image");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IllegalArgumentException(file + " is not an image this JVM can read (PNG, JPEG, BMP, GIF, ...)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w * h > MAX_PIXELS) throw new IllegalArgumentException(file + " is " + w + "x" + h + ", larger than " + MAX_PIXELS + " pixels");
                return of(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " could not be decoded as an image: " + e.getMessage(), e);
        }
    }

    public static BgrImage of(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] bgr = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            bgr[i * 3] = (byte) p;
            bgr[i * 3 + 1] = (byte) (p >> 8);
            bgr[i * 3 + 2] = (byte) (p >> 16);
        }
        return new BgrImage(w, h, bgr);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[width * height];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (bgr[i * 3 + 2] & 0xFF) << 16 | (bgr[i * 3 + 1] & 0xFF) << 8 | (bgr[i * 3] & 0xFF);
        }
        img.setRGB(0, 0, width, height, rgb, 0, width);
        return img;
    }

    /** Writes the image as PNG. */
    public void writePng(Path file) {
        try {
            if (!ImageIO.write(toBufferedImage(), "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
