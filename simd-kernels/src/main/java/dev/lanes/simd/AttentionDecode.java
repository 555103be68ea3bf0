package dev.lanes.simd;

import dev.lanes.reference.AttentionShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention for few query rows against many keys — the decode step of generation (S = 1, or a handful
 * of speculative tokens) over a long KV cache. Memory-bound: the kernel reads each key and value row
 * once per kv head, for all the query rows that use it (every q head of a grouped-query group and every
 * query position), and folds them in with the online softmax of Rabe & Staats (arXiv:2112.05682).
 *
 * <p><b>Head dimension in the lanes.</b> A score is a dot product {@code Q[r]·K[j]} along d (vectors,
 * one reduction per score); the output row accumulates {@code p · V[j]} along dv. A d or dv that is not
 * a multiple of the vector length ends in one masked vector. Per task the scratch holds the pre-scaled
 * query rows, a tile of {@link #SCORES} scores shared by the rows and the output rows: O(tile), never O(L) per query.
 *
 * <p>Tasks are (batch × kv head × block of {@link #RB} rows) over {@link Parallel}; results are
 * bit-identical for any thread count. Same semantics as the prompt kernel ({@link QueryTileKernel}).
 */
public final class AttentionDecode {
    private AttentionDecode() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int LANES = F.length();
    /** {@link Fma#HARDWARE}, tested inline as in {@link QueryTileKernel} (a call per FMA can exhaust C2's inlining budget). */
    private static final boolean FMA = Fma.HARDWARE;
    /**
     * Scores per tile, shared by the block's rows: {@code SCORES / rows} keys per tile (2048 for one row, 256
     * for {@link #RB}) stay in L1, and a single query row over up to 2048 keys needs no online rescaling.
     */
    static final int SCORES = 2048;
    /** Query rows (q heads of a group × positions) that share one pass over K and V. */
    static final int RB = 8;
    private static final long MIN_WORK_PER_SHARE = 1L << 16;
    /** Keys per block of the score loop: one vector of finished scores (two at 4 lanes). */
    private static final int BLOCK = Math.max(LANES, 8);
    /**
     * The head size of BERT and GPT-2 (64) at 16 lanes, 32 at 8, 16 at 4: {@link #dot8Fixed} runs its d loop
     * with this constant bound, which C2 unrolls completely.
     */
    static final int FIXED_D = 4 * LANES;

    /** The same call as {@code FlashAttention.attend}, for few query rows per kv head. */
    public static void attend(AttentionShape s, AttentionOperand q, AttentionOperand pastK, AttentionOperand pastV,
                              AttentionOperand k, AttentionOperand v, float[] maskAdd, boolean[] maskBool, int maskOff,
                              int[] nonpad, AttentionOperand y, Parallel par) {
        attend(new AttentionCall(s, q, pastK, pastV, k, v, maskAdd, maskBool, maskOff, nonpad, y), par);
    }

    /**
     * One decode step of generation over a {@link KvCache} that already holds this step's keys and values
     * (append first, then attend): the {@code S} query rows {@code q} {@code [B, Hq, S, D]} are the cache's
     * last S positions, so with {@code causal} row i sees keys {@code t ≤ length − S + i}.
     */
    public static void attend(KvCache cache, AttentionOperand q, int qHeads, int qSeq, float scale, float softcap,
                              boolean causal, AttentionOperand y, Parallel par) {
        int total = cache.length(), past = total - qSeq;
        if (past < 0) {
            throw new IllegalArgumentException("Attention over a KvCache of " + total + " rows for " + qSeq
                    + " query rows: append this step's keys and values first");
        }
        AttentionShape s = new AttentionShape(cache.batch(), qHeads, cache.kvHeads(), qSeq, qSeq, past, cache.headSize(),
                cache.vHeadSize(), false, scale, softcap, causal, AttentionShape.Mask.NONE, true, false, 0);
        AttentionOperand keys = cache.keys(), values = cache.values();
        AttentionOperand newKeys = keys.skipRows(past), newValues = values.skipRows(past);
        attend(new AttentionCall(s, q, keys, values, newKeys, newValues, null, null, 0, null, y), par);
    }

    static void attend(AttentionCall call, Parallel par) {
        AttentionShape s = call.s;
        int rowsPerKvHead = s.group() * s.qSeq();
        int blocks = (rowsPerKvHead + RB - 1) / RB;
        long tasks = (long) s.batch() * s.kvHeads() * blocks;
        if (tasks == 0) return;
        if (tasks > Integer.MAX_VALUE) throw new IllegalArgumentException("Attention has too many query blocks: " + tasks);
        int shares = par.sharesFor(s.flops() / 2, MIN_WORK_PER_SHARE);
        par.forRange((int) tasks, 1, shares, (from, to) -> {
            Scratch sc = Scratch.get(s.headSize(), s.vHeadSize());
            for (int t = from; t < to; t++) {
                int block = t % blocks, bkv = t / blocks;
                int r0 = block * RB;
                rowBlock(call, bkv / s.kvHeads(), bkv % s.kvHeads(), r0, Math.min(RB, rowsPerKvHead - r0), sc);
            }
        });
    }

    /**
     * Rows {@code [r0, r0 + rows)} of kv head {@code kvh}: row r is query position {@code r mod S} of query
     * head {@code kvh·group + r / S}.
     */
    static void rowBlock(AttentionCall call, int b, int kvh, int r0, int rows, Scratch s) {
        AttentionShape shape = call.s;
        int d = shape.headSize(), S = shape.qSeq(), g = shape.group();
        int dPad = s.dPad, dvPad = s.dvPad;
        float[] qd = call.q.data();
        int keyEnd = 0;
        for (int r = 0; r < rows; r++) {
            int h = kvh * g + (r0 + r) / S, i = (r0 + r) % S;
            int src = call.q.at(b, h, i);
            for (int c = 0; c < d; c++) s.qs[r * dPad + c] = qd[src + c] * shape.scale();
            for (int c = d; c < dPad; c++) s.qs[r * dPad + c] = 0f;
            java.util.Arrays.fill(s.o, r * dvPad, r * dvPad + dvPad, 0f);
            s.m[r] = Float.NEGATIVE_INFINITY;
            s.l[r] = 0f;
            s.end[r] = call.keyEnd(b, i);
            keyEnd = Math.max(keyEnd, s.end[r]);
        }
        int tile = s.tile = SCORES / rows / BLOCK * BLOCK;
        for (int j0 = 0; j0 < keyEnd; ) {
            int n = Math.min(tile, Math.min(keyEnd, call.segmentEnd(j0)) - j0);
            scores(call.keyData(j0), call.keyAt(b, kvh, j0), call.keyStride(j0), n, d, rows, s);
            for (int r = 0; r < rows; r++) {
                softmaxRow(call, b, kvh * g + (r0 + r) / S, (r0 + r) % S, j0, n, r, s);
            }
            accumulate(call.valueData(j0), call.valueAt(b, kvh, j0), call.valueStride(j0), n, shape.vHeadSize(), rows, s);
            j0 += n;
        }
        finish(call, b, kvh, r0, rows, s);
    }

    /**
     * {@code sc[r][jj] = qs[r] · K[jj]} for a block of {@link #BLOCK} keys at a time: each key's dot product
     * runs along d in its own accumulator (8 keys per pass, so 8 independent FMA chains), and the block's
     * accumulators are summed across lanes together by {@link #fold}, a butterfly that adds half the lanes
     * of two vectors at a time: LANES − 1 folds per LANES keys instead of one full reduction (log₂ LANES
     * dependent shuffles) per key, which made this loop latency-bound. The folds leave key t in lane
     * bitrev(t); one {@link #UNPERMUTE} puts it back. Keys past n reuse key n − 1 (their lanes only repeat its score, harmless to the running max).
     * Passes of 8 keys read K at ~100 GB/s at L = 512 where passes of 4 reached ~70 (one call and one
     * store/reload of the partial sums per 4 keys); the fold tree, and so every bit, is the same.
     */
    private static void scores(float[] k, int kRow, int ks, int n, int d, int rows, Scratch s) {
        int dPad = s.dPad, last = n - 1, tile = s.tile, full = d - d % LANES;
        boolean whole = full == d;
        float[] qs = s.qs, sc = s.sc, part = s.part, rmax = s.rmax;
        java.util.Arrays.fill(rmax, 0, rows * LANES, Float.NEGATIVE_INFINITY);
        for (int j0 = 0; j0 < n; j0 += BLOCK) {
            // A whole block of keys and a whole number of vectors per key: the 8-key pass without masks or clamps.
            boolean plain = whole && j0 + BLOCK <= n;
            for (int r = 0; r < rows; r++) {
                int qo = r * dPad, out = r * tile + j0, r0 = kRow + j0 * ks;
                if (plain) { if (d == FIXED_D) dot8Fixed(k, r0, ks, qs, qo, d, part, 0); else dot8(k, r0, ks, qs, qo, d, part, 0); }
                else dot8Masked(k, kRow, ks, j0, last, qs, qo, full, d, part, 0);
                if (LANES >= 16) {
                    if (plain) { if (d == FIXED_D) dot8Fixed(k, r0 + 8 * ks, ks, qs, qo, d, part, LANES); else dot8(k, r0 + 8 * ks, ks, qs, qo, d, part, LANES); }
                    else dot8Masked(k, kRow, ks, j0 + 8, last, qs, qo, full, d, part, LANES);
                    FloatVector v = fold(FloatVector.fromArray(F, part, 0), FloatVector.fromArray(F, part, LANES), UPPER3, XOR3)
                            .rearrange(UNPERMUTE);
                    v.intoArray(sc, out);
                    FloatVector.fromArray(F, rmax, r * LANES).max(v).intoArray(rmax, r * LANES);
                } else {
                    FloatVector v = FloatVector.fromArray(F, part, 0).rearrange(UNPERMUTE);
                    v.intoArray(sc, out);
                    if (LANES < 8) {
                        FloatVector w = FloatVector.fromArray(F, part, LANES).rearrange(UNPERMUTE);
                        w.intoArray(sc, out + LANES);
                        v = v.max(w);
                    }
                    FloatVector.fromArray(F, rmax, r * LANES).max(v).intoArray(rmax, r * LANES);
                }
            }
        }
    }

    /**
     * The dot products of query row {@code qo} with the 8 key rows from {@code r0} (row stride {@code ks}), for
     * a d that is a multiple of LANES,
     * folded at lane distances LANES/2, LANES/4 and LANES/8 into {@code part[at ..]}: at 16 lanes one vector
     * holding each key's sum in two lanes, at 8 one vector of finished sums, at 4 two such vectors (4 keys
     * each). Stored rather than returned, so that a vector never crosses a call C2 might not inline.
     */
    private static void dot8(float[] k, int r0, int ks, float[] qs, int qo, int d, float[] part, int at) {
        int k0 = r0, k1 = k0 + ks, k2 = k1 + ks, k3 = k2 + ks, k4 = k3 + ks, k5 = k4 + ks, k6 = k5 + ks, k7 = k6 + ks;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int c = 0; c < d; c += LANES) {
            FloatVector q = FloatVector.fromArray(F, qs, qo + c);
            FloatVector x0 = FloatVector.fromArray(F, k, k0 + c), x1 = FloatVector.fromArray(F, k, k1 + c);
            FloatVector x2 = FloatVector.fromArray(F, k, k2 + c), x3 = FloatVector.fromArray(F, k, k3 + c);
            a0 = FMA ? q.fma(x0, a0) : q.mul(x0).add(a0); a1 = FMA ? q.fma(x1, a1) : q.mul(x1).add(a1);
            a2 = FMA ? q.fma(x2, a2) : q.mul(x2).add(a2); a3 = FMA ? q.fma(x3, a3) : q.mul(x3).add(a3);
            FloatVector x4 = FloatVector.fromArray(F, k, k4 + c), x5 = FloatVector.fromArray(F, k, k5 + c);
            FloatVector x6 = FloatVector.fromArray(F, k, k6 + c), x7 = FloatVector.fromArray(F, k, k7 + c);
            a4 = FMA ? q.fma(x4, a4) : q.mul(x4).add(a4); a5 = FMA ? q.fma(x5, a5) : q.mul(x5).add(a5);
            a6 = FMA ? q.fma(x6, a6) : q.mul(x6).add(a6); a7 = FMA ? q.fma(x7, a7) : q.mul(x7).add(a7);
        }
        FloatVector b0 = fold(fold(a0, a1, UPPER0, XOR0), fold(a2, a3, UPPER0, XOR0), UPPER1, XOR1);
        FloatVector b1 = fold(fold(a4, a5, UPPER0, XOR0), fold(a6, a7, UPPER0, XOR0), UPPER1, XOR1);
        if (LANES >= 8) {
            fold(b0, b1, UPPER2, XOR2).intoArray(part, at);
        } else {
            b0.intoArray(part, at);
            b1.intoArray(part, at + LANES);
        }
    }

    /**
     * {@link #dot8} for {@code d == FIXED_D}: the same body with a constant trip count. With a variable d of
     * four vectors C2 builds pre/main/post loops around a 4-trip loop; a constant bound unrolls it: the K pass of
     * a decode at L = 2048 (12 heads × 64) took ~10 µs of ~80 less, the whole call 3–5 % less. Same operations
     * in the same order: the same bits.
     */
    private static void dot8Fixed(float[] k, int r0, int ks, float[] qs, int qo, int d, float[] part, int at) {
        int k0 = r0, k1 = k0 + ks, k2 = k1 + ks, k3 = k2 + ks, k4 = k3 + ks, k5 = k4 + ks, k6 = k5 + ks, k7 = k6 + ks;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int c = 0; c < FIXED_D; c += LANES) {
            FloatVector q = FloatVector.fromArray(F, qs, qo + c);
            FloatVector x0 = FloatVector.fromArray(F, k, k0 + c), x1 = FloatVector.fromArray(F, k, k1 + c);
            FloatVector x2 = FloatVector.fromArray(F, k, k2 + c), x3 = FloatVector.fromArray(F, k, k3 + c);
            a0 = FMA ? q.fma(x0, a0) : q.mul(x0).add(a0); a1 = FMA ? q.fma(x1, a1) : q.mul(x1).add(a1);
            a2 = FMA ? q.fma(x2, a2) : q.mul(x2).add(a2); a3 = FMA ? q.fma(x3, a3) : q.mul(x3).add(a3);
            FloatVector x4 = FloatVector.fromArray(F, k, k4 + c), x5 = FloatVector.fromArray(F, k, k5 + c);
            FloatVector x6 = FloatVector.fromArray(F, k, k6 + c), x7 = FloatVector.fromArray(F, k, k7 + c);
            a4 = FMA ? q.fma(x4, a4) : q.mul(x4).add(a4); a5 = FMA ? q.fma(x5, a5) : q.mul(x5).add(a5);
            a6 = FMA ? q.fma(x6, a6) : q.mul(x6).add(a6); a7 = FMA ? q.fma(x7, a7) : q.mul(x7).add(a7);
        }
        FloatVector b0 = fold(fold(a0, a1, UPPER0, XOR0), fold(a2, a3, UPPER0, XOR0), UPPER1, XOR1);
        FloatVector b1 = fold(fold(a4, a5, UPPER0, XOR0), fold(a6, a7, UPPER0, XOR0), UPPER1, XOR1);
        if (LANES >= 8) {
            fold(b0, b1, UPPER2, XOR2).intoArray(part, at);
        } else {
            b0.intoArray(part, at);
            b1.intoArray(part, at + LANES);
        }
    }

    /**
     * {@link #dot8} for a d that is not a multiple of LANES or the last, partial block of keys (rows past
     * {@code last} reuse it): two {@link #dot4} (each ends with one masked pass), then the third fold. The same fold tree as dot8, so the same bits as for a padded d. (One
     * 8-key body with a masked pass grows past C2's node budget, and its vectors get boxed: 20× slower.)
     */
    private static void dot8Masked(float[] k, int kRow, int ks, int j, int last, float[] qs, int qo, int full, int d,
                                   float[] part, int at) {
        dot4(k, kRow + Math.min(j, last) * ks, kRow + Math.min(j + 1, last) * ks, kRow + Math.min(j + 2, last) * ks,
                kRow + Math.min(j + 3, last) * ks, qs, qo, full, d, part, 2 * LANES);
        dot4(k, kRow + Math.min(j + 4, last) * ks, kRow + Math.min(j + 5, last) * ks, kRow + Math.min(j + 6, last) * ks,
                kRow + Math.min(j + 7, last) * ks, qs, qo, full, d, part, 3 * LANES);
        FloatVector b0 = FloatVector.fromArray(F, part, 2 * LANES), b1 = FloatVector.fromArray(F, part, 3 * LANES);
        if (LANES >= 8) {
            fold(b0, b1, UPPER2, XOR2).intoArray(part, at);
        } else {
            b0.intoArray(part, at);
            b1.intoArray(part, at + LANES);
        }
    }

    /**
     * The dot products of query row {@code qo} with the 4 key rows {@code k0..k3}, folded at lane distances
     * LANES/2 and LANES/4 into {@code part[at ..]}; the last pass loads the keys under a mask (qs is zero past d).
     */
    private static void dot4(float[] k, int k0, int k1, int k2, int k3, float[] qs, int qo, int full, int d,
                             float[] part, int at) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < full; c += LANES) {
            FloatVector q = FloatVector.fromArray(F, qs, qo + c);
            FloatVector x0 = FloatVector.fromArray(F, k, k0 + c), x1 = FloatVector.fromArray(F, k, k1 + c);
            FloatVector x2 = FloatVector.fromArray(F, k, k2 + c), x3 = FloatVector.fromArray(F, k, k3 + c);
            a0 = FMA ? q.fma(x0, a0) : q.mul(x0).add(a0); a1 = FMA ? q.fma(x1, a1) : q.mul(x1).add(a1);
            a2 = FMA ? q.fma(x2, a2) : q.mul(x2).add(a2); a3 = FMA ? q.fma(x3, a3) : q.mul(x3).add(a3);
        }
        if (full < d) {
            VectorMask<Float> tail = F.indexInRange(full, d);
            FloatVector q = FloatVector.fromArray(F, qs, qo + full);
            FloatVector x0 = FloatVector.fromArray(F, k, k0 + full, tail), x1 = FloatVector.fromArray(F, k, k1 + full, tail);
            FloatVector x2 = FloatVector.fromArray(F, k, k2 + full, tail), x3 = FloatVector.fromArray(F, k, k3 + full, tail);
            a0 = FMA ? q.fma(x0, a0) : q.mul(x0).add(a0); a1 = FMA ? q.fma(x1, a1) : q.mul(x1).add(a1);
            a2 = FMA ? q.fma(x2, a2) : q.mul(x2).add(a2); a3 = FMA ? q.fma(x3, a3) : q.mul(x3).add(a3);
        }
        fold(fold(a0, a1, UPPER0, XOR0), fold(a2, a3, UPPER0, XOR0), UPPER1, XOR1).intoArray(part, at);
    }

    /**
     * One butterfly step at lane distance w: lane i of the result is {@code x[i] + x[i^w]} where bit w of i
     * is clear, {@code y[i] + y[i^w]} where it is set. {@code upper} selects the lanes with bit w set,
     * {@code xor} maps i to i^w.
     */
    private static FloatVector fold(FloatVector x, FloatVector y, VectorMask<Float> upper, VectorShuffle<Float> xor) {
        return x.blend(y, upper).add(y.blend(x, upper).rearrange(xor));
    }

    /** Fold levels 0..3: lane distances LANES/2, LANES/4, LANES/8, LANES/16 (null past distance 1). */
    private static final VectorMask<Float> UPPER0 = upperLanes(LANES / 2), UPPER1 = upperLanes(LANES / 4),
            UPPER2 = upperLanes(LANES / 8), UPPER3 = upperLanes(LANES / 16);
    private static final VectorShuffle<Float> XOR0 = xorLanes(LANES / 2), XOR1 = xorLanes(LANES / 4),
            XOR2 = xorLanes(LANES / 8), XOR3 = xorLanes(LANES / 16);
    /** After log₂ LANES folds key t sits in lane bitrev(t): this shuffle gathers lane t from there. */
    private static final VectorShuffle<Float> UNPERMUTE = VectorShuffle.fromOp(F, AttentionDecode::bitReverse);

    private static VectorMask<Float> upperLanes(int w) {
        if (w < 1) return null;
        boolean[] upper = new boolean[LANES];
        for (int i = 0; i < LANES; i++) upper[i] = (i & w) != 0;
        return VectorMask.fromArray(F, upper, 0);
    }

    private static VectorShuffle<Float> xorLanes(int w) {
        return w < 1 ? null : VectorShuffle.fromOp(F, i -> i ^ w);
    }

    private static int bitReverse(int lane) {
        int r = 0;
        for (int b = 1, t = LANES / 2; b < LANES; b <<= 1, t >>= 1) if ((lane & b) != 0) r |= t;
        return r;
    }

    /**
     * Row r of the score tile: softcap, mask, causal; then the running max, {@code α = exp(m_old − m)},
     * {@code sc = exp(sc − m)} in place and {@code l = α·l + Σ sc}. The output row is rescaled by α here.
     */
    private static void softmaxRow(AttentionCall call, int b, int h, int i, int j0, int n, int r, Scratch s) {
        float[] sc = s.sc;
        int base = r * s.tile;
        float cap = call.s.softcap();
        if (cap > 0) softcap(sc, base, n, cap);
        if (call.hasMask()) {
            for (int jj = 0; jj < n; jj++) sc[base + jj] += call.bias(b, h, i, j0 + jj);
        }
        int visible = Math.max(0, Math.min(n, s.end[r] - j0));
        for (int jj = visible; jj < n; jj++) sc[base + jj] = Float.NEGATIVE_INFINITY;
        float old = s.m[r];
        // Scores left as the score pass wrote them: its running maxima hold their max (lanes past n in the last
        // block repeat key n − 1's score), so the tile is not read again for it.
        boolean untouched = cap == 0 && !call.hasMask() && visible == n;
        float now = Math.max(old, untouched ? FloatVector.fromArray(F, s.rmax, r * LANES).reduceLanes(VectorOperators.MAX)
                : max(sc, base, n));
        s.m[r] = now;
        // Only masked keys so far: exp(-inf − 0) = 0 instead of exp(-inf − -inf) = NaN.
        float safe = now == Float.NEGATIVE_INFINITY ? 0f : now;
        float alpha = (float) Math.exp((double) old - safe);
        s.l[r] = s.l[r] * alpha + expInPlace(sc, base, n, safe);
        s.alpha[r] = alpha;
    }

    // The vector passes of softmaxRow as small loops of their own: inside one big method C2 judged
    // VectorMath's calls "too large" to inline, and the vectors crossing them were boxed.

    /** {@code x = cap · tanh(x / cap)} over {@code x[from, from + n)}. */
    private static void softcap(float[] x, int from, int n, float cap) {
        float invCap = 1f / cap;
        for (int jj = 0; jj < n; jj += LANES) {
            VectorMask<Float> in = F.indexInRange(jj, n);
            FloatVector v = FloatVector.fromArray(F, x, from + jj, in);
            VectorMath.tanh(v.mul(invCap)).mul(cap).intoArray(x, from + jj, in);
        }
    }

    /**
     * The largest of {@code x[from, from + n)} (NaN if any is NaN, -inf for n = 0). Four running maxima: x86 has
     * no single instruction for {@code FloatVector.max} (Java's NaN and -0 rules), and one chain of them cost
     * ~4 ns per vector, 0.5 µs per 2048 scores, more than the exponentials. max is exact, so any order gives
     * the same bits.
     */
    private static float max(float[] x, int from, int n) {
        FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = mx, m2 = mx, m3 = mx;
        int jj = 0;
        for (int full4 = n - n % (4 * LANES); jj < full4; jj += 4 * LANES) {
            mx = mx.max(FloatVector.fromArray(F, x, from + jj));
            m1 = m1.max(FloatVector.fromArray(F, x, from + jj + LANES));
            m2 = m2.max(FloatVector.fromArray(F, x, from + jj + 2 * LANES));
            m3 = m3.max(FloatVector.fromArray(F, x, from + jj + 3 * LANES));
        }
        mx = mx.max(m1).max(m2.max(m3));
        for (int full = n - n % LANES; jj < full; jj += LANES) mx = mx.max(FloatVector.fromArray(F, x, from + jj));
        if (jj < n) {
            VectorMask<Float> in = F.indexInRange(jj, n);
            mx = mx.max(FloatVector.fromArray(F, x, from + jj, in).blend(Float.NEGATIVE_INFINITY, in.not()));
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    /** {@code x = exp(x − shift)} over {@code x[from, from + n)} (every x − shift ≤ 0), returning their sum. */
    private static float expInPlace(float[] x, int from, int n, float shift) {
        FloatVector sh = FloatVector.broadcast(F, shift), sum = FloatVector.zero(F);
        int jj = 0;
        for (int full = n - n % LANES; jj < full; jj += LANES) {
            FloatVector e = VectorMath.expNegative(FloatVector.fromArray(F, x, from + jj).sub(sh));
            e.intoArray(x, from + jj);
            sum = sum.add(e);
        }
        if (jj < n) {
            VectorMask<Float> in = F.indexInRange(jj, n);
            FloatVector e = VectorMath.expNegative(FloatVector.fromArray(F, x, from + jj, in).sub(sh)).blend(0f, in.not());
            e.intoArray(x, from + jj, in);
            sum = sum.add(e);
        }
        return LaneSum.of(sum);
    }

    /**
     * {@code Y = o / l} per row; a row whose keys were all masked ({@code l = 0}) is 0 as in the reference, a
     * row that comes out non-finite is recomputed by {@link AttentionCall#strictRow}.
     */
    private static void finish(AttentionCall call, int b, int kvh, int r0, int rows, Scratch s) {
        int S = call.s.qSeq(), dv = call.s.vHeadSize();
        float[] y = call.y.data();
        for (int r = 0; r < rows; r++) {
            int h = kvh * call.s.group() + (r0 + r) / S, i = (r0 + r) % S;
            int dst = call.y.at(b, h, i), src = r * s.dvPad;
            float l = s.l[r];
            // Every key masked (l = 0): Y = 0, unless an infinite V made o non-finite.
            FloatVector inv = FloatVector.broadcast(F, l == 0f ? 0f : 1f / l);
            // A non-finite o gives a non-finite out (inv is finite, and ±∞·0 is NaN), and a sum of vectors with a
            // non-finite lane is non-finite; a sum that overflows from finite outputs only costs a strict recompute.
            FloatVector check = FloatVector.zero(F);
            for (int c = 0; c < dv; c += LANES) {
                VectorMask<Float> in = F.indexInRange(c, dv);
                FloatVector out = FloatVector.fromArray(F, s.o, src + c).mul(inv); // o is zero past dv
                out.intoArray(y, dst + c, in);
                check = check.add(out);
            }
            boolean finite = !check.mul(0f).test(VectorOperators.IS_NAN).anyTrue();
            if (!finite) call.strictRow(b, h, i, s.strict(dv));
        }
    }

    /** {@code o[r] = α[r]·o[r] + Σ_jj sc[r][jj] · V[jj]}, each value row loaded once for all rows. */
    private static void accumulate(float[] v, int vRow, int vs, int n, int dv, int rows, Scratch s) {
        int dvPad = s.dvPad, full = dv - dv % LANES;
        for (int r = 0; r < rows; r++) {
            int c = 0;
            for (; c + 4 * LANES <= full; c += 4 * LANES) accumulate4(v, vRow + c, vs, n, s.sc, r * s.tile, s.o, r * dvPad + c, s.alpha[r]);
            for (; c < dv; c += LANES) accumulate1(v, vRow + c, vs, n, s.sc, r * s.tile, s.o, r * dvPad + c, s.alpha[r], F.indexInRange(c, dv));
        }
    }

    /**
     * Four vectors of one output row over the whole tile: V streams through once per row. Even and odd keys
     * go to separate accumulators (8 FMA chains), summed at the end, so the loop is not bound by FMA latency.
     */
    private static void accumulate4(float[] v, int v0, int vs, int n, float[] sc, int p0, float[] o, int out, float alpha) {
        FloatVector a0 = FloatVector.fromArray(F, o, out).mul(alpha), a1 = FloatVector.fromArray(F, o, out + LANES).mul(alpha);
        FloatVector a2 = FloatVector.fromArray(F, o, out + 2 * LANES).mul(alpha), a3 = FloatVector.fromArray(F, o, out + 3 * LANES).mul(alpha);
        FloatVector b0 = FloatVector.zero(F), b1 = b0, b2 = b0, b3 = b0;
        int jj = 0, row = v0;
        for (; jj + 2 <= n; jj += 2, row += 2 * vs) {
            FloatVector pb = FloatVector.broadcast(F, sc[p0 + jj]);
            FloatVector v0v = FloatVector.fromArray(F, v, row), v1v = FloatVector.fromArray(F, v, row + LANES);
            FloatVector v2v = FloatVector.fromArray(F, v, row + 2 * LANES), v3v = FloatVector.fromArray(F, v, row + 3 * LANES);
            a0 = FMA ? pb.fma(v0v, a0) : pb.mul(v0v).add(a0);
            a1 = FMA ? pb.fma(v1v, a1) : pb.mul(v1v).add(a1);
            a2 = FMA ? pb.fma(v2v, a2) : pb.mul(v2v).add(a2);
            a3 = FMA ? pb.fma(v3v, a3) : pb.mul(v3v).add(a3);
            int next = row + vs;
            pb = FloatVector.broadcast(F, sc[p0 + jj + 1]);
            v0v = FloatVector.fromArray(F, v, next); v1v = FloatVector.fromArray(F, v, next + LANES);
            v2v = FloatVector.fromArray(F, v, next + 2 * LANES); v3v = FloatVector.fromArray(F, v, next + 3 * LANES);
            b0 = FMA ? pb.fma(v0v, b0) : pb.mul(v0v).add(b0);
            b1 = FMA ? pb.fma(v1v, b1) : pb.mul(v1v).add(b1);
            b2 = FMA ? pb.fma(v2v, b2) : pb.mul(v2v).add(b2);
            b3 = FMA ? pb.fma(v3v, b3) : pb.mul(v3v).add(b3);
        }
        if (jj < n) {
            FloatVector pb = FloatVector.broadcast(F, sc[p0 + jj]);
            FloatVector v0v = FloatVector.fromArray(F, v, row), v1v = FloatVector.fromArray(F, v, row + LANES);
            FloatVector v2v = FloatVector.fromArray(F, v, row + 2 * LANES), v3v = FloatVector.fromArray(F, v, row + 3 * LANES);
            a0 = FMA ? pb.fma(v0v, a0) : pb.mul(v0v).add(a0);
            a1 = FMA ? pb.fma(v1v, a1) : pb.mul(v1v).add(a1);
            a2 = FMA ? pb.fma(v2v, a2) : pb.mul(v2v).add(a2);
            a3 = FMA ? pb.fma(v3v, a3) : pb.mul(v3v).add(a3);
        }
        a0.add(b0).intoArray(o, out); a1.add(b1).intoArray(o, out + LANES);
        a2.add(b2).intoArray(o, out + 2 * LANES); a3.add(b3).intoArray(o, out + 3 * LANES);
    }

    /** One vector of one output row, V loaded under {@code in} (the last columns of dv). */
    private static void accumulate1(float[] v, int v0, int vs, int n, float[] sc, int p0, float[] o, int out, float alpha,
                                    VectorMask<Float> in) {
        FloatVector a = FloatVector.fromArray(F, o, out).mul(alpha);
        for (int jj = 0, row = v0; jj < n; jj++, row += vs) {
            FloatVector pb = FloatVector.broadcast(F, sc[p0 + jj]), vv = FloatVector.fromArray(F, v, row, in);
            a = FMA ? pb.fma(vv, a) : pb.mul(vv).add(a);
        }
        a.intoArray(o, out);
    }

    /** Per-thread tiles, grown on demand and reused by every later call on the thread. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        int dPad, dvPad, tile;
        float[] qs = new float[0], o = new float[0];
        final float[] sc = new float[SCORES], part = new float[4 * LANES], rmax = new float[RB * LANES];
        final float[] m = new float[RB], l = new float[RB], alpha = new float[RB];
        final int[] end = new int[RB];
        private double[] strict = new double[0];

        double[] strict(int dv) {
            if (strict.length < dv) strict = new double[dv];
            return strict;
        }

        static Scratch get(int d, int dv) {
            Scratch s = LOCAL.get();
            s.dPad = (d + LANES - 1) / LANES * LANES;
            s.dvPad = (dv + LANES - 1) / LANES * LANES;
            if (s.qs.length < RB * s.dPad) s.qs = new float[RB * s.dPad];
            if (s.o.length < RB * s.dvPad) s.o = new float[RB * s.dvPad];
            return s;
        }
    }
}
