package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution with channel multiplier 1 over 1-D or 2-D NHWC maps, any kernel, stride,
 * dilation and padding, with no border code path: the input rows an output band needs are first
 * copied into a per-thread band with their left and right zero padding, so every horizontal tap is
 * an unmasked load; rows above and below the input are left out by restricting each output row to
 * the kernel rows that fall inside (on small maps such as 3x96 under a 5x5 kernel every row is a
 * border row, which is why no "interior" fast path is enough there).
 *
 * <h2>Units and phases</h2>
 * An output row is cut into <em>units</em> of {@code m} pixels, each unit {@code phases} vectors:
 * <ul>
 *   <li><b>flat</b> (stride 1 along the width, and a channel pattern of at most {@link #MAX_FLAT_PHASES}
 *       vectors): the row is treated as one flat run of {@code ow·C} floats, so vectors span pixels
 *       and no lane is wasted when C is not a multiple of the vector length (8 channels use all 16
 *       lanes at 512 bits). The weight a lane needs repeats every {@code lcm(C, L)} floats: a unit is
 *       that period ({@code m = lcm/C} pixels), and vector p of every unit uses the same weights.
 *       Output float {@code i} reads band float {@code i + tap·dil·C}.</li>
 *   <li><b>blocked</b> (otherwise): a unit is one pixel, vector p holds channels {@code [pL, pL+L)};
 *       the band stores each pixel in {@code cp} floats (C rounded up to whole vectors) so loads
 *       never need a mask, and the last vector's store is masked when C is not a multiple of L.</li>
 * </ul>
 * Weights are packed once per phase and tap, {@code wt[tap][phases·L]} (lane {@code j} of the
 * unit holds channel {@code j mod C}; blocked: zero past C):
 * <pre>
 *   tap 0: | phase 0 (L floats) | phase 1 | ... |     flat C=24, L=16: | c0..c15 | c16..c23 c0..c7 | c8..c23 |
 *   tap 1: | ...                                |
 * </pre>
 *
 * <h2>Kernels</h2>
 * A strip is 4 units of one phase: per kernel row, the row's taps are summed per output (a product,
 * then FMAs) and added to the accumulator, so the 4 outputs × the rows in flight keep both FMA
 * ports busy without long dependency chains; the row's weights are loaded once per strip and
 * kernel row. {@link DepthwiseConv3x3} and {@link DepthwiseConv5x5} unroll rows of 3 and 5 taps
 * (sharing input loads between neighbouring outputs when a unit step equals the tap step); other
 * widths loop. Leftover units and masked vectors go one at a time through the same arithmetic in
 * the same order. Residual is added in the kernels; the activation runs afterwards over the block
 * just written ({@link Activation#applyInPlace}), never inside the FMA loops.
 *
 * <p>Every output is computed by the same code whatever the split over threads (splits fall on
 * rows and on whole strips), so results are bit-identical for any thread count.
 */
final class DepthwiseBand {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Units per strip. */
    static final int STRIP = 4;
    /** Most vectors in a flat unit: keeps the weight table of a 5x5 kernel within ~13 KB at 512 bits. */
    static final int MAX_FLAT_PHASES = 8;
    /** Target size of one band of padded input rows (floats): a band stays in L2 while its output rows are computed. */
    private static final int BAND_FLOATS = 1 << 15;
    /** Target size of a chunk of output (floats): the residual and activation pass over it while it is in L1. */
    private static final int CHUNK_FLOATS = 1 << 12;

    private final Geometry g;
    private final int c;
    private final boolean flat;
    /** Floats per pixel in the band, pixels per unit, floats per unit in the output and in the band, floats per horizontal tap. */
    private final int cs, m, unitOut, unitIn, tapStep;
    private final int phases, tapRow, units, fullUnits, chunkUnits;
    /** Pixels per padded band row, floats per band row. */
    private final int wp, rowLen;
    private final float[] wt, bt;

    /** Packs weights {@code [C, 1, kH, kW]} and the bias (null for none) for geometry {@code g} (2-D or 1-D, depth 1). */
    DepthwiseBand(Geometry g, int c, float[] w, int wOff, float[] bias, int bOff) {
        if (!g.isTwoD()) throw new IllegalArgumentException("DepthwiseBand handles 1-D and 2-D maps, got " + g);
        this.g = g;
        this.c = c;
        int lcm = lcm(c, L);
        this.flat = g.strideW() == 1 && lcm / L <= MAX_FLAT_PHASES;
        int cp = DepthwiseConvGeneric.paddedChannels(c);
        this.cs = flat ? c : cp;
        this.m = flat ? lcm / c : 1;
        this.unitOut = m * c;
        this.unitIn = flat ? lcm : g.strideW() * cp;
        this.tapStep = g.dilW() * cs;
        this.phases = flat ? lcm / L : cp / L;
        this.tapRow = phases * L;
        this.units = (g.outW() + m - 1) / m;
        this.fullUnits = g.outW() / m;
        this.chunkUnits = Math.max(STRIP, CHUNK_FLOATS / unitOut / STRIP * STRIP);
        this.wp = Math.max(g.padL() + g.inW(), (g.outW() - 1) * g.strideW() + (g.kW() - 1) * g.dilW() + 1);
        this.rowLen = wp * cs;
        int taps = g.taps();
        this.wt = new float[taps * tapRow];
        this.bt = new float[tapRow];
        for (int j = 0; j < tapRow; j++) {
            int ch = j % c;
            boolean lane = flat || j < c;
            if (!lane) continue;
            for (int t = 0; t < taps; t++) wt[t * tapRow + j] = w[wOff + ch * taps + t];
            if (bias != null) bt[j] = bias[bOff + ch];
        }
    }

    /** Output units of a row (the column count a caller splits on, in multiples of {@link #STRIP}). */
    int units() {
        return units;
    }

    /**
     * Output rows {@code [oy0, oy1)}, units {@code [u0, u1)} of one image: X NHWC at {@code xOff}
     * ({@code [inH][inW][C]}), Y (and the residual, null for none) NHWC at {@code yOff} ({@code resOff}).
     * {@code u0} is a multiple of {@link #STRIP}.
     */
    void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Activation act, int oy0, int oy1, int u0, int u1) {
        int rowsPerBand = Math.max(1, BAND_FLOATS / Math.max(1, rowLen * g.strideH()));
        for (int a = oy0; a < oy1; a += rowsPerBand) {
            int b = Math.min(oy1, a + rowsPerBand);
            int iyLo = Math.max(0, a * g.strideH() - g.padT());
            int iyHi = Math.min(g.inH(), (b - 1) * g.strideH() - g.padT() + (g.kH() - 1) * g.dilH() + 1);
            float[] band = ConvScratch.get(ConvScratch.BAND, (long) Math.max(0, iyHi - iyLo) * rowLen + unitIn + tapRow);
            for (int iy = iyLo; iy < iyHi; iy++) copyRow(x, xOff + iy * g.inW() * c, band, (iy - iyLo) * rowLen);
            for (int oy = a; oy < b; oy++) row(band, iyLo, y, yOff, res, resOff, act, oy, u0, u1);
        }
    }

    /** One input row into the band: left padding zeros, the pixels (each {@code cs} floats), right padding zeros. */
    private void copyRow(float[] x, int xo, float[] band, int bo) {
        int left = g.padL() * cs, inW = g.inW();
        java.util.Arrays.fill(band, bo, bo + left, 0f);
        if (cs == c) {
            System.arraycopy(x, xo, band, bo + left, inW * c);
        } else {
            // lanes past C of each pixel only ever reach masked output lanes: left as they are
            for (int ix = 0; ix < inW; ix++) System.arraycopy(x, xo + ix * c, band, bo + left + ix * cs, c);
        }
        java.util.Arrays.fill(band, bo + left + inW * cs, bo + rowLen, 0f);
    }

    /** Output row {@code oy}, units {@code [u0, u1)}: chunks of whole strips, then leftover units one vector at a time. */
    private void row(float[] band, int iyLo, float[] y, int yOff, float[] res, int resOff, Activation act, int oy, int u0, int u1) {
        int iy0 = oy * g.strideH() - g.padT();
        int ky0 = DepthwiseConvGeneric.firstTap(iy0, g.dilH()), ky1 = DepthwiseConvGeneric.endTap(iy0, g.dilH(), g.kH(), g.inH());
        int nky = Math.max(0, ky1 - ky0), kW = g.kW();
        int xRow = nky == 0 ? 0 : (iy0 + ky0 * g.dilH() - iyLo) * rowLen, rowStep = g.dilH() * rowLen;
        int wRow = ky0 * kW * tapRow;
        int n = g.outW() * c, yRow = yOff + oy * n, rRow = resOff + oy * n;
        boolean shared = unitIn == tapStep;
        int u = u0, stripEnd = u0 + Math.max(0, Math.min(u1, fullUnits) - u0) / STRIP * STRIP;
        while (u < stripEnd) {
            int e = Math.min(stripEnd, u + chunkUnits), count = (e - u) / STRIP;
            for (int p = 0; p < phases; p++) {
                int po = p * L, lanes = Math.min(L, unitOut - po);
                int xo = xRow + u * unitIn + po, wo = wRow + po, yo = yRow + u * unitOut + po;
                switch (kW) {
                    case 3 -> {
                        if (shared) DepthwiseConv3x3.stripsShared(band, xo, unitIn, rowStep, nky, wt, wo, tapRow, bt, po, y, yo, unitOut, count, lanes);
                        else DepthwiseConv3x3.strips(band, xo, unitIn, tapStep, rowStep, nky, wt, wo, tapRow, bt, po, y, yo, unitOut, count, lanes);
                    }
                    case 5 -> {
                        if (shared) DepthwiseConv5x5.stripsShared(band, xo, unitIn, rowStep, nky, wt, wo, tapRow, bt, po, y, yo, unitOut, count, lanes);
                        else DepthwiseConv5x5.strips(band, xo, unitIn, tapStep, rowStep, nky, wt, wo, tapRow, bt, po, y, yo, unitOut, count, lanes);
                    }
                    default -> stripsAnyWidth(band, xo, kW, unitIn, tapStep, rowStep, nky, wt, wo, tapRow, bt, po, y, yo, unitOut, count, lanes);
                }
            }
            ConvEpilogue.finish(y, yRow + u * unitOut, res, rRow + u * unitOut, (e - u) * unitOut, act);
            u = e;
        }
        for (; u < u1; u++) {
            for (int p = 0; p < phases; p++) vector(band, xRow, rowStep, nky, wRow, y, yRow, n, u, p);
            ConvEpilogue.finish(y, yRow + u * unitOut, res, rRow + u * unitOut, Math.min(unitOut, n - u * unitOut), act);
        }
    }

    /** Vector {@code p} of unit {@code u}, any kernel width, its store masked to the row and the channels. */
    private void vector(float[] band, int xRow, int rowStep, int nky, int wRow, float[] y, int yRow, int n, int u, int p) {
        int po = p * L, yo = yRow + u * unitOut + po;
        // Never a null mask: see DepthwiseConvGeneric (C2 once miscompiled "tail ? mask : null" there).
        VectorMask<Float> mask = S.indexInRange(po, Math.min(unitOut, n - u * unitOut));
        FloatVector acc = FloatVector.fromArray(S, bt, po);
        int xo = xRow + u * unitIn + po, wo = wRow + po, kW = g.kW();
        for (int k = 0; k < nky; k++, xo += rowStep, wo += kW * tapRow) {
            FloatVector r = FloatVector.fromArray(S, band, xo).mul(FloatVector.fromArray(S, wt, wo));
            for (int kx = 1; kx < kW; kx++) {
                r = FloatVector.fromArray(S, band, xo + kx * tapStep).fma(FloatVector.fromArray(S, wt, wo + kx * tapRow), r);
            }
            acc = acc.add(r);
        }
        acc.intoArray(y, yo, mask);
    }

    /** {@link DepthwiseConv3x3#strips} for kernel widths other than 3 and 5: the taps of a row in a loop. */
    private static void stripsAnyWidth(float[] b, int xo, int kW, int unitIn, int tapStep, int rowStep, int nky, float[] wt, int wo, int tapRow,
                                       float[] bt, int bo, float[] y, int yo, int unitOut, int count, int lanes) {
        FloatVector bias = FloatVector.fromArray(S, bt, bo);
        VectorMask<Float> m = S.indexInRange(0, lanes);
        for (int s = 0; s < count; s++) {
            FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias;
            int xs = xo + s * STRIP * unitIn;
            for (int k = 0; k < nky; k++) {
                int xk = xs + k * rowStep, wk = wo + k * kW * tapRow;
                FloatVector w = FloatVector.fromArray(S, wt, wk);
                FloatVector r0 = FloatVector.fromArray(S, b, xk).mul(w), r1 = FloatVector.fromArray(S, b, xk + unitIn).mul(w),
                        r2 = FloatVector.fromArray(S, b, xk + 2 * unitIn).mul(w), r3 = FloatVector.fromArray(S, b, xk + 3 * unitIn).mul(w);
                for (int kx = 1; kx < kW; kx++) {
                    int t = xk + kx * tapStep;
                    w = FloatVector.fromArray(S, wt, wk + kx * tapRow);
                    r0 = FloatVector.fromArray(S, b, t).fma(w, r0);
                    r1 = FloatVector.fromArray(S, b, t + unitIn).fma(w, r1);
                    r2 = FloatVector.fromArray(S, b, t + 2 * unitIn).fma(w, r2);
                    r3 = FloatVector.fromArray(S, b, t + 3 * unitIn).fma(w, r3);
                }
                a0 = a0.add(r0);
                a1 = a1.add(r1);
                a2 = a2.add(r2);
                a3 = a3.add(r3);
            }
            int yo4 = yo + s * STRIP * unitOut;
            a0.intoArray(y, yo4, m);
            a1.intoArray(y, yo4 + unitOut, m);
            a2.intoArray(y, yo4 + 2 * unitOut, m);
            a3.intoArray(y, yo4 + 3 * unitOut, m);
        }
    }

    private static int lcm(int a, int b) {
        int x = a, y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}
