package dev.lanes.models.vision;

/** Area, perimeter and round-joined outward offset of polygons given as coordinate arrays. */
public final class Polygon {
    private Polygon() {}

    /** Positive when the corners run counter-clockwise in a y-up frame (clockwise on screen). */
    public static double signedArea(double[] xs, double[] ys) {
        double s = 0;
        for (int i = 0, n = xs.length; i < n; i++) {
            int j = (i + 1) % n;
            s += xs[i] * ys[j] - xs[j] * ys[i];
        }
        return s / 2;
    }

    public static double perimeter(double[] xs, double[] ys) {
        double s = 0;
        for (int i = 0, n = xs.length; i < n; i++) {
            int j = (i + 1) % n;
            s += Math.hypot(xs[j] - xs[i], ys[j] - ys[i]);
        }
        return s;
    }

    /**
     * The outline of a convex polygon grown by {@code distance}: every edge pushed out, the corners
     * joined by circular arcs (sampled every {@code PI/32}), as the Clipper library's round join does.
     */
    public static double[][] offsetConvex(double[] xs, double[] ys, double distance) {
        int n = xs.length;
        // walk the corners so that the outward normal of edge (dx, dy) is (dy, -dx)
        boolean ccw = signedArea(xs, ys) > 0;
        double[] ox = new double[n * 66], oy = new double[n * 66];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int prev = (i + n - 1) % n, next = (i + 1) % n;
            double a1 = normalAngle(xs[prev], ys[prev], xs[i], ys[i], ccw);
            double a2 = normalAngle(xs[i], ys[i], xs[next], ys[next], ccw);
            double sweep = a2 - a1;
            // at a convex corner the normal turns by less than half a circle: sweep the short way
            while (sweep > Math.PI) sweep -= 2 * Math.PI;
            while (sweep < -Math.PI) sweep += 2 * Math.PI;
            int steps = Math.max(1, (int) Math.ceil(Math.abs(sweep) / (Math.PI / 32)));
            for (int s = 0; s <= steps; s++) {
                double a = a1 + sweep * s / steps;
                ox[k] = xs[i] + distance * Math.cos(a);
                oy[k] = ys[i] + distance * Math.sin(a);
                k++;
            }
        }
        return new double[][] {java.util.Arrays.copyOf(ox, k), java.util.Arrays.copyOf(oy, k)};
    }

    private static double normalAngle(double x0, double y0, double x1, double y1, boolean ccw) {
        double dx = x1 - x0, dy = y1 - y0;
        return ccw ? Math.atan2(-dx, dy) : Math.atan2(dx, -dy);
    }
}
