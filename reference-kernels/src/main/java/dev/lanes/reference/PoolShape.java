package dev.lanes.reference;

import java.util.Arrays;

/**
 * ONNX MaxPool / AveragePool (and the Global forms, whose window is the whole input) over N spatial
 * axes, fully resolved: no auto_pad left, every per-axis attribute explicit.
 *
 * <p>X is dense {@code [batch, channels, in…]}, Y {@code [batch, channels, out…]}. Along axis i,
 * output position {@code o} covers input positions {@code o·strides[i] - padsBegin[i] + j·dilations[i]}
 * for j below {@code kernel[i]}; positions outside the input are padding. Output size per axis:
 * {@code floor((in + padsBegin + padsEnd - ((k-1)·d + 1)) / stride) + 1}, or with {@code ceilMode}
 * the ceiling, dropping a last window that would start in the end padding (it must start inside the
 * input or the begin padding).
 *
 * <p>MaxPool takes the largest value among the taps inside the input (NaN wins); AveragePool divides
 * their sum by the number of taps inside the input, or with {@code countIncludePad} inside the padded
 * input {@code [-padsBegin, in + padsEnd)} (taps past the end padding, which only ceil mode makes, never
 * count). {@code storageOrder} (MaxPool's argmax indices): 0 row-major, 1 column-major spatial index.
 */
