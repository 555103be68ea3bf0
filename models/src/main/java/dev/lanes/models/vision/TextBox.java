package dev.lanes.models.vision;

import java.util.Locale;

/**
 * A detected text region in image pixels: four corners clockwise on screen from the top-left
 * (top-left, top-right, bottom-right, bottom-left) and the mean text probability inside it.
 */
public record TextBox(double[] xs, double[] ys, double score) {
    public TextBox {
        if (xs.length != 4 || ys.length != 4) throw new IllegalArgumentException("a text box has four corners");
        xs = xs.clone();
        ys = ys.clone();
    }

    @Override
    public double[] xs() {
        return xs.clone();
    }

    @Override
    public double[] ys() {
        return ys.clone();
    }

    public double width() {
        return Math.hypot(xs[1] - xs[0], ys[1] - ys[0]);
    }

    public double height() {
        return Math.hypot(xs[3] - xs[0], ys[3] - ys[0]);
    }

    /** Whether a point lies inside or on the box. */
    public boolean contains(double x, double y) {
        return QuadMath.contains(xs, ys, x, y);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "[(%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f)] score %.3f",
                xs[0], ys[0], xs[1], ys[1], xs[2], ys[2], xs[3], ys[3], score);
    }
}
