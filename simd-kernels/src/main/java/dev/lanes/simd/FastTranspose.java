package dev.lanes.simd;

import dev.lanes.reference.TransposeShape;
import java.util.Objects;

/**
 * ONNX Transpose at memory speed. The permutation is first simplified: axes of size 1 are dropped and
 * input axes that stay adjacent and in order in the output are merged, so that, e.g., BERT's
 * {@code [B, S, H, d] → [B, H, S, d]} becomes a 3-D {@code [S, H, d] → [H, S, d]} with runs of d floats.
 * Then one of three moves:
 *
 * <ul>
 *   <li>nothing left to permute: one {@link System#arraycopy};</li>
 *   <li>the innermost input axis stays innermost: every output row is a contiguous input run, copied
 *       with {@link System#arraycopy} (an odometer walks the outer axes, no index map);</li>
 *   <li>the innermost axis moves: for every combination of the other axes, a 2-D transpose of the
 *       {@code U × V} matrix spanned by the output's innermost axis (U) and the input's (V), in
 *       {@value #TILE}×{@value #TILE} tiles — the tile's source lines (TILE cache lines) stay in L1
 *       while its destination rows are written contiguously; with 16-lane vectors a whole tile goes
 *       through {@link Transpose16} in registers (16 loads, 64 permutes, 16 stores).</li>
 * </ul>
 *
 * <p>Threads: large transposes are cut into contiguous ranges of output rows (or of tile rows); each
 * element is a copy, so the result is the same for any split.
 */
public final class FastTranspose {
    private FastTranspose() {}

    /** Tile side: 16 floats = one 64-byte cache line. */
    static final int TILE = 16;
    /** Least elements worth a thread of their own (a copy moves a few GB/s; fork/join costs microseconds). */
    static final long MIN_ELEMENTS_PER_SHARE = 1 << 15;

    /** {@code y[yOff ..] = transpose(x[xOff ..])} as {@code s} says; y receives exactly {@code s.size()} floats. */
    public static void transpose(TransposeShape s, float[] x, int xOff, float[] y, int yOff, Parallel parallel) {
        Objects.requireNonNull(s, "shape");
        Objects.requireNonNull(parallel, "parallel");
        int n = s.size();
        check("X", x, xOff, n);
        check("Y", y, yOff, n);
        if (n == 0) return;
        Simplified p = Simplified.of(s.shape(), s.perm());
        int r = p.shape.length;
        if (r <= 1) {
            System.arraycopy(x, xOff, y, yOff, n);
            return;
        }
        int shares = parallel.sharesFor(n, MIN_ELEMENTS_PER_SHARE);
        if (p.perm[r - 1] == r - 1) {
            int run = p.shape[r - 1], rows = n / run;
            parallel.forRange(rows, 1, shares, (o0, o1) -> copyRuns(p, x, xOff, y, yOff, run, o0, o1));
        } else {
            int u = p.shape[p.perm[r - 1]], v = p.shape[r - 1];
            int vTiles = (v + TILE - 1) / TILE, outer = n / (u * v);
            parallel.forRange(outer * vTiles, 1, shares, (t0, t1) -> tiles(p, x, xOff, y, yOff, u, v, vTiles, t0, t1));
        }
    }

    /** Output rows [o0, o1) (of {@code run} floats each), each a contiguous run of the input. */
    private static void copyRuns(Simplified p, float[] x, int xOff, float[] y, int yOff, int run, int o0, int o1) {
        int r = p.shape.length - 1; // the outer axes, in output order
        int[] dims = new int[r], strides = new int[r], idx = new int[r];
        for (int i = 0; i < r; i++) {
            dims[i] = p.shape[p.perm[i]];
            strides[i] = p.inStrides[p.perm[i]];
        }
        int src = xOff;
        for (int i = r - 1, rest = o0; i >= 0; i--) {
            idx[i] = rest % dims[i];
            rest /= dims[i];
            src += idx[i] * strides[i];
        }
        for (int o = o0, dst = yOff + o0 * run; o < o1; o++, dst += run) {
            System.arraycopy(x, src, y, dst, run);
            for (int i = r - 1; i >= 0; i--) {
                src += strides[i];
                if (++idx[i] < dims[i]) break;
                src -= strides[i] * dims[i];
                idx[i] = 0;
            }
        }
    }

