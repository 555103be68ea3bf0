package dev.lanes.simd;

import dev.lanes.reference.Broadcast;
import dev.lanes.reference.Dims;

/**
 * How to walk numpy-broadcast inputs as a few long contiguous runs: the output shape with size-1
 * dims dropped and neighbouring dims merged wherever every input continues contiguously across them
 * (or is broadcast across both). After collapsing, each input's innermost stride is 1 (it varies
 * along the run) or 0 (one value broadcast along it), so a kernel's inner loop is a plain vector
 * loop, and the outer dims are an odometer of per-input offsets.
 *
 * <pre>
 *   [B, S, H] + [H]          → dims [B·S, H],    strides a [H, 1],  b [0, 1]
 *   [N, C, H, W] + [1, C, 1, 1] → dims [N, C, H·W], strides a [C·HW, HW, 1], b [0, 1, 0]
 * </pre>
 * Prepared once per shape (the graph keeps it); no allocation while running.
 */
final class BroadcastPlan {
    /** Collapsed output dims, outermost first; at least one (a scalar becomes [1]). */
    final int[] dims;
    /** strides[input][d]: element stride of each input along collapsed dim d (0 = broadcast). */
    final int[][] strides;
    /** Elements of the innermost collapsed dim: the length of one run. */
    final int run;
    /** Runs in the whole output: the product of the outer collapsed dims. */
    final int runs;

    BroadcastPlan(int[] out, int[]... inputs) {
        int rank = out.length;
        int[][] full = new int[inputs.length][];
        for (int k = 0; k < inputs.length; k++) full[k] = Broadcast.strides(inputs[k], out);
        int[] d = new int[Math.max(1, rank)];
        int[][] s = new int[inputs.length][Math.max(1, rank)];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (out[i] == 1) continue;
            if (r > 0 && mergeable(full, i, s, r - 1, out[i])) {
                d[r - 1] *= out[i];
                for (int k = 0; k < inputs.length; k++) s[k][r - 1] = full[k][i];
                continue;
            }
            d[r] = out[i];
            for (int k = 0; k < inputs.length; k++) s[k][r] = full[k][i];
            r++;
        }
        if (r == 0) {
            d[0] = 1;
            r = 1;
        }
        this.dims = java.util.Arrays.copyOf(d, r);
        this.strides = new int[inputs.length][];
        for (int k = 0; k < inputs.length; k++) strides[k] = java.util.Arrays.copyOf(s[k], r);
        this.run = dims[r - 1];
        this.runs = Dims.size(java.util.Arrays.copyOf(dims, r - 1));
    }

    /**
     * Dim i (size n, full strides) continues the previous collapsed dim when, for every input, the
     * previous stride equals stride·n (contiguous continuation, including 0 = 0·n for broadcast).
     */
    private static boolean mergeable(int[][] full, int i, int[][] s, int prev, int n) {
        for (int k = 0; k < full.length; k++) {
            if (s[k][prev] != full[k][i] * n) return false;
        }
        return true;
    }

    /** Stride of input k along the run: 1 or 0. */
    int runStride(int k) {
        return strides[k][dims.length - 1];
    }

    /**
     * Positions {@code idx} (the outer dims' odometer, length dims.length - 1) and {@code offsets}
     * (one per input, relative to its start) at run number {@code runIndex}.
     */
    void seek(int runIndex, int[] idx, int[] offsets) {
        java.util.Arrays.fill(offsets, 0);
        for (int d = dims.length - 2; d >= 0; d--) {
            idx[d] = runIndex % dims[d];
            for (int k = 0; k < offsets.length; k++) offsets[k] += idx[d] * strides[k][d];
            runIndex /= dims[d];
        }
    }

    /** Advances {@code idx} and {@code offsets} to the next run (an odometer step: adds, no division). */
    void next(int[] idx, int[] offsets) {
        for (int d = dims.length - 2; d >= 0; d--) {
            for (int k = 0; k < offsets.length; k++) offsets[k] += strides[k][d];
            if (++idx[d] < dims[d]) return;
            for (int k = 0; k < offsets.length; k++) offsets[k] -= dims[d] * strides[k][d];
            idx[d] = 0;
        }
    }
}
