package dev.lanes.properties;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.Spatial;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of valid {@link ConvTransposeShape}s: 1-D to 3-D, strides, dilations, groups (and
 * depthwise), asymmetric pads, output_padding below max(stride, dilation), and now and then a
 * negative end pad — what ONNX's pad formula gives for an output_shape larger than the full result.
 */
public final class ConvTransposeShapes {
    private ConvTransposeShapes() {}

    private static final int[] MAX_SPATIAL = {0, 13, 7, 4};

    public static Gen<ConvTransposeShape> any() {
        return shapes(Generate.range(1, 3), ConvShapes.channels());
    }

    public static Gen<ConvTransposeShape> twoD() {
        return shapes(Generate.constant(2), ConvShapes.channels());
    }

    /** More than one group, several channels per group. */
    public static Gen<ConvTransposeShape> grouped() {
        return shapes(Generate.range(1, 3), ConvShapes.grouping(Generate.range(2, 4), Generate.range(2, 3), Generate.range(1, 3)));
    }

    /**
     * Non-overlapping patches (kernel ≤ stride, dilation 1; ConvTransposeDisjoint's shapes), 1-D or
     * 2-D: rows up to 70 pixels (past four 512-bit vectors, with tails), 1 to 20 input and 1 to 6
     * output channels per group, up to 3 groups, pads 0 to the kernel at the start and -1 to the
     * kernel at the end, output_padding below the stride — so some pixels get no tap at all.
     */
    public static Gen<ConvTransposeShape> disjoint() {
        return in -> {
            int rank = Generate.range(1, 2).generate(in);
            int groups = Generate.range(1, 3).generate(in), c = Sizes.between(1, 20).generate(in), m = Sizes.between(1, 6).generate(in);
            int[] extent = new int[rank], kernel = new int[rank], stride = new int[rank], dil = new int[rank];
            int[] pb = new int[rank], pe = new int[rank], outPad = new int[rank];
            for (int i = 0; i < rank; i++) {
                boolean row = i == rank - 1;
                extent[i] = Sizes.between(1, row ? 70 : 4).generate(in);
                stride[i] = Generate.range(1, 3).generate(in);
                kernel[i] = Generate.range(1, stride[i]).generate(in);
                dil[i] = 1;
                outPad[i] = Generate.range(0, stride[i] - 1).generate(in);
                pb[i] = Generate.range(0, kernel[i]).generate(in);
                pe[i] = Generate.range(-1, kernel[i]).generate(in);
                int full = stride[i] * (extent[i] - 1) + outPad[i] + kernel[i];
                while (pb[i] + pe[i] > full - 1) {
                    if (pe[i] > 0) pe[i]--;
                    else pb[i]--;
                }
            }
            return new ConvTransposeShape(ConvShapes.batch(in), groups * c, groups * m, groups, extent, kernel, pb, pe, stride, dil, outPad,
                    Generate.booleans().generate(in));
        };
    }

    /** 2x2 stride 2, no pads (a detection head's upsampling), rows up to 70 pixels, 1 to 30 channels in and out. */
    public static Gen<ConvTransposeShape> upsample2x2() {
        return in -> {
            int h = Sizes.between(1, 4).generate(in), w = Sizes.between(1, 70).generate(in);
            int c = Sizes.between(1, 30).generate(in), m = Sizes.between(1, 30).generate(in);
            int[] two = {2, 2}, zero = {0, 0};
            return new ConvTransposeShape(ConvShapes.batch(in), c, m, 1, new int[] {h, w}, two, zero, zero, two, new int[] {1, 1}, zero,
                    Generate.booleans().generate(in));
        };
    }

    /**
     * The ConvTranspose that is the adjoint of {@code c}: input shaped like c's output, output like
     * c's input, the same kernel, pads, strides, dilations and groups, and the output_padding that
     * restores the input positions a strided Conv drops. Its W is c's W as stored.
     */
    public static ConvTransposeShape adjointOf(ConvShape c) {
        int rank = c.spatialRank();
        int[] in = c.inSpatial(), k = c.kernel(), s = c.strides(), d = c.dilations(), pb = c.padsBegin(), pe = c.padsEnd();
        int[] outPad = new int[rank];
        for (int i = 0; i < rank; i++) {
            // Conv drops the (in + pads - eff) mod stride trailing positions; output_padding gives them back
            outPad[i] = (in[i] + pb[i] + pe[i] - Spatial.effectiveKernel(k[i], d[i])) % s[i];
        }
        return new ConvTransposeShape(c.batch(), c.outChannels(), c.inChannels(), c.groups(), c.outSpatial(), k, pb, pe, s, d,
                outPad, false);
    }

    static Gen<ConvTransposeShape> shapes(Gen<Integer> rankGen, Gen<int[]> channelGen) {
        return in -> {
            int rank = rankGen.generate(in);
            int[] ch = channelGen.generate(in); // {groups, C, M}
            int[] extent = new int[rank], kernel = new int[rank], stride = new int[rank], dil = new int[rank];
            int[] pb = new int[rank], pe = new int[rank], outPad = new int[rank];
            for (int i = 0; i < rank; i++) {
                extent[i] = Sizes.between(1, MAX_SPATIAL[rank]).generate(in);
                kernel[i] = Generate.range(1, rank == 3 ? 3 : 4).generate(in);
                stride[i] = Generate.range(1, 3).generate(in);
                dil[i] = Generate.range(1, 2).generate(in);
                outPad[i] = Generate.range(0, Math.max(stride[i], dil[i]) - 1).generate(in);
                int eff = Spatial.effectiveKernel(kernel[i], dil[i]);
                pb[i] = Generate.range(0, eff).generate(in);
                pe[i] = Generate.range(-1, eff).generate(in); // -1: an output_shape one larger than the full result
                int full = stride[i] * (extent[i] - 1) + outPad[i] + eff;
                while (pb[i] + pe[i] > full - 1) { // keep at least one output position
                    if (pe[i] > 0) pe[i]--;
                    else pb[i]--;
                }
            }
            return new ConvTransposeShape(ConvShapes.batch(in), ch[1], ch[2], ch[0], extent, kernel, pb, pe, stride, dil, outPad,
                    Generate.booleans().generate(in));
        };
    }
}
