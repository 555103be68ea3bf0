package dev.lanes.simd.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;

/**
 * 2-D 3x3 convolution with unit strides and dilations, one group, by Winograd F(2x2,3x3) or
 * F(4x4,3x3) over NHWC. Prepare transforms each filter once ({@code G g Gᵀ}) and packs, for each of
 * the α² transform positions, a Cin×Cout matrix as PackedGemm's B. Run walks blocks of output tiles:
 *
 * <ol>
 * <li>input transform of the block's tiles into V, laid out per position as a T×Cin matrix whose
 * rows are padded to whole vectors (cinP; the GEMM reads the first Cin of each, the transforms store
 * whole vectors):
 * <pre>
 *   V: | pos 0: tile 0 [c0..cin | pad to cinP) | tile 1 [..] | ... tile T-1 | pos 1: tile 0 ... | ... | pos α²-1 ... |
 * </pre>
 * <li>α² GEMMs {@code M[pos] (T×Cout) = V[pos] (T×Cin) · U[pos] (Cin×Cout)} (M's rows padded to coutP);
 * <li>output transform of M with the bias fused, straight into the output; then residual and
 * activation as a pass over each tile's output rows while they are in L1.
 * </ol>
 * The blocks are fixed by the shape, never by the thread count, so results are bit-identical for any
 * number of threads: at most about {@link #BLOCK_BYTES} of V and M each, an even number of them (so two
 * threads get equal shares) with edges on whole GEMM row tiles, sizes as equal as those allow (56² in
 * F(4x4) is 196 tiles: 24,36,36,36,36,28 — 96 and 100 per thread — not 36×5+16, 108 and 88). When the transformed weights
 * outgrow L2 and all tiles fit in a few MB (deep layers on small maps) the loops turn inside out:
 * every tile first, then one position at a time, so each U[pos] is read from memory once per run.
 */
public final class WinogradConv implements ConvKernel {
    static final int BLOCK_BYTES = 768 * 1024;
    /** Block edges fall on multiples of this many tiles (the wide GEMM micro-kernel's rows; a multiple of the narrow one's). */
    static final int BLOCK_GRAIN = 12;
    /** Transformed weights larger than this (half of L2) are streamed once per run, not once per block. */
    static final long WEIGHTS_IN_L2 = 1 << 20;
    /** Most bytes of V and M for all tiles at once, in the position-outer mode. */
    static final long WHOLE_BYTES = 6L << 20;
    private static final int L = VectorWidth.LANES;
    /** Bytes of one position's packed matrix below which each is its own array (half G1's smallest region). */
    static final long SEPARATE_BELOW = 512 * 1024;

    private final ConvAlgorithm algorithm;
    private final int m, alpha, positions;
    private final int batch, cin, cout, ih, iw, oh, ow, padT, padL, tilesY, tilesX, blockTiles;
    /** Block-mode partition: block b holds tiles {@code [blockStart(b), blockStart(b + 1))}, at most {@code blockTiles} of them. */
    private final int blocks, tileGrains;
    /** Row strides of V and M: the channel counts rounded up to whole vectors, so the transforms store whole vectors. */
    private final int cinP, coutP;
    /** Position-outer mode: all tiles transformed at once, then each position's GEMM with its U read once. */
    private final boolean whole;
    private final PackedB[] u;
    private final float[] bias;
    private final Activation act;

    public WinogradConv(ConvShape s, ConvWeights weights, float[] b, int bOff, Activation act, ConvAlgorithm algorithm) {
        if (!supports(s)) throw new IllegalArgumentException("Winograd needs a 2-D 3x3 conv, unit strides and dilations, one group: " + s);
        this.algorithm = algorithm;
        this.m = switch (algorithm) {
            case WINOGRAD_F2X3 -> WinogradF2x3.M;
            case WINOGRAD_F4X3 -> WinogradF4x3.M;
            default -> throw new IllegalArgumentException("WinogradConv cannot run " + algorithm);
        };
        this.alpha = m + 2;
        this.positions = alpha * alpha;
        this.batch = s.batch();
        this.cin = s.inChannels();
        this.cout = s.outChannels();
        int[] in = s.inSpatial(), out = s.outSpatial(), pb = s.padsBegin();
        this.ih = in[0];
        this.iw = in[1];
        this.oh = out[0];
        this.ow = out[1];
        this.padT = pb[0];
        this.padL = pb[1];
        this.cinP = DepthwiseConvGeneric.paddedChannels(cin);
        this.coutP = DepthwiseConvGeneric.paddedChannels(cout);
        this.tilesY = (oh + m - 1) / m;
        this.tilesX = (ow + m - 1) / m;
        int perTile = 4 * positions * (cinP + coutP);
        int maxTiles = Math.max(BLOCK_GRAIN, Math.min(240, BLOCK_BYTES / perTile / BLOCK_GRAIN * BLOCK_GRAIN));
        long tiles = (long) batch * tilesY * tilesX;
        this.whole = 4L * positions * cin * cout > WEIGHTS_IN_L2 && tiles > maxTiles && tiles * perTile <= WHOLE_BYTES;
        this.tileGrains = (int) ((tiles + BLOCK_GRAIN - 1) / BLOCK_GRAIN);
        int nb = (int) ((tiles + maxTiles - 1) / maxTiles);
        if (nb > 1 && nb % 2 == 1 && nb < tileGrains) nb++;
        this.blocks = nb;
        int largest = 0;
        for (int blk = 0; blk < nb; blk++) largest = Math.max(largest, blockStart(blk + 1) - blockStart(blk));
        this.blockTiles = largest;
        // transformed once per weights, whatever the input shape (the form does not depend on it)
        this.u = weights.form(new Transformed(m, cin, cout));
        this.bias = DepthwiseConvGeneric.packBias(s.hasBias() ? b : null, bOff, cout);
        this.act = act;
    }

