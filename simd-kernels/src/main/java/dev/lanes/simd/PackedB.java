package dev.lanes.simd;

/**
 * The B operand (the weights) of a GEMM packed once, at load time, into column panels that the
 * micro-kernels stream with unit stride and no masks. Built by {@link PackedGemm#packB}.
 *
 * <pre>
 *  op(B) is K×N; NR = columns per panel (2 vectors); P = ceil(N / NR) panels
 *
 *  data:  | panel 0: K rows × NR | panel 1: K rows × NR | ... | panel P-1 (zero-padded) |
 *
 *  panel p, row k:  b[k][p·NR] b[k][p·NR+1] ... b[k][p·NR+NR-1]     (NR floats, one cache line
 *                                                                     per 16 floats on AVX-512)
 *  element (k, j) at  (j / NR)·K·NR + k·NR + j % NR ; columns j ≥ N hold 0
 * </pre>
 *
 * A K-block {@code [k0, k1)} of a panel is therefore the contiguous run starting at
 * {@code p·K·NR + k0·NR}. Immutable after packing; shared read-only by all threads.
 */
public final class PackedB {
    private final int k, n, nr;
    private final float[] data;
    /** Where the panels start in {@code data} (several matrices packed into one array: {@link PackedGemm#packBs}). */
    private final int base;

    PackedB(int k, int n, int nr, float[] data) {
        this(k, n, nr, data, 0);
    }

    PackedB(int k, int n, int nr, float[] data, int base) {
        this.k = k;
        this.n = n;
        this.nr = nr;
        this.data = data;
        this.base = base;
    }

    /** Rows of op(B): the reduced dimension. */
    public int k() {
        return k;
    }

    /** Columns of op(B): the output columns. */
    public int n() {
        return n;
    }

    /** Columns per panel. */
    public int nr() {
        return nr;
    }

    public int panels() {
        return (n + nr - 1) / nr;
    }

    /** Floats held (K × panels × NR); what the packed weights cost in memory is 4× this. */
    public long size() {
        return (long) panels() * k * nr;
    }

    float[] data() {
        return data;
    }

    /** Offset of panel p, row kk. */
    int offset(int p, int kk) {
        return base + (p * k + kk) * nr;
    }

    /** The value of op(B) at (kk, j), read back from the panels (for tests and debugging). */
    public float get(int kk, int j) {
        if (kk < 0 || kk >= k || j < 0 || j >= n) {
            throw new IndexOutOfBoundsException("PackedB (" + kk + ", " + j + ") outside " + k + "×" + n);
        }
        return data[offset(j / nr, kk) + j % nr];
    }

    @Override
    public String toString() {
        return "PackedB[" + k + "×" + n + ", " + panels() + " panels of " + nr + "]";
    }
}
