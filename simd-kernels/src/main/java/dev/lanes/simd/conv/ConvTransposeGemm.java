package dev.lanes.simd.conv;

import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * ConvTranspose over NHWC by GEMM + col2im, one input row at a time: for input row (n, iz, iy) and
 * group g, {@code cols (W × taps·Mg) = X_row (W × Cg) · B_g (Cg × taps·Mg)} with B_g the group's
 * weights packed once, then each {@code cols[ix][tap]} (Mg channels) is added into the output pixel
 * that input pixel ix and the tap reach, {@code o = i·stride - padBegin + k·dilation}, when it lies
 * in the output. Bias, residual and activation follow in one pass over the finished rows.
 *
 * <pre>
 *   B_g row ci:  | tap 0: m0 .. mMg-1 | tap 1: m0 .. | ... | tap T-1 ... |    (= W[g·Cg + ci][m][tap])
 * </pre>
 *
 * Threads own disjoint ranges of output rows ((n, oz, oy) pairs); each walks, in ascending order,
 * every input row that reaches one of its rows (recomputing the GEMM of a row shared with a
 * neighbour) and adds only into its own rows. An output element therefore receives its terms in the
 * same order whatever the split: results are bit-identical for any thread count.
 */
public final class ConvTransposeGemm {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    private static final long MIN_MACS_PER_SHARE = 1 << 17;

    private final Geometry g;
    private final int batch, cin, cout, groups, cinG, coutG, taps;
    private final PackedB[] packed;
    private final float[] bias;
    private final Activation act;

    /**
     * Per group, PackedGemm's B of Cg rows by taps·Mg columns: {@code B[ci][tap·Mg + co] = W[grp·Cg + ci][co][tap]}.
     * A copy, so exact; depends on the weights' shape only (every input size of the layer shares it).
     */
    private record GroupPanels(int groups, int cinG, int coutG, int taps) implements ConvWeights.GemmPanels {
        @Override
        public PackedB[] pack(float[] w, int wOff) {
            PackedB[] packed = new PackedB[groups];
            int n = taps * coutG;
            float[] bm = new float[cinG * n];
            for (int grp = 0; grp < groups; grp++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int src = wOff + (grp * cinG + ci) * coutG * taps;
                    for (int co = 0; co < coutG; co++) {
                        for (int t = 0; t < taps; t++) bm[ci * n + t * coutG + co] = w[src + co * taps + t];
                    }
                }
                packed[grp] = PackedGemm.packB(cinG, n, bm, 0, n, false);
            }
            return packed;
        }

        @Override
        public boolean exact() {
            return true;
        }