    /**
     * {@code U[pos]} for each of the α² positions, a Cin×Cout PackedGemm B of {@code (G g Gᵀ)[pos]} of
     * filter (co, ci). Not exact: the transform rounds, the raw weights cannot be read back from it.
     */
    private record Transformed(int m, int cin, int cout) implements ConvWeights.GemmPanels {
        @Override
        public PackedB[] pack(float[] w, int wOff) {
            int positions = (m + 2) * (m + 2);
            float[] t = new float[positions * cin * cout];
            for (int co = 0; co < cout; co++) {
                for (int ci = 0; ci < cin; ci++) {
                    int src = wOff + (co * cin + ci) * 9, dst = ci * cout + co;
                    if (m == 2) WinogradF2x3.transformFilter(w, src, t, dst, cin * cout);
                    else WinogradF4x3.transformFilter(w, src, t, dst, cin * cout);
                }
            }
            // positions of 512 KB and more in one array: G1 stores an array of half a region or more (regions are 1 MB
            // and up) alone in whole regions, so a 512x512 position (1 MB + its header) took two 2 MB regions; smaller
            // ones stay apart, where one array of all of them would be that humongous object
            if (4L * PackedGemm.packedBSize(cin, cout) < SEPARATE_BELOW) {
                PackedB[] u = new PackedB[positions];
                for (int p = 0; p < positions; p++) u[p] = PackedGemm.packB(cin, cout, t, p * cin * cout, cout, false);
                return u;
            }
            return PackedGemm.packBs(positions, cin, cout, t, 0, cin * cout, cout);
        }
    }

    /** True when Winograd can run this convolution. */
    public static boolean supports(ConvShape s) {
        if (s.spatialRank() != 2 || s.groups() != 1) return false;
        int[] k = s.kernel(), st = s.strides(), d = s.dilations();
        return k[0] == 3 && k[1] == 3 && st[0] == 1 && st[1] == 1 && d[0] == 1 && d[1] == 1;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void run(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel) {
        int tiles = batch * tilesY * tilesX;
        if (whole) {
            runWhole(x, xOff, y, yOff, res, resOff, parallel, tiles);
            return;
        }
        // a block at a time, so that a thread slowed by the host gives its last blocks to the other (Parallel)
        parallel.forRangeBalanced(blocks, 1, 1, (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) block(x, xOff, y, yOff, res, resOff, blk);
        });
    }

