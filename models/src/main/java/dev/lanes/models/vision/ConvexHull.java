package dev.lanes.models.vision;

import java.util.Arrays;
import java.util.Comparator;

/** Andrew's monotone chain: the convex hull of points, counter-clockwise (y up), no collinear points kept. */
public final class ConvexHull {
    private ConvexHull() {}

    /** Returns {@code {xs, ys}} of the hull; fewer than three points come back as they are (deduplicated). */
    public static double[][] of(double[] xs, double[] ys, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> xs[i]).thenComparingDouble(i -> ys[i]));
        int[] hull = new int[2 * n + 1];
        int k = 0;
        for (int t = 0; t < n; t++) {
            int p = order[t];
            while (k >= 2 && cross(xs, ys, hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        for (int t = n - 2, lower = k + 1; t >= 0; t--) {
            int p = order[t];
            while (k >= lower && cross(xs, ys, hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        int m = n == 1 ? 1 : k - 1;
        double[] hx = new double[m], hy = new double[m];
        for (int i = 0; i < m; i++) {
            hx[i] = xs[hull[i]];
            hy[i] = ys[hull[i]];
        }
        if (m == 2 && hx[0] == hx[1] && hy[0] == hy[1]) return new double[][] {{hx[0]}, {hy[0]}};
        return new double[][] {hx, hy};
    }

    private static double cross(double[] xs, double[] ys, int o, int a, int b) {
        return (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
    }
}
