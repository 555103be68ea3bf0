package dev.lanes.reference;

import java.util.Arrays;

/**
 * ONNX ConvTranspose over N spatial axes, fully resolved (no auto_pad or output_shape left).
 *
 * <p>Layouts are dense row-major: X is {@code [batch, inChannels, in…]}, W is
 * {@code [inChannels, outChannels/groups, kernel…]}, the optional bias B is {@code [outChannels]},
 * Y is {@code [batch, outChannels, out…]} with, per axis,
 * {@code out = stride·(in - 1) + outputPadding + (k - 1)·dilation + 1 - padBegin - padEnd}.
 * Input position {@code i} and tap {@code j} add {@code x·w} to output position
 * {@code i·stride - padBegin + j·dilation} (when it lies in the output): ConvTranspose is the adjoint
 * (the input gradient) of the Conv with the same kernel, strides, pads and dilations.
 *
 * <p>Pads may be negative here, unlike in the attribute: an {@code output_shape} larger than the
 * full result makes ONNX's pad formula negative, and the output then extends past the full result
 * with positions that only get the bias.
 */
public record ConvTransposeShape(int batch, int inChannels, int outChannels, int groups, int[] inSpatial, int[] kernel,
                                 int[] padsBegin, int[] padsEnd, int[] strides, int[] dilations, int[] outputPadding,
                                 boolean hasBias)
        implements SlidingWindow, GroupedChannels {

    public ConvTransposeShape {
        inSpatial = inSpatial.clone();
        kernel = kernel.clone();
        padsBegin = padsBegin.clone();
        padsEnd = padsEnd.clone();
        strides = strides.clone();
        dilations = dilations.clone();
        outputPadding = outputPadding.clone();
        int rank = inSpatial.length;
        String op = "ConvTranspose";
        if (batch < 0 || inChannels < 1 || outChannels < 1 || groups < 1) {
            throw new IllegalArgumentException(op + " needs batch ≥ 0 and C, M, group ≥ 1, got N=" + batch + " C=" + inChannels
                    + " M=" + outChannels + " group=" + groups);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(op + " group " + groups + " must divide input channels " + inChannels
                    + " and output channels " + outChannels);
        }
        Spatial.checkWindow(op, inSpatial, 1, kernel, padsBegin, padsEnd, Integer.MIN_VALUE, strides, dilations);
        Spatial.requireRank(op, "output_padding", outputPadding, rank);
        Spatial.requireAtLeast(op, "output_padding", outputPadding, 0);
        for (int i = 0; i < rank; i++) {
            long out = fullSize(inSpatial[i], kernel[i], strides[i], dilations[i], outputPadding[i]) - padsBegin[i] - padsEnd[i];
            if (out < 0 || out > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + " axis " + i + ": pads " + padsBegin[i] + "/" + padsEnd[i]
                        + " leave an output size of " + out);
            }
        }
        Dims.size(Spatial.concat(new int[] {batch, inChannels}, inSpatial));
        Dims.size(Spatial.concat(new int[] {inChannels, outChannels / groups}, kernel));
        Dims.size(Spatial.concat(new int[] {batch, outChannels}, outSpatialOf(inSpatial, kernel, padsBegin, padsEnd, strides, dilations, outputPadding)));
    }

    /**
     * Resolves ONNX ConvTranspose inputs and attributes (null when absent). When {@code outputShape}
     * is given (spatial dims, or all dims) the pads follow from it: {@code total = stride·(in-1) +
     * output_padding + (k-1)·d + 1 - output_shape}, split with {@code floor(total/2)} first for
     * SAME_UPPER and last otherwise. SAME_UPPER / SAME_LOWER without output_shape aim at
     * {@code in·stride}; VALID means no padding; NOTSET uses {@code pads}.
     */
    public static ConvTransposeShape fromOnnx(int[] x, int[] w, int[] bias, String autoPad, int[] kernelShape, int[] pads,
                                              int[] strides, int[] dilations, int[] outputPadding, int[] outputShape, int group) {
        String op = "ConvTranspose";
        if (x.length < 3 || w.length != x.length) {
            throw new IllegalArgumentException(op + " X " + Dims.str(x) + " and W " + Dims.str(w) + " need the same rank ≥ 3");
        }
        int rank = x.length - 2;
        int[] in = Arrays.copyOfRange(x, 2, x.length);
        int[] k = Arrays.copyOfRange(w, 2, w.length);
        if (kernelShape != null && !Arrays.equals(kernelShape, k)) {
            throw new IllegalArgumentException(op + " kernel_shape " + Dims.str(kernelShape) + " differs from W " + Dims.str(w));
        }
        if (group < 1) throw new IllegalArgumentException(op + " group " + group + " must be ≥ 1");
        if (w[0] != x[1]) {
            throw new IllegalArgumentException(op + " W " + Dims.str(w) + " must have X's " + x[1] + " channels first");
        }
        long m = (long) w[1] * group;
        if (m > Integer.MAX_VALUE) throw new IllegalArgumentException(op + " output channels " + m + " too many");
        if (bias != null && (bias.length != 1 || bias[0] != m)) {
            throw new IllegalArgumentException(op + " B " + Dims.str(bias) + " must be [" + m + "]");
        }
        int[] s = Spatial.perAxis(op, "strides", strides, rank, 1, 1);
        int[] d = Spatial.perAxis(op, "dilations", dilations, rank, 1, 1);
        int[] outPad = Spatial.perAxis(op, "output_padding", outputPadding, rank, 0, 0);
        AutoPad mode = AutoPad.parse(op, autoPad);
        int[] target = null;
        if (outputShape != null) {
            if (outputShape.length != rank && outputShape.length != rank + 2) {
                throw new IllegalArgumentException(op + " output_shape " + Dims.str(outputShape) + " needs " + rank + " values");
            }
            target = Arrays.copyOfRange(outputShape, outputShape.length - rank, outputShape.length);
            Spatial.requireAtLeast(op, "output_shape", target, 0);
        } else if (mode.isSame()) {
            target = new int[rank];
            for (int i = 0; i < rank; i++) target[i] = Math.multiplyExact(in[i], s[i]);
        }
        int[][] p = Spatial.pads(op, mode == AutoPad.NOTSET && target == null ? pads : null, rank);
        if (target != null) {
            AutoPad split = mode == AutoPad.SAME_UPPER ? AutoPad.SAME_UPPER : AutoPad.SAME_LOWER;
            for (int i = 0; i < rank; i++) {
                long total = fullSize(in[i], k[i], s[i], d[i], outPad[i]) - target[i];
                p[0][i] = split.begin(Math.toIntExact(total));
                p[1][i] = split.end(Math.toIntExact(total));
            }
        }
        return new ConvTransposeShape(x[0], x[1], (int) m, group, in, k, p[0], p[1], s, d, outPad, bias != null);
    }

    @Override public int[] inSpatial() { return inSpatial.clone(); }
    @Override public int[] kernel() { return kernel.clone(); }
    @Override public int[] padsBegin() { return padsBegin.clone(); }
    @Override public int[] padsEnd() { return padsEnd.clone(); }
    @Override public int[] strides() { return strides.clone(); }
    @Override public int[] dilations() { return dilations.clone(); }
    @Override public int[] outputPadding() { return outputPadding.clone(); }

    public int[] outSpatial() {
        return outSpatialOf(inSpatial, kernel, padsBegin, padsEnd, strides, dilations, outputPadding);
    }

    public int[] inputShape() {
        return Spatial.concat(new int[] {batch, inChannels}, inSpatial);
    }

    public int[] weightShape() {
        return Spatial.concat(new int[] {inChannels, outChannelsPerGroup()}, kernel);
    }

    public int[] outputShape() {
        return Spatial.concat(new int[] {batch, outChannels}, outSpatial());
    }

    /** Every input element times every tap of its group's filters, a multiply-add counting 2 (cropped taps included). */
    public long flops() {
        return 2L * batch * inChannels * inSpatialSize() * outChannelsPerGroup() * kernelSize();
    }

    /**
     * The Conv whose adjoint this is: it maps Y's shape back to X's, with the same kernel, pads,
     * strides, dilations and groups, and takes W exactly as stored (ConvTranspose's
     * {@code [C, M/G, k…]} is that Conv's {@code [outChannels, inChannels/groups, k…]}). Then
     * {@code ⟨conv(y), x⟩ = ⟨y, convTranspose(x)⟩}. Throws when there is no such Conv: negative pads,
     * or an output_padding that makes the Conv's output differ from this input.
     */
    public ConvShape adjointConv() {
        ConvShape c = new ConvShape(batch, outChannels, inChannels, groups, outSpatial(), kernel, padsBegin, padsEnd,
                strides, dilations, false);
        if (!Arrays.equals(c.outSpatial(), inSpatial)) {
            throw new IllegalArgumentException(this + " has no adjoint Conv: it maps " + Dims.str(outSpatial()) + " to "
                    + Dims.str(c.outSpatial()) + ", not " + Dims.str(inSpatial));
        }
        return c;
    }

    private static long fullSize(int in, int k, int s, int d, int outPad) {
        return (long) s * (in - 1) + outPad + (long) (k - 1) * d + 1;
    }

    private static int[] outSpatialOf(int[] in, int[] k, int[] pb, int[] pe, int[] s, int[] d, int[] outPad) {
        int[] out = new int[in.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) (fullSize(in[i], k[i], s[i], d[i], outPad[i]) - pb[i] - pe[i]);
        return out;
    }

    private Object[] parts() {
        return new Object[] {batch, inChannels, outChannels, groups, inSpatial, kernel, padsBegin, padsEnd, strides, dilations,
            outputPadding, hasBias};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvTransposeShape s && Arrays.deepEquals(parts(), s.parts());
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(parts());
    }

    @Override
    public String toString() {
        return "ConvTranspose X" + Dims.str(inputShape()) + " W" + Dims.str(weightShape()) + " group=" + groups
                + " pads=" + Dims.str(padsBegin) + "/" + Dims.str(padsEnd) + " strides=" + Dims.str(strides)
                + " dilations=" + Dims.str(dilations) + " output_padding=" + Dims.str(outputPadding)
                + (hasBias ? " +B" : "") + " → Y" + Dims.str(outputShape());
    }
}
