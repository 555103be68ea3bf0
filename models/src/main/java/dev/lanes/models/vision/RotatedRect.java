package dev.lanes.models.vision;

/**
 * A rectangle at any angle, given by its four corners in the order PaddleOCR's {@code get_mini_boxes}
 * uses: top-left, top-right, bottom-right, bottom-left (image coordinates, y down).
 *
 * @param xs    corner x coordinates
 * @param ys    corner y coordinates
 * @param shortSide the shorter side's length
 */
public record RotatedRect(double[] xs, double[] ys, double shortSide) {

    /** The minimum-area enclosing rectangle of points (rotating calipers over the convex hull). */
    public static RotatedRect minAreaOf(double[] xs, double[] ys, int n) {
        if (n < 1) throw new IllegalArgumentException("no points");
        double[][] hull = ConvexHull.of(xs, ys, n);
        double[] hx = hull[0], hy = hull[1];
        int m = hx.length;
        if (m == 1) return ordered(new double[] {hx[0], hx[0], hx[0], hx[0]}, new double[] {hy[0], hy[0], hy[0], hy[0]}, 0);
        double bestArea = Double.POSITIVE_INFINITY;
        double[] bx = null, by = null;
        double bestShort = 0;
        for (int e = 0; e < m; e++) {
            int f = (e + 1) % m;
            double ux = hx[f] - hx[e], uy = hy[f] - hy[e];
            double len = Math.hypot(ux, uy);
            if (len == 0) continue;
            ux /= len;
            uy /= len;
            double minU = Double.POSITIVE_INFINITY, maxU = Double.NEGATIVE_INFINITY;
            double minV = Double.POSITIVE_INFINITY, maxV = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                double u = hx[i] * ux + hy[i] * uy, v = -hx[i] * uy + hy[i] * ux;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
            double area = (maxU - minU) * (maxV - minV);
            if (area < bestArea - 1e-9) {
                bestArea = area;
                bestShort = Math.min(maxU - minU, maxV - minV);
                // back from (u, v) to (x, y): x = u*ux - v*uy, y = u*uy + v*ux
                double[] us = {minU, maxU, maxU, minU}, vs = {minV, minV, maxV, maxV};
                bx = new double[4];
                by = new double[4];
                for (int c = 0; c < 4; c++) {
                    bx[c] = us[c] * ux - vs[c] * uy;
                    by[c] = us[c] * uy + vs[c] * ux;
                }
            }
        }
        return ordered(bx, by, bestShort);
    }

    /**
     * Orders four corners as PaddleOCR does: the two with the smallest x are the left ones (the upper of
     * them top-left), the other two the right ones (the upper of them top-right).
     */
    static RotatedRect ordered(double[] xs, double[] ys, double shortSide) {
        Integer[] idx = {0, 1, 2, 3};
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(xs[a], xs[b]));
        int tl = idx[0], bl = idx[1], tr = idx[2], br = idx[3];
        if (ys[bl] < ys[tl]) { int t = tl; tl = bl; bl = t; }
        if (ys[br] < ys[tr]) { int t = tr; tr = br; br = t; }
        return new RotatedRect(new double[] {xs[tl], xs[tr], xs[br], xs[bl]}, new double[] {ys[tl], ys[tr], ys[br], ys[bl]}, shortSide);
    }

    /** Signed area by the shoelace formula over the four corners in order. */
    public double area() {
        return Math.abs(Polygon.signedArea(xs, ys));
    }
}
