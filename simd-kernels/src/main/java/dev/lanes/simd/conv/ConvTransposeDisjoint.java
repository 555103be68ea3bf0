package dev.lanes.simd.conv;

import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * ConvTranspose whose patches do not overlap — every kernel extent at most its stride, dilation 1,
 * 1-D or 2-D — run directly on NCHW. Then each output pixel receives at most one tap, from input
 * pixel {@code i = (o + padBegin) / stride} and tap {@code (o + padBegin) % stride}: the op is a
 * 1x1 convolution to {@code M·kh·kw} "columns" followed by a pixel shuffle, with no col2im sum.
 * (The DB head of PaddleOCR's detector upsamples with 2x2 stride-2 transposed convolutions: there
 * the GEMM + col2im path pays for reorders, a GEMM of N = 4·M that is mostly padding when M is 1,
 * and a masked scatter per pixel.)
 *
 * <p>Vectorised along the input row (NCHW rows are contiguous): for input row (n, iy), a tile of 4
 * columns × up to 4 vectors of input pixels accumulates {@code Σ_ci W[ci][col] · x[n][ci][iy][ix]}
 * in registers, one x load feeding 4 FMAs; the tile is stored to a per-thread scratch and written
 * out with the bias: for the common stride-2 / kernel-2 pair of columns (kx = 0, 1) as two
 * interleaved vectors, else element by element. Residual and activation follow as a pass over each
 * output row once its last column is written ({@link ConvEpilogue}), while the row is in cache: an
 * activation call inside the tile loops is the JIT-slowdown pattern the other kernels removed. Columns are
 * {@code col = (m·kh + ky)·kw + kx} per group, padded to a multiple of 4 within each group so that
 * a tile reads one group's input channels.
 *
 * <p>Threads own disjoint sets of input rows, hence of output pixels, and each pixel's sum runs over
 * ci in ascending order whatever the split: results are bit-identical for any thread count. Output
 * pixels that no tap reaches (kernel smaller than the stride, output_padding, negative pads) get
 * B from a pass before the main one, whose row pass then adds the residual and applies the activation
 * once over the whole row; rows no input row reaches get {@code act(B + residual)} in that first pass.
 */
public final class ConvTransposeDisjoint {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Columns per tile and vectors of input pixels per tile. */
    private static final int COLS = 4, VECS = 4;
    private static final long MIN_MACS_PER_SHARE = 1 << 16;
    /** Interleave of two vectors a, b: lanes a0 b0 a1 b1 … (low half) and the same from the upper halves. */
    private static final VectorShuffle<Float> ZIP_LO = zip(0), ZIP_HI = zip(L / 2);

    private final int batch, cin, cout, groups, cinG, coutG;
    private final int ih, iw, oh, ow, kh, kw, sh, sw, padT, padL;
    /** Column tiles: the group each reads, and the packed weights {@code [tile][ci of group][4]}. */
    private final int tiles, tilesPerGroup;
    private final float[] packed;
    /** Per column (tile·4 + j): output channel, ky, kx; channel -1 for a padding column. */
    private final int[] colChannel, colKy, colKx;
    private final float[] bias;
    private final Activation act;
    private final boolean fullyCovered;

    /**
     * Column tiles of 4 per group, {@code packed[(tile·Cg + ci)·4 + j]} = W[g·Cg + ci][m][ky][kx] for column
     * {@code tile·4 + j} = {@code (m·kh + ky)·kw + kx} of its group (padding columns 0). A copy, so exact; depends on
     * the weights' shape only.
     */
    private record Tiles(int groups, int cinG, int coutG, int kh, int kw) implements ConvWeights.Reordering {
        int tilesPerGroup() {
            return (coutG * kh * kw + COLS - 1) / COLS;
        }

        /** Index in the packed array of W's element (g, ci, column c of the group). */
        private int at(int g, int ci, int c) {
            int col = g * tilesPerGroup() * COLS + c;
            return (col / COLS * cinG + ci) * COLS + col % COLS;
        }

        @Override
        public float[] pack(float[] w, int wOff) {
            int cols = coutG * kh * kw;
            float[] packed = new float[groups * tilesPerGroup() * cinG * COLS];
            for (int g = 0; g < groups; g++) {
                for (int ci = 0; ci < cinG; ci++) {
                    // ONNX W[C][M/group][kh][kw]: a group's row ci is its columns in order
                    int src = wOff + (g * cinG + ci) * cols;
                    for (int c = 0; c < cols; c++) packed[at(g, ci, c)] = w[src + c];
                }
            }
            return packed;
        }

