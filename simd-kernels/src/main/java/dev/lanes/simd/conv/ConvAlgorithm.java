package dev.lanes.simd.conv;

/** The convolution algorithms of simd-kernels; {@code ConvOperator} picks one per layer at prepare time. */
public enum ConvAlgorithm {
    /** Depthwise 3x3 (multiplier 1): {@link DepthwiseBand} with rows of 3 taps unrolled ({@link DepthwiseConv3x3}). */
    DEPTHWISE_3X3,
    /** Depthwise 5x5 (multiplier 1): {@link DepthwiseBand} with rows of 5 taps unrolled ({@link DepthwiseConv5x5}). */
    DEPTHWISE_5X5,
    /**
     * Depthwise with any other kernel or rank: {@link DepthwiseBand} (multiplier 1, 1-D/2-D); 3-D maps, and a forced
     * multiplier above 1, {@link DepthwiseConvGeneric} (by gather).
     */
    DEPTHWISE_GENERIC,
    /**
     * Depthwise with a channel multiplier above 1 on 1-D/2-D maps: {@link DepthwiseMultiplier} (input channels
     * repeated, then the multiplier-1 kernels).
     */
    DEPTHWISE_MULTIPLIER,
    /** 1x1, unit strides, no padding: one packed GEMM over the feature map, no copy. */
    POINTWISE_GEMM,
    /** 1x1 (any stride, no padding): the feature map read in place as a GEMM's A, weights packed: {@link PointwiseConv}. */
    POINTWISE_DIRECT,
    /**
     * 2-D, one group, weights panel within L2: A read in place from a band of zero-padded input rows
     * (or X itself for 1x1), tap by tap: {@link BandGemmConv}.
     */
    BAND_GEMM,
    /** Everything else: im2col in blocks of output pixels, then packed GEMM per group. */
    IM2COL_GEMM,
    /** 3x3 stride 1: Winograd F(2x2,3x3), batched GEMMs over channels. */
    WINOGRAD_F2X3,
    /** 3x3 stride 1: Winograd F(4x4,3x3). */
    WINOGRAD_F4X3,
    /** Grouped convolution with few channels per group: direct kernel over all groups at once. */
    GROUPED_DIRECT,
    /** At most 4 input channels (an RGB stem), one group: direct, broadcast input × output-channel vectors: {@link StemConvDirect}. */
    STEM_DIRECT,
    /**
     * At most 4 input channels, one group, 2-D, unit dilations, a window too large for {@link StemConvDirect}:
     * tiles of 6 pixels × a panel of output-channel vectors straight from padded NCHW rows: {@link StemConvPanels}.
     */
    STEM_PANELS
}
