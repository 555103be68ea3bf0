package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Grouped convolution with few channels per group (ResNeXt's 32 groups of 4, say) over NHWC, all
 * groups at once: one vector holds the output channels of {@code L / cg} whole groups, and since each
 * group has as many input as output channels ({@code cg}), the input channels those lanes read are
 * the same vector of the input pixel. Input channel {@code ci} of every lane's group is one in-register
 * rearrangement of that vector, so per tap and per ci the kernel does one load-free permute and one
 * FMA on full vectors — instead of one GEMM per group whose N = cg would use a quarter of a vector.
 *
 * <pre>
 *   lanes (cg = 4):        oc: | g0: 0 1 2 3 | g1: 4 5 6 7 | ...
 *   input vector x[pix]:       | c0 c1 c2 c3 | c4 c5 c6 c7 | ...
 *   shuffle for ci = 1:        | c1 c1 c1 c1 | c5 c5 c5 c5 | ...   × w[tap][1][oc]
 * </pre>
 *
 * Needs {@code C/group = M/group = cg} with {@code cg} dividing the vector length (and smaller than
 * it). Packed weights {@code w[tap][ci][oc]} (oc padded to whole vectors). Border pixels skip the
 * taps outside the input. The activation runs over each finished output row ({@link Activation#applyInPlace}).
 * Work split over output rows: results do not depend on the thread count.
 */
public final class GroupedConvDirect implements ConvKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    private static final long MIN_MACS_PER_SHARE = 1 << 16;

    private final Geometry g;
    private final int batch, c, cg, cp;
    private final float[] w, bias;
    private final VectorShuffle<Float>[] pick;
    private final Activation act;

    @SuppressWarnings("unchecked")
    public GroupedConvDirect(ConvShape s, float[] weights, int wOff, float[] b, int bOff, Activation act) {
        if (!supports(s)) throw new IllegalArgumentException("GroupedConvDirect needs C/group = M/group dividing the vector length " + L + ": " + s);
        this.g = Geometry.of(s.inSpatial(), s.outSpatial(), s.kernel(), s.strides(), s.dilations(), s.padsBegin());
        this.batch = s.batch();
        this.c = s.outChannels();
        this.cg = s.inChannelsPerGroup();
        this.cp = DepthwiseConvGeneric.paddedChannels(c);
        int taps = g.taps();
        this.w = new float[taps * cg * cp];
        for (int oc = 0; oc < c; oc++) {
            for (int ci = 0; ci < cg; ci++) {
                for (int t = 0; t < taps; t++) w[(t * cg + ci) * cp + oc] = weights[wOff + (oc * cg + ci) * taps + t];
            }
        }
        this.bias = DepthwiseConvGeneric.packBias(s.hasBias() ? b : null, bOff, c);
        this.pick = new VectorShuffle[cg];
        int[] idx = new int[L];
        for (int ci = 0; ci < cg; ci++) {
            for (int l = 0; l < L; l++) idx[l] = l / cg * cg + ci;
            pick[ci] = VectorShuffle.fromArray(S, idx, 0);
        }
        this.act = act;
    }

    public static boolean supports(ConvShape s) {
        int cg = s.inChannelsPerGroup();
        return s.groups() > 1 && s.spatialRank() <= 3 && cg == s.outChannelsPerGroup() && cg < L && L % cg == 0;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.GROUPED_DIRECT;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int rowsPerImage = g.outD() * g.outH(), rows = batch * rowsPerImage;
        long macs = (long) rows * g.outW() * c * cg * g.taps();
        parallel.forRange(rows, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int n = r / rowsPerImage, row = r % rowsPerImage;
                int xo = xOff + n * g.inPixels() * c, yo = yOff + n * g.outPixels() * c, ro = resOff + n * g.outPixels() * c;
                for (int ox = 0; ox < g.outW(); ox++) pixel(x, xo, y, yo, res, ro, row / g.outH(), row % g.outH(), ox);
                // the activation on the finished row (in L1), out of the FMA loops: see Activation#applyInPlace
                act.applyInPlace(y, yo + row * g.outW() * c, g.outW() * c);
            }
        });
    }

    private void pixel(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int oz, int oy, int ox) {
        int iz0 = oz * g.strideD() - g.padD(), iy0 = oy * g.strideH() - g.padT(), ix0 = ox * g.strideW() - g.padL();
        int kz0 = DepthwiseConvGeneric.firstTap(iz0, g.dilD()), kz1 = DepthwiseConvGeneric.endTap(iz0, g.dilD(), g.kD(), g.inD());
        int ky0 = DepthwiseConvGeneric.firstTap(iy0, g.dilH()), ky1 = DepthwiseConvGeneric.endTap(iy0, g.dilH(), g.kH(), g.inH());
        int kx0 = DepthwiseConvGeneric.firstTap(ix0, g.dilW()), kx1 = DepthwiseConvGeneric.endTap(ix0, g.dilW(), g.kW(), g.inW());
        int o = ((oz * g.outH() + oy) * g.outW() + ox) * c;
        VectorShuffle<Float> p0 = pick[0], p1 = pick[Math.min(1, cg - 1)], p2 = pick[Math.min(2, cg - 1)], p3 = pick[Math.min(3, cg - 1)];
        for (int oc = 0; oc < c; oc += L) {
            VectorMask<Float> m = S.indexInRange(oc, c);
            // one accumulator per input channel of the group (4 chains in flight), summed at the end
            FloatVector acc = FloatVector.fromArray(S, bias, oc), acc1 = FloatVector.zero(S), acc2 = acc1, acc3 = acc1;
            for (int kz = kz0; kz < kz1; kz++) {
                for (int ky = ky0; ky < ky1; ky++) {
                    int rowBase = xOff + ((iz0 + kz * g.dilD()) * g.inH() + iy0 + ky * g.dilH()) * g.inW() * c + oc;
                    int tapRow = (kz * g.kH() + ky) * g.kW();
                    for (int kx = kx0; kx < kx1; kx++) {
                        FloatVector v = FloatVector.fromArray(S, x, rowBase + (ix0 + kx * g.dilW()) * c, m);
                        int wo = (tapRow + kx) * cg * cp + oc;
                        if (cg == 4) {
                            acc = v.rearrange(p0).fma(FloatVector.fromArray(S, w, wo), acc);
                            acc1 = v.rearrange(p1).fma(FloatVector.fromArray(S, w, wo + cp), acc1);
                            acc2 = v.rearrange(p2).fma(FloatVector.fromArray(S, w, wo + 2 * cp), acc2);
                            acc3 = v.rearrange(p3).fma(FloatVector.fromArray(S, w, wo + 3 * cp), acc3);
                        } else {
                            for (int ci = 0; ci < cg; ci++) {
                                acc = v.rearrange(pick[ci]).fma(FloatVector.fromArray(S, w, wo + ci * cp), acc);
                            }
                        }
                    }
                }
            }
            acc = acc.add(acc1).add(acc2.add(acc3));
            if (res != null) acc = acc.add(FloatVector.fromArray(S, res, resOff + o + oc, m));
            acc.intoArray(y, yOff + o + oc, m);
        }
    }
}