        @Override
        public void unpack(float[] packed, float[] dst) {
            int cols = coutG * kh * kw;
            for (int g = 0; g < groups; g++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int d = (g * cinG + ci) * cols;
                    for (int c = 0; c < cols; c++) dst[d + c] = packed[at(g, ci, c)];
                }
            }
        }
    }

    /** Prepares over {@code w} ({@code [C, M/group, kh, kw]}), taking its tiles from the holder (shared by input sizes). */
    public ConvTransposeDisjoint(ConvTransposeShape s, ConvWeights w, float[] b, int bOff, Activation act) {
        if (!supports(s)) throw new IllegalArgumentException("ConvTransposeDisjoint needs kernel ≤ stride, dilation 1, 1-D or 2-D: " + s);
        boolean twoD = s.spatialRank() == 2;
        int[] in = s.inSpatial(), out = s.outSpatial(), k = s.kernel(), st = s.strides(), pb = s.padsBegin();
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        this.groups = s.groups();
        this.cinG = s.inChannelsPerGroup();
        this.coutG = s.outChannelsPerGroup();
        this.ih = twoD ? in[0] : 1;
        this.iw = in[twoD ? 1 : 0];
        this.oh = twoD ? out[0] : 1;
        this.ow = out[twoD ? 1 : 0];
        this.kh = twoD ? k[0] : 1;
        this.kw = k[twoD ? 1 : 0];
        this.sh = twoD ? st[0] : 1;
        this.sw = st[twoD ? 1 : 0];
        this.padT = twoD ? pb[0] : 0;
        this.padL = pb[twoD ? 1 : 0];
        int colsPerGroup = coutG * kh * kw;
        this.tilesPerGroup = (colsPerGroup + COLS - 1) / COLS;
        this.tiles = groups * tilesPerGroup;
        this.packed = w.form(new Tiles(groups, cinG, coutG, kh, kw));
        this.colChannel = new int[tiles * COLS];
        this.colKy = new int[tiles * COLS];
        this.colKx = new int[tiles * COLS];
        java.util.Arrays.fill(colChannel, -1);
        for (int g = 0; g < groups; g++) {
            for (int c = 0; c < colsPerGroup; c++) {
                int col = g * tilesPerGroup * COLS + c;
                colChannel[col] = g * coutG + c / (kh * kw);
                colKy[col] = c % (kh * kw) / kw;
                colKx[col] = c % kw;
            }
        }
        this.bias = new float[cout];
        if (s.hasBias()) System.arraycopy(b, bOff, bias, 0, cout);
        this.act = act;
        this.fullyCovered = covers(oh, ih, kh, sh, padT) && covers(ow, iw, kw, sw, padL);
    }

    /** Kernel ≤ stride and dilation 1 on every axis, 1 or 2 spatial axes. */
    public static boolean supports(ConvTransposeShape s) {
        if (s.spatialRank() > 2) return false;
        for (int i = 0; i < s.spatialRank(); i++) {
            if (s.kernel()[i] > s.strides()[i] || s.dilations()[i] != 1) return false;
        }
        return true;
    }

    /** True when every output position along an axis gets a tap: {@code (o + pad) / s < in} and {@code (o + pad) % s < k}. */
    private static boolean covers(int out, int in, int k, int s, int pad) {
        for (int o = 0; o < out; o++) {
            int p = o + pad;
            if (p < 0 || p / s >= in || p % s >= k) return false;
        }
        return true;
    }

    private static VectorShuffle<Float> zip(int from) {
        int[] idx = new int[L];
        for (int j = 0; j < L / 2; j++) {
            idx[2 * j] = from + j;
            idx[2 * j + 1] = from + j - L; // negative: lane from + j of the second vector
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    /** Y (NCHW) from X (NCHW); {@code res}, when not null, shaped like Y, added before the activation. */
    public void runNchw(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        if (batch == 0) return;
        int outPlane = oh * ow;
        if (!fullyCovered) {
            // pixels no tap reaches: B in the rows some input row reaches (that row's pass adds the residual and the
            // activation over the whole row), act(B + residual) in rows none reaches
            parallel.forRange(batch * cout * oh, 1, parallel.sharesFor((long) batch * cout * outPlane, 1 << 16), (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    int o = yOff + p * ow;
                    java.util.Arrays.fill(y, o, o + ow, bias[p / oh % cout]);
                    if (!reached(p % oh)) ConvEpilogue.finish(y, o, res, resOff + p * ow, ow, act);
                }
            });
        }
        int rows = batch * ih;
        long macs = (long) rows * iw * cinG * tiles * COLS;
        parallel.forRange(rows, 1, parallel.sharesFor(macs, MIN_MACS_PER_SHARE), (r0, r1) -> {
            float[] tile = ConvScratch.get(ConvScratch.TILE, (long) COLS * VECS * L);
            for (int r = r0; r < r1; r++) row(x, xOff, y, yOff, res, resOff, r / ih, r % ih, tile);
        });
    }

    /**
     * Y (NHWC) from X (NHWC): reordered to NCHW around {@link #runNchw} (the graph runs ConvTranspose
     * on NCHW; this entry keeps the operator's two layouts).
     */
    public void runNhwc(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        if (batch == 0) return;
        int inPix = ih * iw, outPix = oh * ow;
        long out = (long) batch * cout * outPix;
        float[] xs = ConvScratch.get(ConvScratch.NHWC_IN, (long) batch * cin * inPix);
        float[] ys = ConvScratch.get(ConvScratch.NHWC_OUT, out);
        Layouts.toNchw(x, xOff, batch, cin, inPix, xs, 0, parallel);
        float[] rs = null;
        if (res != null) {
            rs = ConvScratch.get(ConvScratch.NHWC_RES, out);
            Layouts.toNchw(res, resOff, batch, cout, outPix, rs, 0, parallel);
        }
        runNchw(xs, 0, ys, 0, rs, 0, parallel);
        Layouts.toNhwc(ys, 0, batch, cout, outPix, y, yOff, parallel);
    }

    /** Every output pixel that input row (n, iy) reaches. */
    private void row(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int n, int iy, float[] tile) {
        int plane = ih * iw;
        for (int t = 0; t < tiles; t++) {
            int g = t / tilesPerGroup;
            int xo = xOff + (n * cin + g * cinG) * plane + iy * iw, wo = t * cinG * COLS;
            int ix = 0;
            for (; ix + VECS * L <= iw; ix += VECS * L) {
                tile4(x, xo + ix, plane, packed, wo, cinG, tile);
                write(tile, VECS * L, VECS * L, t, n, iy, ix, y, yOff);
            }
            for (; ix < iw; ix += L) {
                VectorMask<Float> m = S.indexInRange(ix, iw);
                tile1(x, xo + ix, plane, packed, wo, cinG, m, tile);
                write(tile, L, Math.min(L, iw - ix), t, n, iy, ix, y, yOff);
            }
            finishRows(t, n, iy, y, yOff, res, resOff);
        }
    }

    /**
     * The residual and the activation over the output rows whose last column (kx = kw - 1) is in tile
     * {@code t}: every pixel of such a row (n, m, iy·sh - padT + ky) is final once this input row's pass has
     * done that tile — taps written by {@link #write}, pixels no tap reaches prefilled with B.
     */
    private void finishRows(int t, int n, int iy, float[] y, int yOff, float[] res, int resOff) {
        for (int j = 0; j < COLS; j++) {
            int col = t * COLS + j, m = colChannel[col];
            if (m < 0 || colKx[col] != kw - 1) continue;
            int oy = iy * sh - padT + colKy[col];
            if (oy < 0 || oy >= oh) continue;
            int rowOff = ((n * cout + m) * oh + oy) * ow;
            ConvEpilogue.finish(y, yOff + rowOff, res, resOff + rowOff, ow, act);
        }
    }

    /** True when some input row's taps reach output row {@code oy}. */
    private boolean reached(int oy) {
        int p = oy + padT;
        return p >= 0 && p / sh < ih && p % sh < kh;
    }

    /**
     * The 4 columns × 4 vectors tile at x[xo + ci·plane + v·L]: {@code tile[j·4L + v·L + l]} =
     * Σ_ci w[wo + ci·4 + j] · x[xo + ci·plane + v·L + l].
     */
    private static void tile4(float[] x, int xo, int plane, float[] w, int wo, int k, float[] tile) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int ci = 0, xi = xo, wi = wo; ci < k; ci++, xi += plane, wi += COLS) {
            FloatVector x0 = FloatVector.fromArray(S, x, xi), x1 = FloatVector.fromArray(S, x, xi + L);
            FloatVector x2 = FloatVector.fromArray(S, x, xi + 2 * L), x3 = FloatVector.fromArray(S, x, xi + 3 * L);
            FloatVector w0 = FloatVector.broadcast(S, w[wi]);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            a02 = x2.fma(w0, a02);
            a03 = x3.fma(w0, a03);
            FloatVector w1 = FloatVector.broadcast(S, w[wi + 1]);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            a12 = x2.fma(w1, a12);
            a13 = x3.fma(w1, a13);
            FloatVector w2 = FloatVector.broadcast(S, w[wi + 2]);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            a22 = x2.fma(w2, a22);
            a23 = x3.fma(w2, a23);
            FloatVector w3 = FloatVector.broadcast(S, w[wi + 3]);
            a30 = x0.fma(w3, a30);
            a31 = x1.fma(w3, a31);
            a32 = x2.fma(w3, a32);
            a33 = x3.fma(w3, a33);
        }
        int r = VECS * L;
        a00.intoArray(tile, 0);
        a01.intoArray(tile, L);
        a02.intoArray(tile, 2 * L);
        a03.intoArray(tile, 3 * L);
        a10.intoArray(tile, r);
        a11.intoArray(tile, r + L);
        a12.intoArray(tile, r + 2 * L);
        a13.intoArray(tile, r + 3 * L);
        a20.intoArray(tile, 2 * r);
        a21.intoArray(tile, 2 * r + L);
        a22.intoArray(tile, 2 * r + 2 * L);
        a23.intoArray(tile, 2 * r + 3 * L);
        a30.intoArray(tile, 3 * r);
        a31.intoArray(tile, 3 * r + L);
        a32.intoArray(tile, 3 * r + 2 * L);
        a33.intoArray(tile, 3 * r + 3 * L);
    }

    /** The 4 columns × 1 vector tile, lanes outside {@code m} read as zero: {@code tile[j·L + l]}. */
    private static void tile1(float[] x, int xo, int plane, float[] w, int wo, int k, VectorMask<Float> m, float[] tile) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int ci = 0, xi = xo, wi = wo; ci < k; ci++, xi += plane, wi += COLS) {
            FloatVector v = FloatVector.fromArray(S, x, xi, m);
            a0 = v.fma(FloatVector.broadcast(S, w[wi]), a0);
            a1 = v.fma(FloatVector.broadcast(S, w[wi + 1]), a1);
            a2 = v.fma(FloatVector.broadcast(S, w[wi + 2]), a2);
            a3 = v.fma(FloatVector.broadcast(S, w[wi + 3]), a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
    }

    /**
     * Writes tile {@code t}'s columns for input pixels {@code [ix, ix + valid)} of row (n, iy); each
     * column is {@code stride} floats apart in the scratch. Output pixel of column (m, ky, kx) and
     * input pixel i: row {@code iy·sh - padT + ky}, column {@code i·sw - padL + kx}.
     */
    private void write(float[] tile, int stride, int valid, int t, int n, int iy, int ix, float[] y, int yOff) {
        for (int j = 0; j < COLS; j++) {
            int col = t * COLS + j, m = colChannel[col];
            if (m < 0) continue;
            int oy = iy * sh - padT + colKy[col];
            if (oy < 0 || oy >= oh) continue;
            int rowOff = ((n * cout + m) * oh + oy) * ow;
            float b = bias[m];
            int kx = colKx[col];
            int src = j * stride;
            if (sw == 2 && kw == 2 && kx == 0 && j + 1 < COLS && colChannel[col + 1] == m && colKx[col + 1] == 1) {
                // kx = 0 and 1 of one (m, ky): two interleaved vectors per vector of input pixels
                writePair(tile, src, src + stride, valid, b, ix, y, yOff + rowOff);
                j++;
                continue;
            }
            for (int i = 0; i < valid; i++) {
                int ox = (ix + i) * sw - padL + kx;
                if (ox < 0 || ox >= ow) continue;
                y[yOff + rowOff + ox] = tile[src + i] + b;
            }
        }
    }

    /** Columns kx = 0 (at a) and kx = 1 (at b) of stride 2: output pixels 2i - padL and 2i + 1 - padL. */
    private void writePair(float[] tile, int a, int b, int valid, float bias, int ix, float[] y, int yRow) {
        for (int v = 0; v < valid; v += L) {
            int ox = 2 * (ix + v) - padL;
            if (v + L <= valid && ox >= 0 && ox + 2 * L <= ow) {
                FloatVector p = FloatVector.fromArray(S, tile, a + v), q = FloatVector.fromArray(S, tile, b + v);
                p.rearrange(ZIP_LO, q).add(bias).intoArray(y, yRow + ox);
                p.rearrange(ZIP_HI, q).add(bias).intoArray(y, yRow + ox + L);
                continue;
            }
            for (int i = v; i < Math.min(valid, v + L); i++) {
                for (int kx = 0; kx < 2; kx++) {
                    int o = 2 * (ix + i) - padL + kx;
                    if (o < 0 || o >= ow) continue;
                    y[yRow + o] = tile[(kx == 0 ? a : b) + i] + bias;
                }
            }
        }
    }
}
