package dev.lanes.reference;

/**
 * ONNX Gemm: {@code Y = alpha * op(A) * op(B) + beta * C}, where op transposes when asked.
 *
 * <p>Layouts are dense row-major: A is M×K, or K×M when {@code transA}; B is K×N, or N×K when
 * {@code transB}; Y is M×N. C is optional and broadcasts unidirectionally to M×N: it is stored
 * as {@code cRows × cCols} with {@code cRows ∈ {1, M}} and {@code cCols ∈ {1, N}}; {@code cRows = cCols = 0}
 * means no C.
 *
 * @param m rows of Y (≥ 0)
 * @param n columns of Y (≥ 0)
 * @param k the reduced dimension (≥ 0; K = 0 gives {@code beta * C})
 */
public record GemmShape(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta,
                        int cRows, int cCols) {

    public GemmShape {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("Gemm dimensions must be ≥ 0, got M=" + m + " N=" + n + " K=" + k);
        }
        boolean noC = cRows == 0 && cCols == 0;
        if (!noC && !((cRows == 1 || cRows == m) && (cCols == 1 || cCols == n))) {
            throw new IllegalArgumentException("Gemm C of shape [" + cRows + ", " + cCols
                    + "] does not broadcast to Y [" + m + ", " + n + "]");
        }
        Dims.size(m, n);
        Dims.size(m, k);
        Dims.size(k, n);
    }

    /** A plain product {@code Y = A·B}: no transposes, alpha 1, no C. */
    public static GemmShape of(int m, int n, int k) {
        return new GemmShape(m, n, k, false, false, 1f, 0f, 0, 0);
    }

    /**
     * From ONNX dims: A and B as stored (2-D), C as given (0-, 1- or 2-D, or null when absent).
     * Checks that the inner dimensions agree.
     */
    public static GemmShape fromOnnx(int[] a, int[] b, int[] c, boolean transA, boolean transB, float alpha, float beta) {
        if (a.length != 2 || b.length != 2) {
            throw new IllegalArgumentException("Gemm A and B must be 2-D, got A " + Dims.str(a) + " and B " + Dims.str(b));
        }
        int m = transA ? a[1] : a[0];
        int ka = transA ? a[0] : a[1];
        int kb = transB ? b[1] : b[0];
        int n = transB ? b[0] : b[1];
        if (ka != kb) {
            throw new IllegalArgumentException("Gemm inner dimensions differ: op(A) is " + m + "×" + ka
                    + " and op(B) is " + kb + "×" + n);
        }
        int cRows = 0, cCols = 0;
        if (c != null) {
            if (c.length > 2 || !Broadcast.unidirectional(c, new int[] {m, n})) {
                throw new IllegalArgumentException("Gemm C " + Dims.str(c) + " does not broadcast to Y [" + m + ", " + n + "]");
            }
            cRows = c.length == 2 ? c[0] : 1;
            cCols = c.length >= 1 ? c[c.length - 1] : 1;
        }
        return new GemmShape(m, n, ka, transA, transB, alpha, beta, cRows, cCols);
    }

    public boolean hasC() {
        return cRows != 0;
    }

    public int[] outputShape() {
        return new int[] {m, n};
    }

    /** Multiply-adds count twice; the C update is not counted. */
    public long flops() {
        return 2L * m * n * k;
    }

    /** Same product with another M (for blocking over rows). */
    public GemmShape withM(int newM) {
        return new GemmShape(newM, n, k, transA, transB, alpha, beta, hasC() ? (cRows == 1 ? 1 : newM) : 0, cCols);
    }
}
