package dev.lanes.models.vision;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws numbered text boxes onto a copy of an image and writes it as PNG. */
public final class BoxPainter {
    private BoxPainter() {}

    public static BufferedImage draw(BgrImage image, List<TextBox> boxes) {
        BufferedImage img = image.toBufferedImage();
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float stroke = Math.max(1f, Math.min(image.width(), image.height()) / 300f);
            g.setStroke(new BasicStroke(stroke));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, Math.round(stroke * 6))));
            for (int i = 0; i < boxes.size(); i++) {
                TextBox b = boxes.get(i);
                int[] xs = new int[4], ys = new int[4];
                for (int c = 0; c < 4; c++) {
                    xs[c] = (int) Math.round(b.xs()[c]);
                    ys[c] = (int) Math.round(b.ys()[c]);
                }
                g.setColor(new Color(0, 200, 0));
                g.drawPolygon(xs, ys, 4);
                g.setColor(new Color(220, 0, 0));
                g.drawString(Integer.toString(i + 1), xs[0], Math.max(g.getFont().getSize(), ys[0] - 2));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void writePng(BgrImage image, List<TextBox> boxes, Path file) {
        try {
            if (!ImageIO.write(draw(image, boxes), "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
