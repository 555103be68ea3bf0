package dev.lanes.properties;

import dev.lanes.reference.PoolShape;
import dev.lanes.reference.Spatial;
import java.util.function.IntUnaryOperator;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of valid {@link PoolShape}s: MaxPool and AveragePool, 1-D to 3-D, pads up to one below
 * the window (ONNX's limit) on each side independently, strides, dilations, ceil_mode,
 * count_include_pad, storage_order, inputs smaller than the window, batch and channels > 1; and
 * the Global forms.
 */
public final class PoolShapes {
    private PoolShapes() {}

    private static final int[] MAX_SPATIAL = {0, 23, 11, 6};

    public static Gen<PoolShape> any() {
        return shapes(Generate.enumValues(PoolShape.Mode.class), Generate.range(1, 3));
    }

    public static Gen<PoolShape> max() {
        return shapes(Generate.constant(PoolShape.Mode.MAX), Generate.range(1, 3));
    }

    public static Gen<PoolShape> average() {
        return shapes(Generate.constant(PoolShape.Mode.AVERAGE), Generate.range(1, 3));
    }

    public static Gen<PoolShape> twoD() {
        return shapes(Generate.enumValues(PoolShape.Mode.class), Generate.constant(2));
    }

    /** GlobalMaxPool / GlobalAveragePool over 1-D to 3-D planes. */
    public static Gen<PoolShape> global() {
        return in -> {
            PoolShape.Mode mode = Generate.enumValues(PoolShape.Mode.class).generate(in);
            int rank = Generate.range(1, 3).generate(in);
            int[] x = new int[rank + 2];
            x[0] = ConvShapes.batch(in);
            x[1] = Sizes.between(1, 17).generate(in);
            for (int i = 0; i < rank; i++) x[i + 2] = Sizes.between(1, MAX_SPATIAL[rank]).generate(in);
            return PoolShape.global(mode, x);
        };
    }

    static Gen<PoolShape> shapes(Gen<PoolShape.Mode> modeGen, Gen<Integer> rankGen) {
        return shapes(modeGen, rankGen, rank -> MAX_SPATIAL[rank], rank -> rank == 3 ? 3 : 4, Sizes.between(1, 5));
    }

    /**
     * As {@link #shapes(Gen, Gen)} with the limits given: extents up to {@code maxExtent(rank)}, windows up to
     * {@code maxKernel(rank)} per axis, {@code channels} channels.
     */
    static Gen<PoolShape> shapes(Gen<PoolShape.Mode> modeGen, Gen<Integer> rankGen, IntUnaryOperator maxExtent, IntUnaryOperator maxKernel,
                                 Gen<Integer> channels) {
        return in -> {
            PoolShape.Mode mode = modeGen.generate(in);
            int rank = rankGen.generate(in);
            int[] extent = new int[rank], kernel = new int[rank], stride = new int[rank], dil = new int[rank];
            int[] pb = new int[rank], pe = new int[rank];
            for (int i = 0; i < rank; i++) {
                extent[i] = Sizes.between(1, maxExtent.applyAsInt(rank)).generate(in);
                kernel[i] = Generate.range(1, maxKernel.applyAsInt(rank)).generate(in);
                stride[i] = Generate.range(1, 3).generate(in);
                dil[i] = Generate.range(1, 2).generate(in);
                int eff = Spatial.effectiveKernel(kernel[i], dil[i]);
                pb[i] = Generate.range(0, eff - 1).generate(in);
                pe[i] = Generate.range(0, eff - 1).generate(in);
                // an input smaller than the window: pad up to the limit, end first
                int shortBy = eff - (extent[i] + pb[i] + pe[i]);
                if (shortBy > 0) {
                    int addEnd = Math.min(shortBy, eff - 1 - pe[i]);
                    pe[i] += addEnd;
                    pb[i] += shortBy - addEnd;
                }
            }
            return new PoolShape(mode, ConvShapes.batch(in), channels.generate(in), extent, kernel, pb, pe, stride, dil,
                    Generate.booleans().generate(in), Generate.booleans().generate(in), Generate.range(0, 1).generate(in));
        };
    }
}
