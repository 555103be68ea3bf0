package dev.lanes.reference;

import java.util.Arrays;

/**
 * Checks and defaults for the per-axis attributes of Conv, ConvTranspose and the pools
 * ({@code kernel_shape}, {@code strides}, {@code dilations}, {@code pads}, {@code output_padding}),
 * and the window arithmetic they share. Every failure names the op, the attribute and its value.
 */
public final class Spatial {
    private Spatial() {}

    /** {@code given} when present (must have {@code rank} values ≥ {@code min}), else {@code rank} copies of {@code dflt}. */
    public static int[] perAxis(String op, String attribute, int[] given, int rank, int dflt, int min) {
        if (given == null) {
            int[] out = new int[rank];
            Arrays.fill(out, dflt);
            return out;
        }
        if (given.length != rank) {
            throw new IllegalArgumentException(op + " " + attribute + " " + Arrays.toString(given) + " needs " + rank + " values");
        }
        requireAtLeast(op, attribute, given, min);
        return given.clone();
    }

    /** ONNX {@code pads} ([b1..bn, e1..en]) split into begin and end, or zeros when absent. */
    public static int[][] pads(String op, int[] pads, int rank) {
        if (pads == null) return new int[][] {new int[rank], new int[rank]};
        if (pads.length != 2 * rank) {
            throw new IllegalArgumentException(op + " pads " + Arrays.toString(pads) + " needs " + 2 * rank + " values");
        }
        requireAtLeast(op, "pads", pads, 0);
        return new int[][] {Arrays.copyOfRange(pads, 0, rank), Arrays.copyOfRange(pads, rank, 2 * rank)};
    }

    /**
     * Checks the per-axis arrays of a window: one value per axis of {@code in}, inputs ≥ {@code minIn},
     * kernel, strides and dilations ≥ 1, pads ≥ {@code minPad}.
     */
    public static void checkWindow(String op, int[] in, int minIn, int[] kernel, int[] padsBegin, int[] padsEnd, int minPad,
                                   int[] strides, int[] dilations) {
        int rank = in.length;
        if (rank < 1) throw new IllegalArgumentException(op + " needs at least one spatial axis");
        requireRank(op, "kernel_shape", kernel, rank);
        requireRank(op, "pads begin", padsBegin, rank);
        requireRank(op, "pads end", padsEnd, rank);
        requireRank(op, "strides", strides, rank);
        requireRank(op, "dilations", dilations, rank);
        requireAtLeast(op, "input spatial dims", in, minIn);
        requireAtLeast(op, "kernel_shape", kernel, 1);
        requireAtLeast(op, "pads", padsBegin, minPad);
        requireAtLeast(op, "pads", padsEnd, minPad);
        requireAtLeast(op, "strides", strides, 1);
        requireAtLeast(op, "dilations", dilations, 1);
    }

    public static void requireAtLeast(String op, String what, int[] values, int min) {
        for (int v : values) {
            if (v < min) throw new IllegalArgumentException(op + " " + what + " " + Arrays.toString(values) + " has a value below " + min);
        }
    }

    public static void requireRank(String op, String what, int[] values, int rank) {
        if (values.length != rank) {
            throw new IllegalArgumentException(op + " " + what + " " + Arrays.toString(values) + " needs " + rank + " values");
        }
    }

    /** Extent of a dilated kernel: {@code (k - 1)·d + 1}. */
    public static int effectiveKernel(int k, int d) {
        return (k - 1) * d + 1;
    }

    /** Positions of a sliding window in a padded axis, rounding down: {@code floor((in + pads - eff) / s) + 1}. */
    public static int windows(int in, int padBegin, int padEnd, int effKernel, int stride) {
        return Math.floorDiv(in + padBegin + padEnd - effKernel, stride) + 1;
    }

    /** The padding SAME needs for {@code ceil(in / s)} windows: {@code max(0, (out - 1)·s + eff - in)}. */
    public static int samePadding(int in, int effKernel, int stride) {
        int out = Math.ceilDiv(in, stride);
        return Math.max(0, (out - 1) * stride + effKernel - in);
    }

    /** Row-major multi-index of {@code flat} in {@code dims}, written to {@code idx}. */
    public static void unflatten(int flat, int[] dims, int[] idx) {
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = flat % dims[d];
            flat /= dims[d];
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
