package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;

/**
 * Convolution as packed GEMM over NHWC: output pixels are the rows (M), output channels of a group
 * the columns (N), {@code taps × input channels of the group} the reduced dimension (K). The
 * weights of each group are packed once as PackedGemm's B; bias (per column), residual and
 * activation ride in its fused epilogue.
 *
 * <ul>
 * <li>Pointwise (1x1, unit strides, no padding): A is the input feature map itself
 *     ({@code lda = C}), one GEMM for the whole batch — no copy.
 * <li>Anything else (any kernel, pads, strides, dilations, groups; 1-, 2- or 3-D): im2col of a block
 *     of output pixels into a per-thread buffer of about {@link #BLOCK_BYTES}, then the GEMM of that
 *     block — the whole im2col matrix never exists. A row of the block is, tap after tap, the
 *     group's input channels at that tap's pixel (zeros in the padding):
 * <pre>
 *   row r (output pixel):  | tap0: c0 .. cG-1 | tap1: c0 .. cG-1 | ... | tapT-1: ... |   (K = T·Cg floats)
 * </pre>
 *     With one group and unit dilation along W the kernel's taps of one row are adjacent input
 *     pixels, so each (kz, ky) row of taps is one contiguous copy of {@code kW·C} floats.
 * </ul>
 * Blocks have a fixed size, independent of the thread count: results are bit-identical for any
 * number of threads.
 */
public final class GemmConv implements ConvKernel {
    /** Target size of one im2col block: fits L2 together with the packed B panel being used. */
    static final int BLOCK_BYTES = 256 * 1024;

    private final Geometry g;
    private final int batch, cin, cout, groups, cinG, coutG, k;
    private final boolean pointwise;
    private final PackedB[] packed;
    private final Epilogue[] epilogues;
    private final int blockRows;

    /**
     * Per group, PackedGemm's B of K = taps·Cg rows by Mg columns: {@code B[tap·Cg + ci][co] = W[grp·Mg + co][ci][tap]}.
     * A copy, so exact; depends on the weights' shape only.
     */
    private record GroupPanels(int groups, int cinG, int coutG, int taps) implements ConvWeights.GemmPanels {
        @Override
        public PackedB[] pack(float[] w, int wOff) {
            int k = taps * cinG;
            PackedB[] packed = new PackedB[groups];
            float[] b = new float[k * coutG];
            for (int grp = 0; grp < groups; grp++) {
                for (int co = 0; co < coutG; co++) {
                    int src = wOff + (grp * coutG + co) * cinG * taps;
                    for (int ci = 0; ci < cinG; ci++) {
                        for (int t = 0; t < taps; t++) b[(t * cinG + ci) * coutG + co] = w[src + ci * taps + t];
                    }
                }
                packed[grp] = PackedGemm.packB(k, coutG, b, 0, coutG, false);
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
                for (int co = 0; co < coutG; co++) {
                    int d = (grp * coutG + co) * cinG * taps;
                    for (int ci = 0; ci < cinG; ci++) {
                        for (int t = 0; t < taps; t++) dst[d + ci * taps + t] = packed[grp].get(t * cinG + ci, co);
                    }
                }
            }
        }
    }

    /** Prepares {@code algorithm} (POINTWISE_GEMM or IM2COL_GEMM; the latter runs any shape, 1x1 included). */
    public GemmConv(ConvShape s, ConvWeights weights, float[] bias, int bOff, Activation act, ConvAlgorithm algorithm) {
        this.g = Geometry.of(s.inSpatial(), s.outSpatial(), s.kernel(), s.strides(), s.dilations(), s.padsBegin());
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        this.groups = s.groups();
        this.cinG = s.inChannelsPerGroup();
        this.coutG = s.outChannelsPerGroup();
        int taps = g.taps();
        this.k = taps * cinG;
        boolean unit = taps == 1 && allZero(s.padsBegin()) && allZero(s.padsEnd()) && allOne(s.strides());
        if (algorithm == ConvAlgorithm.POINTWISE_GEMM && !unit || algorithm != ConvAlgorithm.POINTWISE_GEMM && algorithm != ConvAlgorithm.IM2COL_GEMM) {
            throw new IllegalArgumentException("GemmConv cannot run " + s + " as " + algorithm);
        }
        this.pointwise = algorithm == ConvAlgorithm.POINTWISE_GEMM;
        this.packed = weights.form(new GroupPanels(groups, cinG, coutG, taps));
        this.epilogues = new Epilogue[groups];
        float[] biasCopy = s.hasBias() ? java.util.Arrays.copyOfRange(bias, bOff, bOff + cout) : null;
        for (int grp = 0; grp < groups; grp++) {
            Epilogue e = Epilogue.of(act);
            if (s.hasBias()) e = e.withBiasPerColumn(biasCopy, grp * coutG);
            epilogues[grp] = e;
        }
        int rows = BLOCK_BYTES / (4 * Math.max(1, k));
        this.blockRows = Math.max(12, Math.min(480, rows / 12 * 12));
    }