        @Override
        public void unpack(PackedB[] packed, float[] dst) {
            for (int grp = 0; grp < groups; grp++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int d = (grp * cinG + ci) * coutG * taps;
                    for (int co = 0; co < coutG; co++) {
                        for (int t = 0; t < taps; t++) dst[d + co * taps + t] = packed[grp].get(ci, t * coutG + co);
                    }
                }
            }
        }
    }

    /** Prepares over {@code w} ({@code [C, M/group, k…]}), taking its packed form from the holder (shared by input sizes). */
    public ConvTransposeGemm(ConvTransposeShape s, ConvWeights w, float[] b, int bOff, Activation act) {
        // the output plays the input's part in Geometry: "in" = ConvTranspose's output, "out" = its input
        this.g = Geometry.of(s.outSpatial(), s.inSpatial(), s.kernel(), s.strides(), s.dilations(), s.padsBegin());
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        this.groups = s.groups();
        this.cinG = s.inChannelsPerGroup();
        this.coutG = s.outChannelsPerGroup();
        this.taps = s.kernelSize();
        this.packed = w.form(new GroupPanels(groups, cinG, coutG, taps));
        this.bias = DepthwiseConvGeneric.packBias(s.hasBias() ? b : null, bOff, cout);
        this.act = act;
    }

    /**
     * Y (NHWC, the transposed convolution's output) from X (NHWC, its input); {@code res}, when not
     * null, shaped like Y, added before the activation.
     */
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        // in Geometry terms: g.in* is Y's extent, g.out* is X's
        int outRowsPerImage = g.inD() * g.inH();
        int rows = batch * outRowsPerImage;
        if (rows == 0) return;
        long macs = (long) batch * g.outPixels() * cin * coutG * taps;
        parallel.forRange(rows, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (r0, r1) -> rows(x, xOff, y, yOff, res, resOff, r0, r1));
    }

    private void rows(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int r0, int r1) {
        int ow = g.inW(), outRowsPerImage = g.inD() * g.inH();
        int rowLen = ow * cout;
        java.util.Arrays.fill(y, yOff + r0 * rowLen, yOff + r1 * rowLen, 0f);
        int n = taps * coutG;
        float[] cols = ConvScratch.get(ConvScratch.COLS, (long) g.outW() * n);
        int inRowsPerImage = g.outD() * g.outH();
        int nFirst = r0 / outRowsPerImage, nLast = (r1 - 1) / outRowsPerImage;
        for (int img = nFirst; img <= nLast; img++) {
            for (int ir = 0; ir < inRowsPerImage; ir++) {
                int iz = ir / g.outH(), iy = ir % g.outH();
                if (!reaches(img, iz, iy, r0, r1)) continue;
                int xRow = xOff + ((img * inRowsPerImage + ir) * g.outW()) * cin;
                for (int grp = 0; grp < groups; grp++) {
                    PackedGemm.gemm(g.outW(), n, cinG, x, xRow + grp * cinG, cin, false, 1f, packed[grp], cols, 0, n, 0f,
                            Epilogue.NONE, Parallel.callerOnly());
                    scatter(cols, y, yOff, img, iz, iy, grp, r0, r1);
                }
            }
        }
        epilogue(y, yOff, res, resOff, r0, r1);
    }

    /** True when input row (iz, iy) of image img adds into an output row in [r0, r1). */
    private boolean reaches(int img, int iz, int iy, int r0, int r1) {
        int outRowsPerImage = g.inD() * g.inH();
        for (int kz = 0; kz < g.kD(); kz++) {
            int oz = iz * g.strideD() - g.padD() + kz * g.dilD();
            if (oz < 0 || oz >= g.inD()) continue;
            for (int ky = 0; ky < g.kH(); ky++) {
                int oy = iy * g.strideH() - g.padT() + ky * g.dilH();
                if (oy < 0 || oy >= g.inH()) continue;
                int r = img * outRowsPerImage + oz * g.inH() + oy;
                if (r >= r0 && r < r1) return true;
            }
        }
        return false;
    }

    private void scatter(float[] cols, float[] y, int yOff, int img, int iz, int iy, int grp, int r0, int r1) {
        int outRowsPerImage = g.inD() * g.inH(), n = taps * coutG;
        for (int kz = 0; kz < g.kD(); kz++) {
            int oz = iz * g.strideD() - g.padD() + kz * g.dilD();
            if (oz < 0 || oz >= g.inD()) continue;
            for (int ky = 0; ky < g.kH(); ky++) {
                int oy = iy * g.strideH() - g.padT() + ky * g.dilH();
                if (oy < 0 || oy >= g.inH()) continue;
                int r = img * outRowsPerImage + oz * g.inH() + oy;
                if (r < r0 || r >= r1) continue;
                int yRow = yOff + r * g.inW() * cout + grp * coutG;
                for (int ix = 0; ix < g.outW(); ix++) {
                    int ox0 = ix * g.strideW() - g.padL();
                    for (int kx = 0; kx < g.kW(); kx++) {
                        int ox = ox0 + kx * g.dilW();
                        if (ox < 0 || ox >= g.inW()) continue;
                        int src = ix * n + ((kz * g.kH() + ky) * g.kW() + kx) * coutG;
                        int dst = yRow + ox * cout;
                        for (int co = 0; co < coutG; co += L) {
                            VectorMask<Float> m = S.indexInRange(co, coutG);
                            FloatVector.fromArray(S, y, dst + co, m).add(FloatVector.fromArray(S, cols, src + co, m)).intoArray(y, dst + co, m);
                        }
                    }
                }
            }
        }
    }

    private void epilogue(float[] y, int yOff, float[] res, int resOff, int r0, int r1) {
        int rowLen = g.inW() * cout;
        for (int r = r0; r < r1; r++) {
            for (int px = 0; px < g.inW(); px++) {
                int o = r * rowLen + px * cout;
                for (int co = 0; co < cout; co += L) {
                    VectorMask<Float> m = S.indexInRange(co, cout);
                    FloatVector v = FloatVector.fromArray(S, y, yOff + o + co, m).add(FloatVector.fromArray(S, bias, co));
                    if (res != null) v = v.add(FloatVector.fromArray(S, res, resOff + o + co, m));
                    v.intoArray(y, yOff + o + co, m);
                }
            }
            // the activation on the finished row (in L1), one loop per kind: see Activation#applyInPlace
            act.applyInPlace(y, yOff + r * rowLen, rowLen);
        }
    }
}
