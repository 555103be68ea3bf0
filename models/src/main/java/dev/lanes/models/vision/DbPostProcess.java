package dev.lanes.models.vision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the DB text detector's probability map into text boxes, the way PaddleOCR's {@code DBPostProcess}
 * and its filtering do: threshold the map; per 8-connected region the minimum-area rectangle (regions
 * whose short side is under {@code minSize} dropped); the mean probability inside it as the score
 * (under {@code boxThresh} dropped); the rectangle grown ("unclipped") by
 * {@code area * unclipRatio / perimeter} with round corners and enclosed again; scaled to the original
 * image, rounded and clipped; boxes no more than 3 pixels wide or high dropped; sorted in reading order.
 *
 * <p>Unlike OpenCV's contour list, holes inside a region are not candidates of their own.
 */
public record DbPostProcess(double thresh, double boxThresh, double unclipRatio, int maxCandidates, int minSize) {
    /** PaddleOCR's defaults for the detector. */
    public static final DbPostProcess PADDLE_DEFAULT = new DbPostProcess(0.3, 0.6, 1.5, 1000, 3);

    public DbPostProcess {
        if (!(thresh >= 0 && thresh < 1)) throw new IllegalArgumentException("thresh must be in [0, 1), got " + thresh);
        if (!(boxThresh >= 0 && boxThresh <= 1)) throw new IllegalArgumentException("box thresh must be in [0, 1], got " + boxThresh);
        if (!(unclipRatio >= 0)) throw new IllegalArgumentException("unclip ratio must be >= 0, got " + unclipRatio);
        if (maxCandidates < 1) throw new IllegalArgumentException("max candidates must be >= 1, got " + maxCandidates);
    }

    /**
     * @param prob      the probability map {@code [mapHeight, mapWidth]}
     * @param srcWidth  the original image width the boxes are mapped to
     * @param srcHeight the original image height
     */
    public List<TextBox> boxes(float[] prob, int mapWidth, int mapHeight, int srcWidth, int srcHeight) {
        if (prob.length != (long) mapWidth * mapHeight) {
            throw new IllegalArgumentException("a " + mapWidth + "x" + mapHeight + " map needs " + (long) mapWidth * mapHeight + " values, got " + prob.length);
        }
        boolean[] on = new boolean[prob.length];
        for (int i = 0; i < prob.length; i++) on[i] = prob[i] > thresh;
        ConnectedComponents cc = ConnectedComponents.label(on, mapWidth, mapHeight);
        // per region the leftmost and rightmost pixel of each row: their hull is the region's hull
        double[][] extremes = rowExtremes(cc, mapWidth, mapHeight);
        List<TextBox> out = new ArrayList<>();
        for (int r = 0; r < cc.count() && r < maxCandidates; r++) {
            double[] pts = extremes[r];
            int n = (int) pts[0];
            double[] xs = new double[n], ys = new double[n];
            for (int i = 0; i < n; i++) {
                xs[i] = pts[1 + 2 * i];
                ys[i] = pts[2 + 2 * i];
            }
            RotatedRect rect = RotatedRect.minAreaOf(xs, ys, n);
            if (rect.shortSide() < minSize) continue;
            double score = meanInside(prob, mapWidth, mapHeight, rect.xs(), rect.ys());
            if (score < boxThresh) continue;
            RotatedRect grown = unclip(rect);
            if (grown.shortSide() < minSize + 2) continue;
            TextBox box = toImage(grown, score, mapWidth, mapHeight, srcWidth, srcHeight);
            if (box.width() <= 3 || box.height() <= 3) continue;
            out.add(box);
        }
        return readingOrder(out);
    }

    private static double[][] rowExtremes(ConnectedComponents cc, int w, int h) {
        int[] labels = cc.labels();
        double[][] pts = new double[cc.count()][];
        for (int i = 0; i < pts.length; i++) pts[i] = new double[1 + 8];
        for (int y = 0; y < h; y++) {
            int x = 0;
            while (x < w) {
                int l = labels[y * w + x];
                if (l == 0) { x++; continue; }
                int start = x;
                while (x < w && labels[y * w + x] == l) x++;
                pts[l - 1] = add(add(pts[l - 1], start, y), x - 1, y);
            }
        }
        return pts;
    }

    private static double[] add(double[] p, double x, double y) {
        int n = (int) p[0];
        if (1 + 2 * (n + 1) > p.length) p = java.util.Arrays.copyOf(p, p.length * 2);
        p[1 + 2 * n] = x;
        p[2 + 2 * n] = y;
        p[0] = n + 1;
        return p;
    }

    /** The mean probability over the map pixels whose centres lie in the box (PaddleOCR's "fast" score). */
    static double meanInside(float[] prob, int w, int h, double[] xs, double[] ys) {
        int x0 = clamp((int) Math.floor(min(xs)), w - 1), x1 = clamp((int) Math.ceil(max(xs)), w - 1);
        int y0 = clamp((int) Math.floor(min(ys)), h - 1), y1 = clamp((int) Math.ceil(max(ys)), h - 1);
        double sum = 0;
        long n = 0;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (QuadMath.contains(xs, ys, x, y)) {
                    sum += prob[y * w + x];
                    n++;
                }
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private RotatedRect unclip(RotatedRect rect) {
        double[] xs = rect.xs(), ys = rect.ys();
        double perimeter = Polygon.perimeter(xs, ys);
        double distance = perimeter == 0 ? 0 : rect.area() * unclipRatio / perimeter;
        double[][] grown = Polygon.offsetConvex(xs, ys, distance);
        return RotatedRect.minAreaOf(grown[0], grown[1], grown[0].length);
    }

    private static TextBox toImage(RotatedRect r, double score, int mapW, int mapH, int srcW, int srcH) {
        double[] xs = new double[4], ys = new double[4];
        for (int i = 0; i < 4; i++) {
            // numpy's round is half to even, as rint; then PaddleOCR clips once to the size, once to size - 1
            xs[i] = Math.min(Math.max(Math.rint(r.xs()[i] / mapW * srcW), 0), srcW - 1);
            ys[i] = Math.min(Math.max(Math.rint(r.ys()[i] / mapH * srcH), 0), srcH - 1);
        }
        RotatedRect o = RotatedRect.ordered(xs, ys, 0);
        return new TextBox(o.xs(), o.ys(), score);
    }

    /** Top to bottom by the top-left corner; boxes within 10 pixels vertically are taken left to right. */
    static List<TextBox> readingOrder(List<TextBox> boxes) {
        List<TextBox> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.<TextBox>comparingDouble(b -> b.ys()[0]).thenComparingDouble(b -> b.xs()[0]));
        for (int i = 0; i < sorted.size() - 1; i++) {
            for (int j = i; j >= 0; j--) {
                TextBox a = sorted.get(j), b = sorted.get(j + 1);
                if (Math.abs(b.ys()[0] - a.ys()[0]) < 10 && b.xs()[0] < a.xs()[0]) {
                    sorted.set(j, b);
                    sorted.set(j + 1, a);
                } else {
                    break;
                }
            }
        }
        return sorted;
    }

    private static int clamp(int v, int hi) {
        return Math.max(0, Math.min(v, hi));
    }

    private static double min(double[] v) {
        double m = v[0];
        for (double d : v) m = Math.min(m, d);
        return m;
    }

    private static double max(double[] v) {
        double m = v[0];
        for (double d : v) m = Math.max(m, d);
        return m;
    }
}