    private static boolean allZero(int[] a) {
        for (int v : a) if (v != 0) return false;
        return true;
    }

    private static boolean allOne(int[] a) {
        for (int v : a) if (v != 1) return false;
        return true;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return pointwise ? ConvAlgorithm.POINTWISE_GEMM : ConvAlgorithm.IM2COL_GEMM;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int rows = batch * g.outPixels();
        if (rows == 0) return;
        if (pointwise) {
            for (int grp = 0; grp < groups; grp++) {
                Epilogue e = res == null ? epilogues[grp] : epilogues[grp].withResidual(res, resOff + grp * coutG, cout);
                PackedGemm.gemm(rows, coutG, k, x, xOff + grp * cinG, cin, false, 1f, packed[grp],
                        y, yOff + grp * coutG, cout, 0f, e, parallel);
            }
            return;
        }
        int blocks = (rows + blockRows - 1) / blockRows;
        if (blocks >= 2 * parallel.threads()) {
            // enough blocks: one block per task, each GEMM on its own thread
            parallel.forRange(blocks, 1, (b0, b1) -> {
                for (int blk = b0; blk < b1; blk++) block(x, xOff, y, yOff, res, resOff, blk, Parallel.callerOnly());
            });
        } else {
            // few blocks (small layers): the GEMM inside each block takes the threads
            for (int blk = 0; blk < blocks; blk++) block(x, xOff, y, yOff, res, resOff, blk, parallel);
        }
    }

    private void block(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int blk, Parallel parallel) {
        int row0 = blk * blockRows, n = Math.min(blockRows, batch * g.outPixels() - row0);
        float[] a = ConvScratch.get(ConvScratch.IM2COL, (long) n * k);
        for (int grp = 0; grp < groups; grp++) {
            im2col(x, xOff, grp, row0, n, a);
            Epilogue e = res == null ? epilogues[grp]
                    : epilogues[grp].withResidual(res, resOff + row0 * cout + grp * coutG, cout);
            PackedGemm.gemm(n, coutG, k, a, 0, k, false, 1f, packed[grp], y, yOff + row0 * cout + grp * coutG, cout, 0f, e, parallel);
        }
    }

    /** Rows {@code [row0, row0+n)} of group {@code grp}'s im2col matrix into {@code a} (row stride K). */
    void im2col(float[] x, int xOff, int grp, int row0, int n, float[] a) {
        int outPix = g.outPixels(), inPix = g.inPixels();
        int oh = g.outH(), ow = g.outW(), ih = g.inH(), iw = g.inW(), id = g.inD();
        int kd = g.kD(), kh = g.kH(), kw = g.kW();
        boolean rowRuns = groups == 1 && g.dilW() == 1;
        for (int r = 0; r < n; r++) {
            int row = row0 + r;
            int img = row / outPix, p = row % outPix;
            int oz = p / (oh * ow), oy = p / ow % oh, ox = p % ow;
            int iz0 = oz * g.strideD() - g.padD(), iy0 = oy * g.strideH() - g.padT(), ix0 = ox * g.strideW() - g.padL();
            int base = xOff + img * inPix * cin + grp * cinG;
            int dst = r * k;
            for (int tz = 0; tz < kd; tz++) {
                int iz = iz0 + tz * g.dilD();
                for (int ty = 0; ty < kh; ty++) {
                    int iy = iy0 + ty * g.dilH();
                    if (iz < 0 || iz >= id || iy < 0 || iy >= ih) {
                        java.util.Arrays.fill(a, dst, dst + kw * cinG, 0f);
                        dst += kw * cinG;
                        continue;
                    }
                    int rowBase = base + (iz * ih + iy) * iw * cin;
                    if (rowRuns) {
                        int kx0 = Math.min(kw, DepthwiseConvGeneric.firstTap(ix0, 1));
                        int kx1 = Math.max(kx0, DepthwiseConvGeneric.endTap(ix0, 1, kw, iw));
                        java.util.Arrays.fill(a, dst, dst + kx0 * cin, 0f);
                        if (kx1 > kx0) System.arraycopy(x, rowBase + (ix0 + kx0) * cin, a, dst + kx0 * cin, (kx1 - kx0) * cin);
                        java.util.Arrays.fill(a, dst + kx1 * cin, dst + kw * cin, 0f);
                        dst += kw * cin;
                    } else {
                        for (int tx = 0; tx < kw; tx++) {
                            int ix = ix0 + tx * g.dilW();
                            if (ix < 0 || ix >= iw) java.util.Arrays.fill(a, dst, dst + cinG, 0f);
                            else System.arraycopy(x, rowBase + ix * cin, a, dst, cinG);
                            dst += cinG;
                        }
                    }
                }
            }
        }
    }
}