    /**
     * Large weights, few tiles (deep layers on small maps): transform every tile, then run position
     * by position so each U[pos] is read from memory once, then the output transforms. Threads split
     * tiles, then positions, then tiles again — each a set of independent outputs.
     */
    private void runWhole(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, Parallel parallel, int tiles) {
        float[] v = ConvScratch.get(ConvScratch.WINO_V, (long) positions * tiles * cinP);
        float[] mm = ConvScratch.get(ConvScratch.WINO_M, (long) positions * tiles * coutP);
        int vStride = tiles * cinP, mStride = tiles * coutP;
        // balanced (Parallel): a position's GEMM at a time, and the transforms in pieces of a few tiles
        int piece = Math.max(1, tiles / (8 * parallel.threads()));
        parallel.forRangeBalanced(tiles, 1, piece, (t0, t1) -> inputTiles(x, xOff, t0, t1, v, 0, vStride));
        parallel.forRangeBalanced(positions, 1, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                PackedGemm.gemm(tiles, cout, cin, v, p * vStride, cinP, false, 1f, u[p], mm, p * mStride, coutP, 0f,
                        Epilogue.NONE, Parallel.callerOnly());
            }
        });
        parallel.forRangeBalanced(tiles, 1, piece, (t0, t1) -> outputTiles(mm, 0, mStride, t0, t1, res, resOff, y, yOff));
    }

    private void block(float[] x, int xOff, float[] y, int yOff, float[] res, int resOff, int blk) {
        int t0 = blockStart(blk), n = blockStart(blk + 1) - t0;
        float[] v = ConvScratch.get(ConvScratch.WINO_V, (long) positions * blockTiles * cinP);
        float[] mm = ConvScratch.get(ConvScratch.WINO_M, (long) positions * blockTiles * coutP);
        int vStride = blockTiles * cinP, mStride = blockTiles * coutP;
        inputTiles(x, xOff, t0, t0 + n, v, -t0 * cinP, vStride);
        for (int p = 0; p < positions; p++) {
            PackedGemm.gemm(n, cout, cin, v, p * vStride, cinP, false, 1f, u[p], mm, p * mStride, coutP, 0f,
                    Epilogue.NONE, Parallel.callerOnly());
        }
        outputTiles(mm, -t0 * coutP, mStride, t0, t0 + n, res, resOff, y, yOff);
    }

    /** First tile of block {@code b} (the tile count for {@code b = blocks}): grains shared out as evenly as they go. */
    private int blockStart(int b) {
        long tiles = (long) batch * tilesY * tilesX;
        return (int) Math.min(tiles, (long) tileGrains * b / blocks * BLOCK_GRAIN);
    }

    /**
     * Input transforms of tiles {@code [t0, t1)}, tile t's row of V at {@code vBase + t·cinP}. One loop
     * per transform size, each calling only its own kernel: a call site shared by both sizes made C2
     * compile them into one unit too large to keep the vector operations intrinsic.
     */
    private void inputTiles(float[] x, int xOff, int t0, int t1, float[] v, int vBase, int vStride) {
        float[] tmp = ConvScratch.get(ConvScratch.WINO_T, (long) WinogradF4x3.TMP_VECTORS * L);
        int perImage = tilesY * tilesX;
        if (m == 2) {
            for (int t = t0; t < t1; t++) {
                int img = t / perImage, ty = t % perImage / tilesX, tx = t % tilesX;
                WinogradF2x3.input(x, xOff + img * ih * iw * cin, cin, ih, iw, ty * m - padT, tx * m - padL, v, vBase + t * cinP, vStride, tmp);
            }
        } else {
            for (int t = t0; t < t1; t++) {
                int img = t / perImage, ty = t % perImage / tilesX, tx = t % tilesX;
                WinogradF4x3.input(x, xOff + img * ih * iw * cin, cin, ih, iw, ty * m - padT, tx * m - padL, v, vBase + t * cinP, vStride, tmp);
            }
        }
    }

    /**
     * Output transforms (with bias) of tiles {@code [t0, t1)} from M (tile t's row at
     * {@code mBase + t·coutP}), then residual and activation as a pass over each tile's output rows
     * while they are in L1 ({@link ConvEpilogue}): an activation call inside the transform, whose call
     * site sees every kind the model uses, is what C2 compiles badly.
     */
    private void outputTiles(float[] mm, int mBase, int mStride, int t0, int t1, float[] res, int resOff, float[] y, int yOff) {
        float[] tmp = ConvScratch.get(ConvScratch.WINO_T, (long) WinogradF4x3.TMP_VECTORS * L);
        int perImage = tilesY * tilesX, image = oh * ow * cout;
        for (int t = t0; t < t1; t++) {
            int img = t / perImage, ty = t % perImage / tilesX, tx = t % tilesX, oy0 = ty * m, ox0 = tx * m;
            if (m == 2) WinogradF2x3.output(mm, mBase + t * coutP, mStride, cout, bias, y, yOff + img * image, oh, ow, oy0, ox0, tmp);
            else WinogradF4x3.output(mm, mBase + t * coutP, mStride, cout, bias, y, yOff + img * image, oh, ow, oy0, ox0, tmp);
            if (res == null && act.isIdentity()) continue;
            int rows = Math.min(m, oh - oy0), len = Math.min(m, ow - ox0) * cout;
            for (int r = 0; r < rows; r++) {
                int px = img * image + ((oy0 + r) * ow + ox0) * cout;
                ConvEpilogue.finish(y, yOff + px, res, resOff + px, len, act);
            }
        }
    }
}
