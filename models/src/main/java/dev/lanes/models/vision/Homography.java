package dev.lanes.models.vision;

/** The projective transform that maps the corners of a {@code w x h} rectangle onto a quadrilateral. */
final class Homography {
    private Homography() {}

    /**
     * Returns {@code m[0..7]} with {@code x' = (m0 x + m1 y + m2) / (m6 x + m7 y + 1)},
     * {@code y' = (m3 x + m4 y + m5) / (m6 x + m7 y + 1)}, taking (0,0), (w,0), (w,h), (0,h) to the
     * quadrilateral's corners in order (top-left, top-right, bottom-right, bottom-left).
     */
    static double[] fromRectangle(int w, int h, double[] qx, double[] qy) {
        double[] rx = {0, w, w, 0}, ry = {0, 0, h, h};
        double[][] a = new double[8][9];
        for (int i = 0; i < 4; i++) {
            double x = rx[i], y = ry[i], u = qx[i], v = qy[i];
            a[2 * i] = new double[] {x, y, 1, 0, 0, 0, -x * u, -y * u, u};
            a[2 * i + 1] = new double[] {0, 0, 0, x, y, 1, -x * v, -y * v, v};
        }
        return solve(a);
    }

    /** Gaussian elimination with partial pivoting on an augmented 8x9 system. */
    private static double[] solve(double[][] a) {
        int n = 8;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
            if (Math.abs(a[pivot][col]) < 1e-12) throw new IllegalArgumentException("the text box is degenerate (its corners are collinear)");
            double[] t = a[col]; a[col] = a[pivot]; a[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r == col) continue;
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= n; c++) a[r][c] -= f * a[col][c];
            }
        }
        double[] m = new double[n];
        for (int i = 0; i < n; i++) m[i] = a[i][n] / a[i][i];
        return m;
    }
}
