package dev.lanes.simd;

import dev.lanes.reference.AttentionShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prompt kernel of fused multi-head attention, flash style (used through {@link FlashAttention}):
 * scores are computed one tile of keys at a time and folded into the output with an online softmax
 * (running max and sum, rescaled when the max grows — Milakov & Gimelshein, arXiv:1805.02867; Dao et al.,
 * arXiv:2205.14135), so the {@code [S, L]} score matrix never exists. Extra memory is a few tiles per
 * thread, kept in a per-thread scratch reused across calls.
 *
 * <p><b>Queries in the lanes.</b> A task owns one (batch, query head, tile of {@link #MQ} queries) and puts
 * one query in each lane of {@link #QV} vectors. Then every step is a plain vertical vector operation:
 * <pre>
 *   qt [d ][MQ]  Q of the tile transposed and pre-scaled, zero past the last query (packed once per task)
 *   st [KT][MQ]  scores of one key tile: st[j] = Σ_p K[j][p] · qt[p]      (broadcast K, 6 keys × 4 vectors)
 *                then softcap, mask and causal, the lane-wise running max, p = exp(st − max) in place
 *   o  [MQ][dv]  output rows:         o[i] = α[i]·o[i] + Σ_j st[j][i] · V[j]   (broadcast P, 4 rows × 4 vectors of V)
 *   Y[i] = o[i] / l[i]   at the end, straight into Y's rows
 * </pre>
 * K and V are read in place through their strides (no packing), the softmax needs no horizontal
 * reductions, and the head size d of Q and K is a loop count, never a vector length; a dv that is not a
 * multiple of the vector length (24, 40, 80) ends in one masked vector. Query tails are zero lanes.
 *
 * <p>Tasks are (batch × query head × query tile), split over {@link Parallel}; each output element is
 * computed by one task in a fixed order, so results are bit-identical for any thread count. Grouped-query
 * attention reads the kv head {@code h / group} in place.
 *
 * <p>Semantics are {@link dev.lanes.reference.ReferenceAttention}'s: a masked key never contributes (a
 * row with every key masked is 0), NaN and Inf in unmasked inputs propagate as there. Keys past the last
 * one any query of a tile may attend (causal diagonal, nonpad_kv_seqlen) are never read; a row that comes
 * out non-finite is recomputed strictly so that NaN/Inf in masked K/V entries cannot leak into it.
 */
final class QueryTileKernel {
    private QueryTileKernel() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int LANES = F.length();
    /**
     * {@link Fma#HARDWARE}, tested inline: a call to {@code Fma.madd} per FMA overflows C2's inlining
     * budget in the 24-accumulator kernels (vectors then get boxed, 30× slower); a constant branch folds away.
     */
    private static final boolean FMA = Fma.HARDWARE;
    /** Query vectors per tile: 6 keys × 4 vectors = 24 accumulators in the score kernel (32 registers). */
    static final int QV = 4;
    /** Queries per tile, one per lane. */
    static final int MQ = QV * LANES;
    /** Most keys per tile (balanced by {@link #tileLength}); measured best of 60..132 at L = 128 and 512. */
    static final int KT = 96;
    /** Below this many multiply-adds a call runs on the caller (forking costs more). */
    private static final long MIN_WORK_PER_SHARE = 1L << 16;

    static void attend(AttentionCall call, Parallel par) {
        AttentionShape s = call.s;
        int qTiles = (s.qSeq() + MQ - 1) / MQ;
        long tasks = (long) s.batch() * s.qHeads() * qTiles;
        if (tasks == 0) return;
        if (tasks > Integer.MAX_VALUE) throw new IllegalArgumentException("Attention has too many query tiles: " + tasks);
        int shares = par.sharesFor(s.flops() / 2, MIN_WORK_PER_SHARE);
        int[] liveEnds = PaddedKeys.liveEnds(call);
        par.forRange((int) tasks, 1, shares, (from, to) -> {
            Scratch sc = Scratch.get(s.headSize(), s.vHeadSize());
            for (int t = from; t < to; t++) {
                // Query tiles innermost: a contiguous share holds whole heads, so causal work balances.
                int tile = t % qTiles, bh = t / qTiles, b = bh / s.qHeads();
                queryTile(call, b, bh % s.qHeads(), tile * MQ, liveEnds == null ? Integer.MAX_VALUE : liveEnds[b], sc);
            }
        });
    }

    /**
     * One task: queries {@code [i0, i0 + MQ)} of head {@code h} in batch {@code b}; keys from {@code liveEnd}
     * on are padding whose weight is exactly 0 ({@link PaddedKeys}) and are not computed.
     */
    static void queryTile(AttentionCall call, int b, int h, int i0, int liveEnd, Scratch s) {
        AttentionShape shape = call.s;
        int d = shape.headSize(), dv = shape.vHeadSize();
        int rows = Math.min(MQ, shape.qSeq() - i0), rows4 = (rows + 3) & ~3;
        // Query vectors this tile needs: a short prompt computes 1 or 2 vectors of lanes, not 4.
        int qv = rows <= LANES ? 1 : rows <= 2 * LANES ? 2 : QV, width = qv * LANES;
        int kvh = h / shape.group();
        packQueries(call.q.data(), call.q.at(b, h, i0), call.q.rowStride(), rows, width, d, shape.scale(), s.qt);
        java.util.Arrays.fill(s.m, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(s.l, 0f);
        java.util.Arrays.fill(s.o, 0, MQ * s.dvPad, 0f);
        // No query of this tile sees keys past its last query's end (causal diagonal, nonpad).
        int keyEnd = Math.min(call.keyEnd(b, i0 + rows - 1), liveEnd);
        int offset = call.causalOffset(b);
        boolean perKeyMask = call.hasMask() && call.maskSameForAllQueries();
        boolean perQueryMask = call.hasMask() && !call.maskSameForAllQueries();
        for (int j0 = 0; j0 < keyEnd; ) {
            int n = tileLength(Math.min(keyEnd, call.segmentEnd(j0)) - j0);
            boolean diagonal = shape.causal() && (long) j0 + n - 1 > (long) i0 + offset;
            // Common case (no softcap, no per-query mask, off the diagonal): the score kernel itself adds
            // the per-key bias and takes the max. Otherwise a second pass applies them in ONNX's order.
            boolean fused = shape.softcap() == 0 && !perQueryMask && !diagonal;
            float[] bias = s.zeros;
            if (fused && perKeyMask) {
                bias = s.keyBias;
                for (int jj = 0; jj < n; jj++) bias[jj] = call.bias(b, h, 0, j0 + jj);
            }
            java.util.Arrays.fill(s.tmax, Float.NEGATIVE_INFINITY);
            scores(call.keyData(j0), call.keyAt(b, kvh, j0), call.keyStride(j0), n, d, qv, s.qt, s.st, bias, s.tmax);
            if (!fused) {
                if (perQueryMask) maskTile(call, b, h, i0, rows, width, j0, n, s.mt);
                adjust(call, b, h, i0, j0, n, qv, diagonal, perKeyMask, perQueryMask, s);
            }
            updateMax(width, s);
            exponentiate(n, width, s);
            float[] vd = call.valueData(j0);
            int vRow = call.valueAt(b, kvh, j0), vs = call.valueStride(j0);
            if (vs != dv && rows4 > 4) {
                // The value kernel reads the tile once per 4 query rows. Rows H·dv apart (3-D layouts) share a
                // few L1 sets and would come from L2 each time; a dense copy of the tile stays in L1.
                for (int jj = 0; jj < n; jj++) System.arraycopy(vd, vRow + jj * vs, s.vTile, jj * dv, dv);
                vd = s.vTile;
                vRow = 0;
                vs = dv;
            }
            accumulate(vd, vRow, vs, n, dv, rows4, s.st, s.o, s.dvPad, s.alpha);
            j0 += n;
        }
        finish(call, b, h, i0, rows, s);
    }

    /**
     * Keys in the next tile when {@code left} remain in the segment: the remainder is split into equal tiles
     * of at most {@link #KT}, rounded up to the score kernel's 6 keys, so no tile is a short leftover.
     */
    static int tileLength(int left) {
        if (left <= KT) return left;
        int tiles = (left + KT - 1) / KT;
        return Math.min(KT, ((left + tiles - 1) / tiles + 5) / 6 * 6);
    }

    /**
     * {@code qt[p][lane] = scale · Q[i0 + lane][p]}, zero for the lanes up to {@code width} past the last query.
     * Whole 16 × 16 blocks go through {@link Transpose16} (at 16 lanes); the edges row by row, each Q row read
     * contiguously (gathers across rows measured slower, the rows being far apart in 3-D layouts).
     */
    static void packQueries(float[] q, int base, int rowStride, int rows, int width, int d, float scale, float[] qt) {
        int rows16 = Transpose16.AVAILABLE ? rows & ~15 : 0, d16 = Transpose16.AVAILABLE ? d & ~15 : 0;
        for (int lane = 0; lane < rows16; lane += 16) {
            for (int p = 0; p < d16; p += 16) Transpose16.block(q, base + lane * rowStride + p, rowStride, scale, qt, p * MQ + lane, MQ);
        }
        for (int lane = 0; lane < rows; lane++) {
            int row = base + lane * rowStride;
            for (int p = lane < rows16 ? d16 : 0; p < d; p++) qt[p * MQ + lane] = q[row + p] * scale;
        }
        for (int lane = rows; lane < width; lane++) {
            for (int p = 0; p < d; p++) qt[p * MQ + lane] = 0f;
        }
    }

    /**
     * {@code st[jj] = Σ_p K[jj][p] · qt[p] + bias[jj]} for the {@code n} keys from row {@code kRow} over the
     * first {@code qv} query vectors, and {@code tmax = max(tmax, st[jj])} lane-wise.
     */
    static void scores(float[] k, int kRow, int ks, int n, int d, int qv, float[] qt, float[] st, float[] bias,
                       float[] tmax) {
        int jj = 0;
        if (qv == QV) {
            for (; jj + 6 <= n; jj += 6) scores6(k, kRow + jj * ks, ks, d, qt, st, jj * MQ, bias, jj, tmax);
        } else {
            // A narrow tile (few queries): one vector at a time, so no lane beyond the queries is computed.
            for (; jj + 6 <= n; jj += 6) {
                for (int c = 0; c < qv * LANES; c += LANES) scores6x1(k, kRow + jj * ks, ks, d, qt, c, st, jj * MQ + c, bias, jj, tmax);
            }
        }
        if (qv == QV) {
            for (; jj + 2 <= n; jj += 2) scores2(k, kRow + jj * ks, ks, d, qt, st, jj * MQ, bias, jj, tmax);
        }
        for (; jj < n; jj++) {
            for (int c = 0; c < qv * LANES; c += LANES) scores1x1(k, kRow + jj * ks, d, qt, c, st, jj * MQ + c, bias, jj, tmax);
        }
    }

    /** Six keys × four query vectors: 24 accumulators, 4 loads and 6 broadcasts per 24 FMAs. */
    private static void scores6(float[] k, int r0, int ks, int d, float[] qt, float[] st, int out, float[] bias, int b0,
                                float[] tmax) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        FloatVector a40 = z, a41 = z, a42 = z, a43 = z, a50 = z, a51 = z, a52 = z, a53 = z;
        int r1 = r0 + ks, r2 = r1 + ks, r3 = r2 + ks, r4 = r3 + ks, r5 = r4 + ks;
        for (int p = 0, qo = 0; p < d; p++, qo += MQ) {
            FloatVector q0 = FloatVector.fromArray(F, qt, qo);
            FloatVector q1 = FloatVector.fromArray(F, qt, qo + LANES);
            FloatVector q2 = FloatVector.fromArray(F, qt, qo + 2 * LANES);
            FloatVector q3 = FloatVector.fromArray(F, qt, qo + 3 * LANES);
            FloatVector kb = FloatVector.broadcast(F, k[r0 + p]);
            a00 = FMA ? kb.fma(q0, a00) : kb.mul(q0).add(a00); a01 = FMA ? kb.fma(q1, a01) : kb.mul(q1).add(a01);
            a02 = FMA ? kb.fma(q2, a02) : kb.mul(q2).add(a02); a03 = FMA ? kb.fma(q3, a03) : kb.mul(q3).add(a03);
            kb = FloatVector.broadcast(F, k[r1 + p]);
            a10 = FMA ? kb.fma(q0, a10) : kb.mul(q0).add(a10); a11 = FMA ? kb.fma(q1, a11) : kb.mul(q1).add(a11);
            a12 = FMA ? kb.fma(q2, a12) : kb.mul(q2).add(a12); a13 = FMA ? kb.fma(q3, a13) : kb.mul(q3).add(a13);
            kb = FloatVector.broadcast(F, k[r2 + p]);
            a20 = FMA ? kb.fma(q0, a20) : kb.mul(q0).add(a20); a21 = FMA ? kb.fma(q1, a21) : kb.mul(q1).add(a21);
            a22 = FMA ? kb.fma(q2, a22) : kb.mul(q2).add(a22); a23 = FMA ? kb.fma(q3, a23) : kb.mul(q3).add(a23);
            kb = FloatVector.broadcast(F, k[r3 + p]);
            a30 = FMA ? kb.fma(q0, a30) : kb.mul(q0).add(a30); a31 = FMA ? kb.fma(q1, a31) : kb.mul(q1).add(a31);
            a32 = FMA ? kb.fma(q2, a32) : kb.mul(q2).add(a32); a33 = FMA ? kb.fma(q3, a33) : kb.mul(q3).add(a33);
            kb = FloatVector.broadcast(F, k[r4 + p]);
            a40 = FMA ? kb.fma(q0, a40) : kb.mul(q0).add(a40); a41 = FMA ? kb.fma(q1, a41) : kb.mul(q1).add(a41);
            a42 = FMA ? kb.fma(q2, a42) : kb.mul(q2).add(a42); a43 = FMA ? kb.fma(q3, a43) : kb.mul(q3).add(a43);
            kb = FloatVector.broadcast(F, k[r5 + p]);
            a50 = FMA ? kb.fma(q0, a50) : kb.mul(q0).add(a50); a51 = FMA ? kb.fma(q1, a51) : kb.mul(q1).add(a51);
            a52 = FMA ? kb.fma(q2, a52) : kb.mul(q2).add(a52); a53 = FMA ? kb.fma(q3, a53) : kb.mul(q3).add(a53);
        }
        FloatVector m0 = FloatVector.fromArray(F, tmax, 0), m1 = FloatVector.fromArray(F, tmax, LANES);
        FloatVector m2 = FloatVector.fromArray(F, tmax, 2 * LANES), m3 = FloatVector.fromArray(F, tmax, 3 * LANES);
        float c = bias[b0];
        a00 = a00.add(c); a01 = a01.add(c); a02 = a02.add(c); a03 = a03.add(c);
        m0 = m0.max(a00); m1 = m1.max(a01); m2 = m2.max(a02); m3 = m3.max(a03);
        a00.intoArray(st, out); a01.intoArray(st, out + LANES); a02.intoArray(st, out + 2 * LANES); a03.intoArray(st, out + 3 * LANES);
        out += MQ;
        c = bias[b0 + 1];
        a10 = a10.add(c); a11 = a11.add(c); a12 = a12.add(c); a13 = a13.add(c);
        m0 = m0.max(a10); m1 = m1.max(a11); m2 = m2.max(a12); m3 = m3.max(a13);
        a10.intoArray(st, out); a11.intoArray(st, out + LANES); a12.intoArray(st, out + 2 * LANES); a13.intoArray(st, out + 3 * LANES);
        out += MQ;
        c = bias[b0 + 2];
        a20 = a20.add(c); a21 = a21.add(c); a22 = a22.add(c); a23 = a23.add(c);
        m0 = m0.max(a20); m1 = m1.max(a21); m2 = m2.max(a22); m3 = m3.max(a23);
        a20.intoArray(st, out); a21.intoArray(st, out + LANES); a22.intoArray(st, out + 2 * LANES); a23.intoArray(st, out + 3 * LANES);
        out += MQ;
        c = bias[b0 + 3];
        a30 = a30.add(c); a31 = a31.add(c); a32 = a32.add(c); a33 = a33.add(c);
        m0 = m0.max(a30); m1 = m1.max(a31); m2 = m2.max(a32); m3 = m3.max(a33);
        a30.intoArray(st, out); a31.intoArray(st, out + LANES); a32.intoArray(st, out + 2 * LANES); a33.intoArray(st, out + 3 * LANES);
        out += MQ;
        c = bias[b0 + 4];
        a40 = a40.add(c); a41 = a41.add(c); a42 = a42.add(c); a43 = a43.add(c);
        m0 = m0.max(a40); m1 = m1.max(a41); m2 = m2.max(a42); m3 = m3.max(a43);
        a40.intoArray(st, out); a41.intoArray(st, out + LANES); a42.intoArray(st, out + 2 * LANES); a43.intoArray(st, out + 3 * LANES);
        out += MQ;
        c = bias[b0 + 5];
        a50 = a50.add(c); a51 = a51.add(c); a52 = a52.add(c); a53 = a53.add(c);
        m0 = m0.max(a50); m1 = m1.max(a51); m2 = m2.max(a52); m3 = m3.max(a53);
        a50.intoArray(st, out); a51.intoArray(st, out + LANES); a52.intoArray(st, out + 2 * LANES); a53.intoArray(st, out + 3 * LANES);
        m0.intoArray(tmax, 0); m1.intoArray(tmax, LANES); m2.intoArray(tmax, 2 * LANES); m3.intoArray(tmax, 3 * LANES);
    }

    /** Two keys × four query vectors (the last {@code n mod 6} keys of a tile): 8 independent accumulators. */
    private static void scores2(float[] k, int r0, int ks, int d, float[] qt, float[] st, int out, float[] bias, int b0,
                                float[] tmax) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        int r1 = r0 + ks;
        for (int p = 0, qo = 0; p < d; p++, qo += MQ) {
            FloatVector q0 = FloatVector.fromArray(F, qt, qo), q1 = FloatVector.fromArray(F, qt, qo + LANES);
            FloatVector q2 = FloatVector.fromArray(F, qt, qo + 2 * LANES), q3 = FloatVector.fromArray(F, qt, qo + 3 * LANES);
            FloatVector kb = FloatVector.broadcast(F, k[r0 + p]);
            a00 = FMA ? kb.fma(q0, a00) : kb.mul(q0).add(a00); a01 = FMA ? kb.fma(q1, a01) : kb.mul(q1).add(a01);
            a02 = FMA ? kb.fma(q2, a02) : kb.mul(q2).add(a02); a03 = FMA ? kb.fma(q3, a03) : kb.mul(q3).add(a03);
            kb = FloatVector.broadcast(F, k[r1 + p]);
            a10 = FMA ? kb.fma(q0, a10) : kb.mul(q0).add(a10); a11 = FMA ? kb.fma(q1, a11) : kb.mul(q1).add(a11);
            a12 = FMA ? kb.fma(q2, a12) : kb.mul(q2).add(a12); a13 = FMA ? kb.fma(q3, a13) : kb.mul(q3).add(a13);
        }
        float c0 = bias[b0], c1 = bias[b0 + 1];
        a00 = a00.add(c0); a01 = a01.add(c0); a02 = a02.add(c0); a03 = a03.add(c0);
        a10 = a10.add(c1); a11 = a11.add(c1); a12 = a12.add(c1); a13 = a13.add(c1);
        a00.intoArray(st, out); a01.intoArray(st, out + LANES); a02.intoArray(st, out + 2 * LANES); a03.intoArray(st, out + 3 * LANES);
        out += MQ;
        a10.intoArray(st, out); a11.intoArray(st, out + LANES); a12.intoArray(st, out + 2 * LANES); a13.intoArray(st, out + 3 * LANES);
        FloatVector.fromArray(F, tmax, 0).max(a00.max(a10)).intoArray(tmax, 0);
        FloatVector.fromArray(F, tmax, LANES).max(a01.max(a11)).intoArray(tmax, LANES);
        FloatVector.fromArray(F, tmax, 2 * LANES).max(a02.max(a12)).intoArray(tmax, 2 * LANES);
        FloatVector.fromArray(F, tmax, 3 * LANES).max(a03.max(a13)).intoArray(tmax, 3 * LANES);
    }

    /** Six keys × one query vector (narrow tiles): 6 accumulators, 1 load and 6 broadcasts per 6 FMAs. */
    private static void scores6x1(float[] k, int r0, int ks, int d, float[] qt, int lane0, float[] st, int out, float[] bias,
                                  int b0, float[] tmax) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        int r1 = r0 + ks, r2 = r1 + ks, r3 = r2 + ks, r4 = r3 + ks, r5 = r4 + ks;
        for (int p = 0, qo = lane0; p < d; p++, qo += MQ) {
            FloatVector q = FloatVector.fromArray(F, qt, qo);
            FloatVector k0 = FloatVector.broadcast(F, k[r0 + p]), k1 = FloatVector.broadcast(F, k[r1 + p]);
            FloatVector k2 = FloatVector.broadcast(F, k[r2 + p]), k3 = FloatVector.broadcast(F, k[r3 + p]);
            FloatVector k4 = FloatVector.broadcast(F, k[r4 + p]), k5 = FloatVector.broadcast(F, k[r5 + p]);
            a0 = FMA ? k0.fma(q, a0) : k0.mul(q).add(a0); a1 = FMA ? k1.fma(q, a1) : k1.mul(q).add(a1);
            a2 = FMA ? k2.fma(q, a2) : k2.mul(q).add(a2); a3 = FMA ? k3.fma(q, a3) : k3.mul(q).add(a3);
            a4 = FMA ? k4.fma(q, a4) : k4.mul(q).add(a4); a5 = FMA ? k5.fma(q, a5) : k5.mul(q).add(a5);
        }
        a0 = a0.add(bias[b0]); a1 = a1.add(bias[b0 + 1]); a2 = a2.add(bias[b0 + 2]);
        a3 = a3.add(bias[b0 + 3]); a4 = a4.add(bias[b0 + 4]); a5 = a5.add(bias[b0 + 5]);
        a0.intoArray(st, out); a1.intoArray(st, out + MQ); a2.intoArray(st, out + 2 * MQ);
        a3.intoArray(st, out + 3 * MQ); a4.intoArray(st, out + 4 * MQ); a5.intoArray(st, out + 5 * MQ);
        FloatVector.fromArray(F, tmax, lane0).max(a0.max(a1).max(a2.max(a3)).max(a4.max(a5))).intoArray(tmax, lane0);
    }

    /** One key × one query vector: the last {@code n mod 6} keys of a tile. */
    private static void scores1x1(float[] k, int r0, int d, float[] qt, int lane0, float[] st, int out, float[] bias, int b0,
                                  float[] tmax) {
        FloatVector a = FloatVector.zero(F);
        for (int p = 0, qo = lane0; p < d; p++, qo += MQ) {
            FloatVector kb = FloatVector.broadcast(F, k[r0 + p]), q = FloatVector.fromArray(F, qt, qo);
            a = FMA ? kb.fma(q, a) : kb.mul(q).add(a);
        }
        a = a.add(bias[b0]);
        a.intoArray(st, out);
        FloatVector.fromArray(F, tmax, lane0).max(a).intoArray(tmax, lane0);
    }

    /**
     * The mask of this tile transposed into {@code mt[jj][lane]} as an additive bias (boolean false and keys
     * past the mask's end become -inf), so the score pass reads it as vectors. Padding lanes get 0.
     */
    static void maskTile(AttentionCall call, int b, int h, int i0, int rows, int width, int j0, int n, float[] mt) {
        for (int lane = 0; lane < rows; lane++) {
            for (int jj = 0; jj < n; jj++) mt[jj * MQ + lane] = call.bias(b, h, i0 + lane, j0 + jj);
        }
        for (int lane = rows; lane < width; lane++) {
            for (int jj = 0; jj < n; jj++) mt[jj * MQ + lane] = 0f;
        }
    }

    /**
     * Applies softcap, the mask and the causal diagonal to the raw score tile, in ONNX's order, and
     * recomputes the lane-wise tile max {@code tmax}.
     */
    private static void adjust(AttentionCall call, int b, int h, int i0, int j0, int n, int qv, boolean diagonal,
                               boolean perKey, boolean perQuery, Scratch s) {
        float cap = call.s.softcap(), invCap = cap > 0 ? 1f / cap : 0f;
        int offset = call.causalOffset(b);
        FloatVector neg = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector iota = FloatVector.broadcast(F, 0f).addIndex(1);
        float[] st = s.st;
        for (int c = 0; c < qv; c++) {
            FloatVector mx = neg;
            for (int jj = 0; jj < n; jj++) {
                int at = jj * MQ + c * LANES;
                FloatVector x = FloatVector.fromArray(F, st, at);
                if (cap > 0) x = VectorMath.tanh(x.mul(invCap)).mul(cap);
                if (perKey) x = x.add(call.bias(b, h, 0, j0 + jj));
                else if (perQuery) x = x.add(FloatVector.fromArray(F, s.mt, at));
                if (diagonal) {
                    // Lane i of this vector is query i0 + c·LANES + i; it may see key j iff j ≤ i + offset.
                    long firstMasked = (long) j0 + jj - offset - i0 - (long) c * LANES;
                    if (firstMasked > 0) x = x.blend(neg, iota.compare(VectorOperators.LT, (float) Math.min(firstMasked, LANES)));
                }
                x.intoArray(st, at);
                mx = mx.max(x);
            }
            mx.intoArray(s.tmax, c * LANES);
        }
    }

    /**
     * Moves the running max {@code m} to include the tile's {@code tmax}, and sets {@code alpha = exp(m_old − m)},
     * the factor that rescales what was summed so far. A lane whose max is still -inf has seen only masked
     * keys: its shift ({@code safe}) is 0 so that exp(-inf − 0) = 0 instead of NaN, and its α is 0.
     */
    private static void updateMax(int width, Scratch s) {
        FloatVector neg = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int o = 0; o < width; o += LANES) {
            FloatVector old = FloatVector.fromArray(F, s.m, o);
            FloatVector m = old.max(FloatVector.fromArray(F, s.tmax, o));
            m.intoArray(s.m, o);
            FloatVector safe = m.blend(0f, m.compare(VectorOperators.EQ, neg));
            safe.intoArray(s.safe, o);
            old.sub(safe).intoArray(s.alpha, o);
        }
        // An array map, not an inlined exp: a second inlined exp in exponentiate overflows C2's node budget.
        VectorMath.exp(s.alpha, 0, s.alpha, 0, width);
    }

    /** {@code st = exp(st − safe)} in place and {@code l = α·l + Σ st}: the only exp of the hot loop. */
    private static void exponentiate(int n, int width, Scratch s) {
        float[] st = s.st;
        for (int o = 0; o < width; o += LANES) {
            FloatVector safe = FloatVector.fromArray(F, s.safe, o);
            FloatVector sum = FloatVector.zero(F);
            for (int jj = 0, at = o; jj < n; jj++, at += MQ) {
                FloatVector e = VectorMath.expNegative(FloatVector.fromArray(F, st, at).sub(safe));
                e.intoArray(st, at);
                sum = sum.add(e);
            }
            FloatVector l = FloatVector.fromArray(F, s.l, o), alpha = FloatVector.fromArray(F, s.alpha, o);
            (FMA ? l.fma(alpha, sum) : l.mul(alpha).add(sum)).intoArray(s.l, o);
        }
    }

    /**
     * {@code o[i] = α[i]·o[i] + Σ_jj st[jj][i] · V[jj]} for the tile's query rows {@code [0, rows4)} (rows
     * rounded up to 4; padding rows hold harmless finite values) and the {@code n} value rows from
     * {@code vRow}. Values in the lanes: o is row-major {@code [MQ][dvPad]}, so Y needs no transpose.
     */
    static void accumulate(float[] v, int vRow, int vs, int n, int dv, int rows4, float[] st, float[] o, int dvPad,
                           float[] alpha) {
        int full = dv - dv % LANES, c = 0;
        for (; c + 4 * LANES <= full; c += 4 * LANES) {
            for (int i = 0; i < rows4; i += 4) accumulate4x4(v, vRow + c, vs, n, st, i, o, i * dvPad + c, dvPad, alpha);
        }
        for (; c < dv; c += LANES) {
            for (int i = 0; i < rows4; i += 4) accumulate4x1(v, vRow + c, vs, n, st, i, o, i * dvPad + c, dvPad, alpha, dv - c);
        }
    }

    /** Four query rows × four vectors of output columns: 16 accumulators, 4 loads and 4 broadcasts per 16 FMAs. */
    private static void accumulate4x4(float[] v, int v0, int vs, int n, float[] st, int i, float[] o, int out, int dvPad,
                                      float[] alpha) {
        int o0 = out, o1 = o0 + dvPad, o2 = o1 + dvPad, o3 = o2 + dvPad;
        FloatVector al = FloatVector.broadcast(F, alpha[i]);
        FloatVector a00 = FloatVector.fromArray(F, o, o0).mul(al), a01 = FloatVector.fromArray(F, o, o0 + LANES).mul(al);
        FloatVector a02 = FloatVector.fromArray(F, o, o0 + 2 * LANES).mul(al), a03 = FloatVector.fromArray(F, o, o0 + 3 * LANES).mul(al);
        al = FloatVector.broadcast(F, alpha[i + 1]);
        FloatVector a10 = FloatVector.fromArray(F, o, o1).mul(al), a11 = FloatVector.fromArray(F, o, o1 + LANES).mul(al);
        FloatVector a12 = FloatVector.fromArray(F, o, o1 + 2 * LANES).mul(al), a13 = FloatVector.fromArray(F, o, o1 + 3 * LANES).mul(al);
        al = FloatVector.broadcast(F, alpha[i + 2]);
        FloatVector a20 = FloatVector.fromArray(F, o, o2).mul(al), a21 = FloatVector.fromArray(F, o, o2 + LANES).mul(al);
        FloatVector a22 = FloatVector.fromArray(F, o, o2 + 2 * LANES).mul(al), a23 = FloatVector.fromArray(F, o, o2 + 3 * LANES).mul(al);
        al = FloatVector.broadcast(F, alpha[i + 3]);
        FloatVector a30 = FloatVector.fromArray(F, o, o3).mul(al), a31 = FloatVector.fromArray(F, o, o3 + LANES).mul(al);
        FloatVector a32 = FloatVector.fromArray(F, o, o3 + 2 * LANES).mul(al), a33 = FloatVector.fromArray(F, o, o3 + 3 * LANES).mul(al);
        for (int jj = 0, row = v0, at = i; jj < n; jj++, row += vs, at += MQ) {
            FloatVector v0v = FloatVector.fromArray(F, v, row);
            FloatVector v1v = FloatVector.fromArray(F, v, row + LANES);
            FloatVector v2v = FloatVector.fromArray(F, v, row + 2 * LANES);
            FloatVector v3v = FloatVector.fromArray(F, v, row + 3 * LANES);
            FloatVector pb = FloatVector.broadcast(F, st[at]);
            a00 = FMA ? pb.fma(v0v, a00) : pb.mul(v0v).add(a00); a01 = FMA ? pb.fma(v1v, a01) : pb.mul(v1v).add(a01);
            a02 = FMA ? pb.fma(v2v, a02) : pb.mul(v2v).add(a02); a03 = FMA ? pb.fma(v3v, a03) : pb.mul(v3v).add(a03);
            pb = FloatVector.broadcast(F, st[at + 1]);
            a10 = FMA ? pb.fma(v0v, a10) : pb.mul(v0v).add(a10); a11 = FMA ? pb.fma(v1v, a11) : pb.mul(v1v).add(a11);
            a12 = FMA ? pb.fma(v2v, a12) : pb.mul(v2v).add(a12); a13 = FMA ? pb.fma(v3v, a13) : pb.mul(v3v).add(a13);
            pb = FloatVector.broadcast(F, st[at + 2]);
            a20 = FMA ? pb.fma(v0v, a20) : pb.mul(v0v).add(a20); a21 = FMA ? pb.fma(v1v, a21) : pb.mul(v1v).add(a21);
            a22 = FMA ? pb.fma(v2v, a22) : pb.mul(v2v).add(a22); a23 = FMA ? pb.fma(v3v, a23) : pb.mul(v3v).add(a23);
            pb = FloatVector.broadcast(F, st[at + 3]);
            a30 = FMA ? pb.fma(v0v, a30) : pb.mul(v0v).add(a30); a31 = FMA ? pb.fma(v1v, a31) : pb.mul(v1v).add(a31);
            a32 = FMA ? pb.fma(v2v, a32) : pb.mul(v2v).add(a32); a33 = FMA ? pb.fma(v3v, a33) : pb.mul(v3v).add(a33);
        }
        a00.intoArray(o, o0); a01.intoArray(o, o0 + LANES); a02.intoArray(o, o0 + 2 * LANES); a03.intoArray(o, o0 + 3 * LANES);
        a10.intoArray(o, o1); a11.intoArray(o, o1 + LANES); a12.intoArray(o, o1 + 2 * LANES); a13.intoArray(o, o1 + 3 * LANES);
        a20.intoArray(o, o2); a21.intoArray(o, o2 + LANES); a22.intoArray(o, o2 + 2 * LANES); a23.intoArray(o, o2 + 3 * LANES);
        a30.intoArray(o, o3); a31.intoArray(o, o3 + LANES); a32.intoArray(o, o3 + 2 * LANES); a33.intoArray(o, o3 + 3 * LANES);
    }

    /**
     * Four query rows × one vector of output columns, the V load masked to its first {@code columns} lanes (the last
     * columns of a dv that is not a multiple of the vector length; o is padded, so its lanes past dv just stay 0).
     * The mask is made here, not passed in: a mask passed to a call C2 does not inline is boxed on every call
     * (MiniLM's head size 32 allocated two masks per call).
     */
    private static void accumulate4x1(float[] v, int v0, int vs, int n, float[] st, int i, float[] o, int out, int dvPad,
                                      float[] alpha, int columns) {
        VectorMask<Float> in = F.indexInRange(0, columns);
        int o0 = out, o1 = o0 + dvPad, o2 = o1 + dvPad, o3 = o2 + dvPad;
        FloatVector a0 = FloatVector.fromArray(F, o, o0).mul(alpha[i]), a1 = FloatVector.fromArray(F, o, o1).mul(alpha[i + 1]);
        FloatVector a2 = FloatVector.fromArray(F, o, o2).mul(alpha[i + 2]), a3 = FloatVector.fromArray(F, o, o3).mul(alpha[i + 3]);
        for (int jj = 0, row = v0, at = i; jj < n; jj++, row += vs, at += MQ) {
            FloatVector vv = FloatVector.fromArray(F, v, row, in);
            FloatVector p0 = FloatVector.broadcast(F, st[at]), p1 = FloatVector.broadcast(F, st[at + 1]);
            FloatVector p2 = FloatVector.broadcast(F, st[at + 2]), p3 = FloatVector.broadcast(F, st[at + 3]);
            a0 = FMA ? p0.fma(vv, a0) : p0.mul(vv).add(a0); a1 = FMA ? p1.fma(vv, a1) : p1.mul(vv).add(a1);
            a2 = FMA ? p2.fma(vv, a2) : p2.mul(vv).add(a2); a3 = FMA ? p3.fma(vv, a3) : p3.mul(vv).add(a3);
        }
        a0.intoArray(o, o0); a1.intoArray(o, o1); a2.intoArray(o, o2); a3.intoArray(o, o3);
    }

    /**
     * {@code Y[i] = o[i] / l[i]} for the tile's real queries, in Y's layout. A row whose keys were all masked
     * ({@code l = 0}) is 0, as in the reference; a row that comes out non-finite is recomputed by
     * {@link AttentionCall#strictRow} (see there why).
     */
    private static void finish(AttentionCall call, int b, int h, int i0, int rows, Scratch s) {
        float[] o = s.o, l = s.l, y = call.y.data();
        int dv = call.s.vHeadSize(), dvPad = s.dvPad, base = call.y.at(b, h, i0), rowStride = call.y.rowStride();
        int full = dv - dv % LANES;
        for (int lane = 0; lane < rows; lane++) {
            int row = base + lane * rowStride, src = lane * dvPad;
            float sum = l[lane];
            // inv = 0 when every key was masked: Y = 0, unless an infinite V made o non-finite.
            FloatVector inv = FloatVector.broadcast(F, sum == 0f ? 0f : 1f / sum);
            // A non-finite o gives a non-finite out (inv is finite; x·0 is NaN for x = ±∞), and a sum of vectors
            // with a non-finite lane is non-finite: one add per vector, one test per row. A sum that overflows
            // from finite outputs only sends the row to the strict path, which gives the same finite result.
            FloatVector check = FloatVector.zero(F);
            int c = 0;
            for (; c < full; c += LANES) {
                FloatVector out = FloatVector.fromArray(F, o, src + c).mul(inv);
                out.intoArray(y, row + c);
                check = check.add(out);
            }
            if (c < dv) {
                VectorMask<Float> in = F.indexInRange(c, dv);
                // o is padded with zeros past dv, so the lanes outside Y add 0 to the check.
                FloatVector out = FloatVector.fromArray(F, o, src + c).mul(inv);
                out.intoArray(y, row + c, in);
                check = check.add(out);
            }
            if (check.mul(0f).test(VectorOperators.IS_NAN).anyTrue()) call.strictRow(b, h, i0 + lane, s.strict(dv));
        }
    }

    /** Per-thread tiles, grown on demand and reused by every later call on the thread. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        int dvPad;
        float[] qt = new float[0], o = new float[0], vTile = new float[0];
        final float[] st = new float[KT * MQ], mt = new float[KT * MQ];
        final float[] m = new float[MQ], l = new float[MQ], alpha = new float[MQ], tmax = new float[MQ], safe = new float[MQ];
        final float[] keyBias = new float[KT], zeros = new float[KT];
        private double[] strict = new double[0];

        double[] strict(int dv) {
            if (strict.length < dv) strict = new double[dv];
            return strict;
        }

        static Scratch get(int d, int dv) {
            Scratch s = LOCAL.get();
            if (s.qt.length < d * MQ) s.qt = new float[d * MQ];
            if (s.vTile.length < KT * dv) s.vTile = new float[KT * dv];
            s.dvPad = (dv + LANES - 1) / LANES * LANES;
            if (s.o.length < MQ * s.dvPad) s.o = new float[MQ * s.dvPad];
            return s;
        }
    }
}