    /**
     * Tasks [t0, t1): task t is tile row {@code t % vTiles} (TILE output rows along the input's innermost
     * axis) of outer combination {@code t / vTiles} (the other output axes, row-major).
     */
    private static void tiles(Simplified p, float[] x, int xOff, float[] y, int yOff, int u, int v, int vTiles, int t0, int t1) {
        int r = p.shape.length;
        int uAxis = p.perm[r - 1], ldi = p.inStrides[uAxis];
        int vPos = 0;
        while (p.perm[vPos] != r - 1) vPos++;
        int[] outStrides = p.outStrides();
        int ldo = outStrides[vPos];
        for (int t = t0; t < t1; t++) {
            int outerIdx = t / vTiles, v0 = (t % vTiles) * TILE, v1 = Math.min(v, v0 + TILE);
            // The outer combination's offsets: output axes other than vPos and r − 1, row-major.
            int src = xOff, dst = yOff, rest = outerIdx;
            for (int i = r - 2; i >= 0; i--) {
                if (i == vPos) continue;
                int d = p.shape[p.perm[i]], k = rest % d;
                rest /= d;
                src += k * p.inStrides[p.perm[i]];
                dst += k * outStrides[i];
            }
            int u0 = 0;
            if (Transpose16.AVAILABLE && v1 - v0 == TILE) {
                // Whole 16×16 tiles in registers (exact: the scale is 1).
                for (; u0 + TILE <= u; u0 += TILE) {
                    Transpose16.block(x, src + u0 * ldi + v0, ldi, 1f, y, dst + v0 * ldo + u0, ldo);
                }
            }
            for (; u0 < u; u0 += TILE) {
                tile(x, src + u0 * ldi, ldi, y, dst + u0, ldo, Math.min(TILE, u - u0), v0, v1);
            }
        }
    }

    /** {@code y[yo + vv·ldo + uu] = x[xo + uu·ldi + vv]} for uu < us, vv in [v0, v1). */
    private static void tile(float[] x, int xo, int ldi, float[] y, int yo, int ldo, int us, int v0, int v1) {
        for (int vv = v0; vv < v1; vv++) {
            int d = yo + vv * ldo, sIdx = xo + vv;
            for (int uu = 0; uu < us; uu++, sIdx += ldi) {
                y[d + uu] = x[sIdx];
            }
        }
    }

    private static void check(String what, float[] a, int off, int n) {
        Objects.requireNonNull(a, what);
        if (off < 0 || (long) off + n > a.length) {
            throw new IllegalArgumentException("Transpose " + what + " of " + n + " floats from " + off + " overruns its array of " + a.length);
        }
    }

    /** The permutation with size-1 axes dropped and adjacent in-order axes merged (input dims, dense strides). */
    static final class Simplified {
        final int[] shape, perm, inStrides;

        private Simplified(int[] shape, int[] perm) {
            this.shape = shape;
            this.perm = perm;
            this.inStrides = new int[shape.length];
            for (int i = shape.length - 1, acc = 1; i >= 0; i--) {
                inStrides[i] = acc;
                acc *= shape[i];
            }
        }

        /** Dense strides of the output, per output axis. */
        int[] outStrides() {
            int[] s = new int[perm.length];
            for (int i = perm.length - 1, acc = 1; i >= 0; i--) {
                s[i] = acc;
                acc *= shape[perm[i]];
            }
            return s;
        }

        static Simplified of(int[] shape, int[] perm) {
            int r = shape.length;
            // Renumber the input axes of size > 1.
            int[] newAxis = new int[r];
            int kept = 0;
            for (int i = 0; i < r; i++) newAxis[i] = shape[i] == 1 ? -1 : kept++;
            int[] keptShape = new int[kept], keptPerm = new int[kept];
            for (int i = 0, j = 0; i < r; i++) {
                if (shape[i] != 1) keptShape[newAxis[i]] = shape[i];
                if (shape[perm[i]] != 1) keptPerm[j++] = newAxis[perm[i]];
            }
            // Merge runs of output axes that are consecutive input axes: group g starts at input axis groupStart[g].
            int[] groupOf = new int[kept];
            boolean[] startsGroup = new boolean[kept];
            for (int i = 0; i < kept; i++) {
                startsGroup[keptPerm[i]] = i == 0 || keptPerm[i] != keptPerm[i - 1] + 1;
            }
            int groups = 0;
            int[] mergedShape = new int[kept];
            for (int a = 0; a < kept; a++) {
                if (startsGroup[a]) groups++;
                groupOf[a] = groups - 1;
                mergedShape[groups - 1] = startsGroup[a] ? keptShape[a] : mergedShape[groups - 1] * keptShape[a];
            }
            int[] mergedPerm = new int[groups];
            for (int i = 0, j = 0; i < kept; i++) {
                if (i == 0 || keptPerm[i] != keptPerm[i - 1] + 1) mergedPerm[j++] = groupOf[keptPerm[i]];
            }
            return new Simplified(java.util.Arrays.copyOf(mergedShape, groups), mergedPerm);
        }
    }
}
