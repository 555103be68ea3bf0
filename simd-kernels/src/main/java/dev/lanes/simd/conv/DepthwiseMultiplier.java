package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution with a channel multiplier k > 1 ({@code groups = C}, {@code M = k·C}) on a 1-D
 * or 2-D map. Output channel {@code oc} filters input channel {@code oc / k}, so with each input
 * channel repeated k times in place — {@code xe[pixel][ci·k + j] = x[pixel][ci]} — the layer is a
 * multiplier-1 depthwise convolution of M channels over {@code xe}, with the same weights
 * ({@code [M, 1, k…]}) and bias. That one runs the vectorised multiplier-1 kernels ({@link DepthwiseConv}:
 * the direct 3x3/5x5 kernels or the band), where {@link DepthwiseConvGeneric} gathered {@code x[oc / k]}
 * for every tap of every pixel (3–5 GFLOP/s).
 *
 * <p>The repeat is a lane permutation: output vector q of an input vector v holds lanes
 * {@code v[(q·L + l) / k]} ({@code rearrange} with one precomputed shuffle per q), written once per
 * input pixel, where the convolution reads each input pixel once per tap. Results do not depend on
 * the thread count (the repeat is a copy; the multiplier-1 kernel is deterministic).
 */
public final class DepthwiseMultiplier implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Least floats repeated worth a thread of its own. */
    private static final long MIN_FLOATS_PER_SHARE = 1 << 15;

    private final int batch, cin, mult, cout, inPixels;
    private final DepthwiseConv repeated;
    /** {@code spread[q]}: lane l of output vector q takes input lane {@code (q·L + l) / mult}. */
    private final VectorShuffle<Float>[] spread;

    @SuppressWarnings("unchecked")
    public DepthwiseMultiplier(ConvShape s, float[] w, int wOff, float[] b, int bOff, Activation act) {
        if (!supports(s)) throw new IllegalArgumentException("DepthwiseMultiplier needs a 1-D or 2-D depthwise conv with a channel multiplier > 1: " + s);
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.mult = s.channelMultiplier();
        this.cout = s.outChannels();
        this.inPixels = s.inSpatialSize();
        ConvShape e = new ConvShape(s.batch(), cout, cout, cout, s.inSpatial(), s.kernel(), s.padsBegin(), s.padsEnd(), s.strides(),
                s.dilations(), s.hasBias());
        this.repeated = new DepthwiseConv(e, w, wOff, b, bOff, act, ConvOperator.choose(e));
        this.spread = new VectorShuffle[mult];
        for (int q = 0; q < mult; q++) {
            int[] idx = new int[L];
            for (int l = 0; l < L; l++) idx[l] = (q * L + l) / mult;
            spread[q] = VectorShuffle.fromArray(S, idx, 0);
        }
    }

    /** A depthwise conv with a multiplier above 1 on at most 2 spatial axes. */
    public static boolean supports(ConvShape s) {
        return s.isDepthwise() && s.channelMultiplier() > 1 && s.spatialRank() <= 2;
    }

    /** The multiplier-1 algorithm it runs on the repeated input. */
    ConvAlgorithm repeatedAlgorithm() {
        return repeated.algorithm();
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.DEPTHWISE_MULTIPLIER;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int pixels = batch * inPixels;
        float[] xe = ConvScratch.get(ConvScratch.REPEATED, (long) pixels * cout);
        int shares = parallel.sharesFor((long) pixels * cout, MIN_FLOATS_PER_SHARE);
        parallel.forRange(pixels, 1, shares, (p0, p1) -> repeat(x, xOff, xe, p0, p1));
        repeated.run(xe, 0, y, yOff, res, resOff, parallel);
    }

    /** {@code xe[p][ci·mult + j] = x[p][ci]} for pixels {@code [p0, p1)}. */
    private void repeat(float[] x, int xOff, float[] xe, int p0, int p1) {
        int full = cin - cin % L;
        for (int p = p0; p < p1; p++) {
            int xo = xOff + p * cin, eo = p * cout;
            int ci = 0;
            for (; ci < full; ci += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + ci);
                int o = eo + ci * mult;
                for (int q = 0; q < mult; q++) v.rearrange(spread[q]).intoArray(xe, o + q * L);
            }
            for (; ci < cin; ci++) {
                float v = x[xo + ci];
                int o = eo + ci * mult;
                for (int j = 0; j < mult; j++) xe[o + j] = v;
            }
        }
    }
}