public record PoolShape(Mode mode, int batch, int channels, int[] inSpatial, int[] kernel, int[] padsBegin, int[] padsEnd,
                        int[] strides, int[] dilations, boolean ceilMode, boolean countIncludePad, int storageOrder)
        implements SlidingWindow {

    public enum Mode { MAX, AVERAGE }

    public PoolShape {
        inSpatial = inSpatial.clone();
        kernel = kernel.clone();
        padsBegin = padsBegin.clone();
        padsEnd = padsEnd.clone();
        strides = strides.clone();
        dilations = dilations.clone();
        String op = opName(mode);
        int rank = inSpatial.length;
        if (batch < 0 || channels < 0) throw new IllegalArgumentException(op + " needs N, C ≥ 0, got N=" + batch + " C=" + channels);
        if (storageOrder != 0 && storageOrder != 1) throw new IllegalArgumentException(op + " storage_order " + storageOrder + " is not 0 or 1");
        Spatial.checkWindow(op, inSpatial, 1, kernel, padsBegin, padsEnd, 0, strides, dilations);
        for (int i = 0; i < rank; i++) {
            long eff = (long) (kernel[i] - 1) * dilations[i] + 1;
            // ONNX shape inference: a pad as large as the window could make windows of padding only
            if (padsBegin[i] >= eff || padsEnd[i] >= eff) {
                throw new IllegalArgumentException(op + " axis " + i + ": pads " + padsBegin[i] + "/" + padsEnd[i]
                        + " must be smaller than the window " + eff);
            }
            if ((long) inSpatial[i] + padsBegin[i] + padsEnd[i] < eff) {
                throw new IllegalArgumentException(op + " axis " + i + ": window " + eff + " exceeds padded input "
                        + inSpatial[i] + "+" + padsBegin[i] + "+" + padsEnd[i]);
            }
        }
        Dims.size(Spatial.concat(new int[] {batch, channels}, inSpatial));
    }

    /**
     * Resolves MaxPool / AveragePool attributes (null when absent). {@code x} is X's dims. With
     * SAME_UPPER / SAME_LOWER the output has {@code ceil(in / stride)} positions and the padding
     * {@code (out-1)·stride + (k-1)·d + 1 - in} is split as the mode says; VALID has no padding.
     * auto_pad formulas already round as they should, so ceil_mode only matters for NOTSET.
     */
    public static PoolShape fromOnnx(Mode mode, int[] x, String autoPad, int[] kernelShape, int[] pads, int[] strides,
                                     int[] dilations, boolean ceilMode, boolean countIncludePad, int storageOrder) {
        String op = opName(mode);
        if (x.length < 3) throw new IllegalArgumentException(op + " X " + Dims.str(x) + " needs rank ≥ 3");
        int rank = x.length - 2;
        int[] in = Arrays.copyOfRange(x, 2, x.length);
        if (kernelShape == null) throw new IllegalArgumentException(op + " needs the kernel_shape attribute");
        Spatial.requireRank(op, "kernel_shape", kernelShape, rank);
        int[] s = Spatial.perAxis(op, "strides", strides, rank, 1, 1);
        int[] d = Spatial.perAxis(op, "dilations", dilations, rank, 1, 1);
        AutoPad pad = AutoPad.parse(op, autoPad);
        int[][] p = Spatial.pads(op, pad == AutoPad.NOTSET ? pads : null, rank);
        if (pad.isSame()) {
            for (int i = 0; i < rank; i++) {
                int total = Spatial.samePadding(in[i], Spatial.effectiveKernel(kernelShape[i], d[i]), s[i]);
                p[0][i] = pad.begin(total);
                p[1][i] = pad.end(total);
            }
        }
        return new PoolShape(mode, x[0], x[1], in, kernelShape, p[0], p[1], s, d, pad == AutoPad.NOTSET && ceilMode,
                countIncludePad, storageOrder);
    }

    /** GlobalMaxPool / GlobalAveragePool: one window covering each whole input plane. */
    public static PoolShape global(Mode mode, int[] x) {
        if (x.length < 3) throw new IllegalArgumentException("Global" + opName(mode) + " X " + Dims.str(x) + " needs rank ≥ 3");
        int rank = x.length - 2;
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        return new PoolShape(mode, x[0], x[1], Arrays.copyOfRange(x, 2, x.length), Arrays.copyOfRange(x, 2, x.length),
                new int[rank], new int[rank], ones, ones, false, false, 0);
    }

    private static String opName(Mode mode) {
        return mode == Mode.MAX ? "MaxPool" : "AveragePool";
    }

    @Override public int[] inSpatial() { return inSpatial.clone(); }
    @Override public int[] kernel() { return kernel.clone(); }
    @Override public int[] padsBegin() { return padsBegin.clone(); }
    @Override public int[] padsEnd() { return padsEnd.clone(); }
    @Override public int[] strides() { return strides.clone(); }
    @Override public int[] dilations() { return dilations.clone(); }

    public int[] outSpatial() {
        int[] out = new int[inSpatial.length];
        for (int i = 0; i < out.length; i++) {
            int eff = Spatial.effectiveKernel(kernel[i], dilations[i]);
            int span = inSpatial[i] + padsBegin[i] + padsEnd[i] - eff;
            if (!ceilMode) {
                out[i] = span / strides[i] + 1;
            } else {
                out[i] = Math.ceilDiv(span, strides[i]) + 1;
                // the last window must start inside the input or the begin padding
                if ((out[i] - 1) * strides[i] >= inSpatial[i] + padsBegin[i]) out[i]--;
            }
        }
        return out;
    }

    public int[] inputShape() {
        return Spatial.concat(new int[] {batch, channels}, inSpatial);
    }

    public int[] outputShape() {
        return Spatial.concat(new int[] {batch, channels}, outSpatial());
    }

    /** One operation (compare or add) per window tap. */
    public long flops() {
        return (long) batch * channels * outSpatialSize() * kernelSize();
    }

    private Object[] parts() {
        return new Object[] {mode, batch, channels, inSpatial, kernel, padsBegin, padsEnd, strides, dilations, ceilMode,
            countIncludePad, storageOrder};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolShape s && Arrays.deepEquals(parts(), s.parts());
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(parts());
    }

    @Override
    public String toString() {
        return opName(mode) + " X" + Dims.str(inputShape()) + " kernel=" + Dims.str(kernel) + " pads=" + Dims.str(padsBegin)
                + "/" + Dims.str(padsEnd) + " strides=" + Dims.str(strides) + " dilations=" + Dims.str(dilations)
                + (ceilMode ? " ceil" : "") + (countIncludePad ? " count_include_pad" : "") + " → Y" + Dims.str(outputShape());
    }
}
