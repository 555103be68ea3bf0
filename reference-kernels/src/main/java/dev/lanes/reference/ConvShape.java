package dev.lanes.reference;

import java.util.Arrays;

/**
 * ONNX Conv over N spatial axes (1-D, 2-D, 3-D, …), fully resolved: no auto_pad left, every per-axis
 * attribute explicit.
 *
 * <p>Layouts are dense row-major: X is {@code [batch, inChannels, in…]}, W is
 * {@code [outChannels, inChannels/groups, kernel…]}, the optional bias B is {@code [outChannels]},
 * Y is {@code [batch, outChannels, out…]}. Output channel {@code m} belongs to group
 * {@code m / (outChannels/groups)} and sees input channels {@code g·C/G … (g+1)·C/G - 1}. Along axis i
 * output position {@code o} reads input positions {@code o·strides[i] - padsBegin[i] + j·dilations[i]},
 * j over the kernel; positions outside the input read zero. Pads may exceed the kernel and the input
 * may be smaller than the kernel, as long as every axis has at least one output position.
 */
public record ConvShape(int batch, int inChannels, int outChannels, int groups, int[] inSpatial, int[] kernel,
                        int[] padsBegin, int[] padsEnd, int[] strides, int[] dilations, boolean hasBias)
        implements SlidingWindow, GroupedChannels {

    public ConvShape {
        inSpatial = inSpatial.clone();
        kernel = kernel.clone();
        padsBegin = padsBegin.clone();
        padsEnd = padsEnd.clone();
        strides = strides.clone();
        dilations = dilations.clone();
        int rank = inSpatial.length;
        if (batch < 0 || inChannels < 1 || outChannels < 1 || groups < 1) {
            throw new IllegalArgumentException("Conv needs batch ≥ 0 and C, M, group ≥ 1, got N=" + batch + " C=" + inChannels
                    + " M=" + outChannels + " group=" + groups);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv group " + groups + " must divide input channels " + inChannels
                    + " and output channels " + outChannels);
        }
        Spatial.checkWindow("Conv", inSpatial, 0, kernel, padsBegin, padsEnd, 0, strides, dilations);
        for (int i = 0; i < rank; i++) {
            long eff = (long) (kernel[i] - 1) * dilations[i] + 1;
            if ((long) inSpatial[i] + padsBegin[i] + padsEnd[i] < eff) {
                throw new IllegalArgumentException("Conv axis " + i + ": dilated kernel " + eff + " exceeds padded input "
                        + inSpatial[i] + "+" + padsBegin[i] + "+" + padsEnd[i]);
            }
        }
        Dims.size(Spatial.concat(new int[] {batch, inChannels}, inSpatial));
        Dims.size(Spatial.concat(new int[] {outChannels, inChannels / groups}, kernel));
    }

    /**
     * Resolves ONNX Conv inputs and attributes. {@code x} and {@code w} are the dims of X and W; the
     * attributes may be null when absent (defaults: NOTSET, kernel from W, zero pads, unit strides and
     * dilations). With SAME_UPPER / SAME_LOWER the output has {@code ceil(in / stride)} positions and
     * the needed padding is split as the mode says; with VALID there is no padding.
     */
    public static ConvShape fromOnnx(int[] x, int[] w, int[] bias, String autoPad, int[] kernelShape, int[] pads,
                                     int[] strides, int[] dilations, int group) {
        if (x.length < 3 || w.length != x.length) {
            throw new IllegalArgumentException("Conv X " + Dims.str(x) + " and W " + Dims.str(w) + " need the same rank ≥ 3");
        }
        int rank = x.length - 2;
        int[] in = Arrays.copyOfRange(x, 2, x.length);
        int[] k = Arrays.copyOfRange(w, 2, w.length);
        if (kernelShape != null && !Arrays.equals(kernelShape, k)) {
            throw new IllegalArgumentException("Conv kernel_shape " + Dims.str(kernelShape) + " differs from W " + Dims.str(w));
        }
        if (group < 1) throw new IllegalArgumentException("Conv group " + group + " must be ≥ 1");
        if ((long) w[1] * group != x[1]) {
            throw new IllegalArgumentException("Conv W " + Dims.str(w) + " has " + w[1] + " input channels per group; X "
                    + Dims.str(x) + " with group " + group + " needs " + (x[1] / Math.max(1, group)));
        }
        if (bias != null && (bias.length != 1 || bias[0] != w[0])) {
            throw new IllegalArgumentException("Conv B " + Dims.str(bias) + " must be [" + w[0] + "]");
        }
        int[] s = Spatial.perAxis("Conv", "strides", strides, rank, 1, 1);
        int[] d = Spatial.perAxis("Conv", "dilations", dilations, rank, 1, 1);
        AutoPad mode = AutoPad.parse("Conv", autoPad);
        int[][] p = Spatial.pads("Conv", mode == AutoPad.NOTSET ? pads : null, rank);
        if (mode.isSame()) {
            for (int i = 0; i < rank; i++) {
                int total = Spatial.samePadding(in[i], Spatial.effectiveKernel(k[i], d[i]), s[i]);
                p[0][i] = mode.begin(total);
                p[1][i] = mode.end(total);
            }
        }
        return new ConvShape(x[0], x[1], w[0], group, in, k, p[0], p[1], s, d, bias != null);
    }

    @Override public int[] inSpatial() { return inSpatial.clone(); }
    @Override public int[] kernel() { return kernel.clone(); }
    @Override public int[] padsBegin() { return padsBegin.clone(); }
    @Override public int[] padsEnd() { return padsEnd.clone(); }
    @Override public int[] strides() { return strides.clone(); }
    @Override public int[] dilations() { return dilations.clone(); }

    /** Output positions per axis: {@code floor((in + padsBegin + padsEnd - ((k-1)·d + 1)) / stride) + 1}. */
    public int[] outSpatial() {
        int[] out = new int[inSpatial.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Spatial.windows(inSpatial[i], padsBegin[i], padsEnd[i], Spatial.effectiveKernel(kernel[i], dilations[i]), strides[i]);
        }
        return out;
    }

    /** Depthwise: one input channel per group (each output channel filters one input channel). */
    public boolean isDepthwise() {
        return groups == inChannels;
    }

    /** Output channels per input channel of a depthwise conv (the channel multiplier). */
    public int channelMultiplier() {
        return outChannelsPerGroup();
    }

    public int[] inputShape() {
        return Spatial.concat(new int[] {batch, inChannels}, inSpatial);
    }

    public int[] weightShape() {
        return Spatial.concat(new int[] {outChannels, inChannelsPerGroup()}, kernel);
    }

    public int[] outputShape() {
        return Spatial.concat(new int[] {batch, outChannels}, outSpatial());
    }

    /** Multiply-adds count twice (padding taps included, as a GEMM over im2col would do them); bias not counted. */
    public long flops() {
        return 2L * batch * outChannels * outSpatialSize() * inChannelsPerGroup() * kernelSize();
    }

    /** The same convolution over another batch size. */
    public ConvShape withBatch(int n) {
        return new ConvShape(n, inChannels, outChannels, groups, inSpatial, kernel, padsBegin, padsEnd, strides, dilations, hasBias);
    }

    private Object[] parts() {
        return new Object[] {batch, inChannels, outChannels, groups, inSpatial, kernel, padsBegin, padsEnd, strides, dilations, hasBias};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvShape s && Arrays.deepEquals(parts(), s.parts());
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(parts());
    }

    @Override
    public String toString() {
        return "Conv X" + Dims.str(inputShape()) + " W" + Dims.str(weightShape()) + " group=" + groups
                + " pads=" + Dims.str(padsBegin) + "/" + Dims.str(padsEnd) + " strides=" + Dims.str(strides)
                + " dilations=" + Dims.str(dilations) + (hasBias ? " +B" : "") + " → Y" + Dims.str(outputShape());
    }
}
