package dev.lanes.models.vision;

/** Point-in-convex-polygon tests. */
final class QuadMath {
    private QuadMath() {}

    /** Whether (x, y) is inside or on the convex polygon, whichever way its corners run. */
    static boolean contains(double[] xs, double[] ys, double x, double y) {
        int n = xs.length;
        boolean neg = false, pos = false;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double c = (xs[j] - xs[i]) * (y - ys[i]) - (ys[j] - ys[i]) * (x - xs[i]);
            if (c < -1e-9) neg = true;
            else if (c > 1e-9) pos = true;
            if (neg && pos) return false;
        }
        return true;
    }
}
