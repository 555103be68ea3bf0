package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.ReferenceGemm;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The reference Conv against two independent constructions of the same function: the groups
 * taken one at a time, and im2col followed by the reference GEMM. Both add the same products in the
 * same order, so the results must be identical to the bit.
 */
class ReferenceConvProperties {
    private final ReferenceConv conv = new ReferenceConv();
    private final ReferenceGemm gemm = new ReferenceGemm();

    @Test
    void groupedConvEqualsItsGroupsOneAtATime() {
        Theories.qt(40).forAll(ConvShapes.grouped().mix(ConvShapes.any(), 50), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            Guarded whole = new Guarded(Dims.size(s.outputShape()));
            conv.conv(s, d.x, 0, d.w, 0, d.bias, 0, whole.array(), whole.offset());
            whole.assertCanariesIntact();

            int g = s.groups(), cg = s.inChannelsPerGroup(), mg = s.outChannelsPerGroup();
            int inPlane = s.inSpatialSize(), outPlane = s.outSpatialSize(), filter = cg * s.kernelSize();
            ConvShape one = new ConvShape(s.batch(), cg, mg, 1, s.inSpatial(), s.kernel(), s.padsBegin(), s.padsEnd(),
                    s.strides(), s.dilations(), s.hasBias());
            float[] expected = new float[whole.length()];
            for (int grp = 0; grp < g; grp++) {
                float[] x = new float[s.batch() * cg * inPlane];
                for (int n = 0; n < s.batch(); n++) {
                    System.arraycopy(d.x, (n * s.inChannels() + grp * cg) * inPlane, x, n * cg * inPlane, cg * inPlane);
                }
                float[] y = new float[s.batch() * mg * outPlane];
                conv.conv(one, x, 0, d.w, grp * mg * filter, d.bias, grp * mg, y, 0);
                for (int n = 0; n < s.batch(); n++) {
                    System.arraycopy(y, n * mg * outPlane, expected, (n * s.outChannels() + grp * mg) * outPlane, mg * outPlane);
                }
            }
            Tolerance.assertBitsEqual(s.toString(), whole.region(), expected);
        });
    }

    @Test
    void convEqualsIm2colThenGemm() {
        Theories.qt(40).forAll(ConvShapes.any(), Sizes.seeds()).checkAssert((s, seed) -> {
            Inputs d = Inputs.of(s, seed);
            float[] y = new float[Dims.size(s.outputShape())];
            conv.conv(s, d.x, 0, d.w, 0, d.bias, 0, y, 0);
            Tolerance.assertBitsEqual(s.toString(), y, im2colGemm(s, d));
        });
    }

    /**
     * Per image and group: the columns matrix (K = C/G·taps rows, one column per output position,
     * zeros where a tap reads padding) multiplied by the group's filters [M/G × K], plus the bias
     * broadcast along the columns as Gemm's C.
     */
    private float[] im2colGemm(ConvShape s, Inputs d) {
        int rank = s.spatialRank();
        int[] in = s.inSpatial(), kernel = s.kernel(), out = s.outSpatial();
        int cg = s.inChannelsPerGroup(), mg = s.outChannelsPerGroup(), taps = s.kernelSize();
        int inPlane = s.inSpatialSize(), outPlane = s.outSpatialSize(), k = cg * taps;
        float[] y = new float[Dims.size(s.outputShape())];
        int[] o = new int[rank], t = new int[rank];
        for (int n = 0; n < s.batch(); n++) {
            for (int g = 0; g < s.groups(); g++) {
                float[] cols = new float[k * outPlane];
                for (int c = 0; c < cg; c++) {
                    for (int tap = 0; tap < taps; tap++) {
                        unflatten(tap, kernel, t);
                        for (int p = 0; p < outPlane; p++) {
                            unflatten(p, out, o);
                            int flat = 0;
                            boolean inside = true;
                            for (int a = 0; a < rank; a++) {
                                int pos = o[a] * s.strides()[a] - s.padsBegin()[a] + t[a] * s.dilations()[a];
                                inside &= pos >= 0 && pos < in[a];
                                flat = flat * in[a] + pos;
                            }
                            int xc = n * s.inChannels() + g * cg + c;
                            cols[(c * taps + tap) * outPlane + p] = inside ? d.x[xc * inPlane + flat] : 0f;
                        }
                    }
                }
                GemmShape gs = new GemmShape(mg, outPlane, k, false, false, 1f, 1f, s.hasBias() ? mg : 0, s.hasBias() ? 1 : 0);
                gemm.gemm(gs, d.w, g * mg * k, cols, 0, d.bias, g * mg, y, (n * s.outChannels() + g * mg) * outPlane);
            }
        }
        return y;
    }

    private static void unflatten(int flat, int[] dims, int[] idx) {
        for (int a = dims.length - 1; a >= 0; a--) {
            idx[a] = flat % dims[a];
            flat /= dims[a];
        }
    }

    @Test
    void generatorsReachTheAwkwardCases() {
        boolean[] seen = new boolean[10];
        org.quicktheories.QuickTheory.qt().withFixedSeed(7).withExamples(400).forAll(ConvShapes.any()).check(s -> {
            int[] in = s.inSpatial(), k = s.kernel(), pb = s.padsBegin(), pe = s.padsEnd(), d = s.dilations();
            for (int a = 0; a < s.spatialRank(); a++) {
                if (in[a] < (k[a] - 1) * d[a] + 1) seen[0] = true; // input smaller than the kernel
                if (pb[a] > k[a] || pe[a] > k[a]) seen[1] = true;   // pads larger than the kernel
                if (pb[a] != pe[a]) seen[2] = true;                 // asymmetric pads
                if (d[a] > 1) seen[3] = true;
                if (s.strides()[a] > 1) seen[4] = true;
            }
            if (s.groups() > 1 && !s.isDepthwise()) seen[5] = true;
            if (s.isDepthwise() && s.channelMultiplier() > 1) seen[6] = true;
            if (s.batch() > 1) seen[7] = true;
            if (s.spatialRank() == 1) seen[8] = true;
            if (s.spatialRank() == 3) seen[9] = true;
            return true;
        });
        assertEquals("[true, true, true, true, true, true, true, true, true, true]", Arrays.toString(seen),
                "small input, big pads, asymmetric pads, dilation, stride, groups, depthwise multiplier, batch, 1-D, 3-D");
    }

    /** Seeded inputs for a conv shape. */
    record Inputs(float[] x, float[] w, float[] bias) {
        static Inputs of(ConvShape s, long seed) {
            return new Inputs(Data.uniform(seed, Dims.size(s.inputShape())), Data.uniform(seed + 1, Dims.size(s.weightShape())),
                    s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null);
        }
    }
}
