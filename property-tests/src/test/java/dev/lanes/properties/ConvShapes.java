package dev.lanes.properties;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Spatial;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of valid {@link ConvShape}s, small enough for properties and full of the awkward cases:
 * sizes 1 and primes, inputs smaller than the kernel (made valid by padding), pads larger than the
 * kernel, asymmetric pads, strides, dilations, groups, depthwise with a channel multiplier, batch > 1,
 * 1-D / 2-D / 3-D, with and without bias. Every draw shrinks towards the plainest shape.
 */
public final class ConvShapes {
    private ConvShapes() {}

    /** Largest input extent per axis, by spatial rank (index 1, 2, 3): keeps a reference conv in milliseconds. */
    private static final int[] MAX_SPATIAL = {0, 23, 11, 6};

    /** Any rank, any grouping, every attribute varied. */
    public static Gen<ConvShape> any() {
        return shapes(Generate.range(1, 3), channels(), 5, 3, 3);
    }

    /** Rank 1 or 2, any grouping, every attribute varied (for kernels that take no 3-D convolutions). */
    public static Gen<ConvShape> upToTwoD() {
        return shapes(Generate.range(1, 2), channels(), 5, 3, 3);
    }

    public static Gen<ConvShape> oneD() {
        return shapes(Generate.constant(1), channels(), 5, 3, 3);
    }

    public static Gen<ConvShape> twoD() {
        return shapes(Generate.constant(2), channels(), 5, 3, 3);
    }

    public static Gen<ConvShape> threeD() {
        return shapes(Generate.constant(3), channels(), 3, 2, 2);
    }

    /** More than one group, several channels per group (neither plain nor depthwise), any rank. */
    public static Gen<ConvShape> grouped() {
        return shapes(Generate.range(1, 3), grouping(Generate.range(2, 4), Generate.range(2, 4), Generate.range(1, 4)), 4, 3, 3);
    }

    /** 2-D depthwise: groups = C (up to 13), a channel multiplier of 1 to 3. */
    public static Gen<ConvShape> depthwise() {
        return shapes(Generate.constant(2), grouping(Sizes.between(1, 13), Generate.constant(1), Generate.range(1, 3)), 5, 3, 3);
    }

    /** 2-D 1×1 convolutions (a GEMM per image), stride 1 or 2, no padding. */
    public static Gen<ConvShape> pointwise() {
        return in -> {
            int[] ch = grouping(Generate.constant(1), Sizes.between(1, 33), Sizes.between(1, 33)).generate(in);
            int h = Sizes.between(1, 11).generate(in), w = Sizes.between(1, 11).generate(in);
            int s = Generate.range(1, 2).generate(in);
            return new ConvShape(batch(in), ch[1], ch[2], 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2],
                    new int[] {s, s}, new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /** 2-D 3×3, stride 1, no dilation, one group, pads 0 to 2 per side: the Winograd F(m, 3) domain. */
    public static Gen<ConvShape> threeByThreeStride1() {
        return in -> {
            int c = Sizes.between(1, 17).generate(in), m = Sizes.between(1, 17).generate(in);
            int h = Sizes.between(1, 13).generate(in), w = Sizes.between(1, 13).generate(in);
            int[] pb = {Generate.range(0, 2).generate(in), Generate.range(0, 2).generate(in)};
            int[] pe = {Generate.range(0, 2).generate(in), Generate.range(0, 2).generate(in)};
            fitPadding(new int[] {h, w}, new int[] {3, 3}, pb, pe);
            return new ConvShape(batch(in), c, m, 1, new int[] {h, w}, new int[] {3, 3}, pb, pe, new int[] {1, 1},
                    new int[] {1, 1}, Generate.booleans().generate(in));
        };
    }

    /** Plain, grouped and depthwise channel layouts: {groups, C/groups, M/groups}. */
    static Gen<int[]> channels() {
        Gen<int[]> plain = grouping(Generate.constant(1), Sizes.between(1, 9), Sizes.between(1, 9));
        Gen<int[]> grouped = grouping(Generate.range(2, 4), Generate.range(1, 4), Generate.range(1, 4));
        Gen<int[]> depthwise = grouping(Sizes.between(1, 9), Generate.constant(1), Generate.range(1, 3));
        return plain.mix(grouped, 35).mix(depthwise, 25);
    }

    static Gen<int[]> grouping(Gen<Integer> groups, Gen<Integer> cPerGroup, Gen<Integer> mPerGroup) {
        return groups.zip(cPerGroup, mPerGroup, (g, c, m) -> new int[] {g, g * c, g * m});
    }

    /**
     * The general generator: per axis an input extent (1 and primes likely), a kernel up to
     * {@code maxKernel}, stride and dilation up to their maxima, and pads of 0 to kernel + 1 on each
     * side independently; an input smaller than the dilated kernel gets just enough end padding.
     */
    static Gen<ConvShape> shapes(Gen<Integer> rankGen, Gen<int[]> channelGen, int maxKernel, int maxStride, int maxDilation) {
        return in -> {
            int rank = rankGen.generate(in);
            int[] ch = channelGen.generate(in);
            int[] extent = new int[rank], kernel = new int[rank], stride = new int[rank], dil = new int[rank];
            int[] pb = new int[rank], pe = new int[rank];
            int kMax = rank == 3 ? Math.min(maxKernel, 3) : maxKernel;
            for (int i = 0; i < rank; i++) {
                extent[i] = Sizes.between(1, MAX_SPATIAL[rank]).generate(in);
                kernel[i] = Generate.range(1, kMax).generate(in);
                stride[i] = Generate.range(1, maxStride).generate(in);
                dil[i] = Generate.range(1, maxDilation).generate(in);
                pb[i] = Generate.range(0, kernel[i] + 1).generate(in);
                pe[i] = Generate.range(0, kernel[i] + 1).generate(in);
            }
            int[] eff = new int[rank];
            for (int i = 0; i < rank; i++) eff[i] = Spatial.effectiveKernel(kernel[i], dil[i]);
            fitPadding(extent, eff, pb, pe);
            return new ConvShape(batch(in), ch[1], ch[2], ch[0], extent, kernel, pb, pe, stride, dil, Generate.booleans().generate(in));
        };
    }

    /** Batch 1 mostly, sometimes 2 or 3. */
    static int batch(org.quicktheories.core.RandomnessSource in) {
        return Generate.range(1, 3).generate(in);
    }

    /** Grows the end padding until every axis holds the (dilated) kernel at least once. */
    static void fitPadding(int[] extent, int[] effKernel, int[] pb, int[] pe) {
        for (int i = 0; i < extent.length; i++) {
            int shortBy = effKernel[i] - (extent[i] + pb[i] + pe[i]);
            if (shortBy > 0) pe[i] += shortBy;
        }
    }
}
