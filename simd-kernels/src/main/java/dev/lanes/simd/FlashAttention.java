package dev.lanes.simd;

import dev.lanes.reference.Attention;
import dev.lanes.reference.AttentionShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused multi-head attention, flash style: scores are computed one tile of keys at a time and folded into
 * the output with an online softmax (running max and sum, rescaled when the max grows — Milakov &
 * Gimelshein, arXiv:1805.02867; Dao et al., arXiv:2205.14135), so the {@code [S, L]} score matrix never
 * exists. Extra memory is a few tiles per thread, kept in a per-thread scratch reused across calls.
 *
 * <p><b>Queries in the lanes.</b> A task owns one (batch, query head, tile of {@link #MQ} queries) and puts
 * one query in each lane of {@link #QV} vectors. Then every step is a plain vertical vector operation:
 * <pre>
 *   qt [d ][MQ]  Q of the tile transposed and pre-scaled, zero past the last query (packed once per task)
 *   st [KT][MQ]  scores of one key tile: st[j] = Σ_p K[j][p] · qt[p]      (broadcast K, 6 keys × 4 vectors)
 *                then softcap, mask and causal, the lane-wise running max, p = exp(st − max) in place
 *   ot [dv][MQ]  output transposed:   ot[c] = α·ot[c] + Σ_j V[j][c] · st[j]  (broadcast V, 4 columns × 4 vectors)
 *   Y[i][c] = ot[c][i] / l[i]   at the end (transposed back into Y's layout)
 * </pre>
 * K and V are read in place through their strides (no packing), the softmax needs no horizontal
 * reductions, and head sizes that are not a multiple of the vector length (24, 40, 80) cost nothing
 * extra: d and dv are loop counts, never vector lengths. Query tails are zero lanes.
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
public final class FlashAttention implements Attention {

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
    /** Keys per tile: the score tile KT × MQ floats stays in L1 next to qt and ot. */
    static final int KT = 64;
    /** Below this many multiply-adds a call runs on the caller (forking costs more). */
    private static final long MIN_WORK_PER_SHARE = 1L << 16;
    /**
     * Up to this many query rows per kv head (q heads of a group × positions) {@link AttentionDecode} runs
     * instead: it streams K and V once for all of them, while a query tile here would leave most lanes empty.
     */
    static final int DECODE_MAX_ROWS = 8;

    private final Parallel par;

    /** The ONNX operator on the process-wide {@link Parallel#shared()} runtime. */
    public FlashAttention() {
        this(Parallel.shared());
    }

    /** The ONNX operator on {@code par}; results do not depend on its thread count. */
    public FlashAttention(Parallel par) {
        this.par = java.util.Objects.requireNonNull(par, "par");
    }

    /**
     * ONNX Attention on dense arrays in the layouts of {@link AttentionShape}: writes present_key and
     * present_value when asked (the past rows, then the new ones), qk_matmul_output when asked (which by
     * definition materialises the scores, see {@link AttentionScores}), and Y with the fused kernel —
     * {@link AttentionDecode} for a few query rows per kv head, the query-tiled kernel otherwise.
     */
    @Override
    public void attention(AttentionShape s, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                          float[] maskAdd, boolean[] maskBool, int maskOff,
                          float[] pastKey, int pastKeyOff, float[] pastValue, int pastValueOff,
                          int[] nonpadKvSeqlen, float[] y, int yOff,
                          float[] presentKey, int presentKeyOff, float[] presentValue, int presentValueOff,
                          float[] qk, int qkOff) {
        AttentionCall call = new AttentionCall(s, view(s, q, qOff, s.qHeads(), s.qSeq(), s.headSize()),
                s.hasPast() ? AttentionOperand.bhsd(pastKey, pastKeyOff, s.kvHeads(), s.pastSeq(), s.headSize()) : null,
                s.hasPast() ? AttentionOperand.bhsd(pastValue, pastValueOff, s.kvHeads(), s.pastSeq(), s.vHeadSize()) : null,
                view(s, k, kOff, s.kvHeads(), s.kvSeq(), s.headSize()), view(s, v, vOff, s.kvHeads(), s.kvSeq(), s.vHeadSize()),
                maskAdd, maskBool, maskOff, nonpadKvSeqlen, view(s, y, yOff, s.qHeads(), s.qSeq(), s.vHeadSize()));
        if (presentKey != null || presentValue != null) call.writePresent(presentKey, presentKeyOff, presentValue, presentValueOff);
        if (qk != null) AttentionScores.write(call, qk, qkOff);
        if (s.group() * s.qSeq() <= DECODE_MAX_ROWS) AttentionDecode.attend(call, par);
        else attend(call, par);
    }

    private static AttentionOperand view(AttentionShape s, float[] data, int offset, int heads, int rows, int cols) {
        if (data == null) throw new IllegalArgumentException("Attention input array is null");
        return s.threeD() ? AttentionOperand.bsHd(data, offset, heads, rows, cols) : AttentionOperand.bhsd(data, offset, heads, rows, cols);
    }

    /**
     * The prefill kernel: attention for every (batch, query head, query row) of {@code s} into {@code y},
     * with each operand read in place through its view. {@code s.threeD()} and {@code s.qkMode()} are not
     * used here (the views carry the layout).
     *
     * @param q     queries {@code [B, Hq, S, D]}
     * @param pastK cached keys {@code [B, Hkv, P, D]} (null without a past), then the new {@code k} {@code [B, Hkv, L, D]}
     * @param pastV cached values {@code [B, Hkv, P, Dv]} (null without a past), then the new {@code v}
     * @param maskAdd  additive mask (dense, dims {@code s.mask()}) or null
     * @param maskBool boolean mask (dense, dims {@code s.mask()}) or null
     * @param nonpad   nonpad_kv_seqlen ({@code B} values) or null
     * @param y     output {@code [B, Hq, S, Dv]}; exactly its elements are written
     * @param par   where to run; results do not depend on its thread count
     */
    public static void attend(AttentionShape s, AttentionOperand q, AttentionOperand pastK, AttentionOperand pastV,
                              AttentionOperand k, AttentionOperand v, float[] maskAdd, boolean[] maskBool, int maskOff,
                              int[] nonpad, AttentionOperand y, Parallel par) {
        attend(new AttentionCall(s, q, pastK, pastV, k, v, maskAdd, maskBool, maskOff, nonpad, y), par);
    }

    static void attend(AttentionCall call, Parallel par) {
        AttentionShape s = call.s;
        int qTiles = (s.qSeq() + MQ - 1) / MQ;
        long tasks = (long) s.batch() * s.qHeads() * qTiles;
        if (tasks == 0) return;
        if (tasks > Integer.MAX_VALUE) throw new IllegalArgumentException("Attention has too many query tiles: " + tasks);
        int shares = par.sharesFor(s.flops() / 2, MIN_WORK_PER_SHARE);
        par.forRange((int) tasks, 1, shares, (from, to) -> {
            Scratch sc = Scratch.get(s.headSize(), s.vHeadSize());
            for (int t = from; t < to; t++) {
                // Query tiles innermost: a contiguous share holds whole heads, so causal work balances.
                int tile = t % qTiles, bh = t / qTiles;
                queryTile(call, bh / s.qHeads(), bh % s.qHeads(), tile * MQ, sc);
            }
        });
    }

    /** One task: queries {@code [i0, i0 + MQ)} of head {@code h} in batch {@code b}. */
    static void queryTile(AttentionCall call, int b, int h, int i0, Scratch s) {
        AttentionShape shape = call.s;
        int d = shape.headSize(), dv = shape.vHeadSize();
        int rows = Math.min(MQ, shape.qSeq() - i0);
        int kvh = h / shape.group();
        packQueries(call.q.data(), call.q.at(b, h, i0), call.q.rowStride(), rows, d, shape.scale(), s.qt);
        java.util.Arrays.fill(s.m, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(s.l, 0f);
        java.util.Arrays.fill(s.ot, 0, dv * MQ, 0f);
        // No query of this tile sees keys past its last query's end (causal diagonal, nonpad).
        int keyEnd = call.keyEnd(b, i0 + rows - 1);
        int offset = call.causalOffset(b);
        boolean perKeyMask = call.hasMask() && call.maskSameForAllQueries();
        boolean perQueryMask = call.hasMask() && !call.maskSameForAllQueries();
        for (int j0 = 0; j0 < keyEnd; ) {
            int n = Math.min(KT, Math.min(keyEnd, call.segmentEnd(j0)) - j0);
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
            scores(call.keyData(j0), call.keyAt(b, kvh, j0), call.keyStride(j0), n, d, s.qt, s.st, bias, s.tmax);
            if (!fused) {
                if (perQueryMask) maskTile(call, b, h, i0, rows, j0, n, s.mt);
                adjust(call, b, h, i0, j0, n, diagonal, perKeyMask, perQueryMask, s);
            }
            exponentiate(n, s);
            accumulate(call.valueData(j0), call.valueAt(b, kvh, j0), call.valueStride(j0), n, dv, s.st, s.ot, s.alpha);
            j0 += n;
        }
        finish(call, b, h, i0, rows, s);
    }

    /** {@code qt[p][lane] = scale · Q[i0 + lane][p]}, zero for lanes past the last query. */
    static void packQueries(float[] q, int base, int rowStride, int rows, int d, float scale, float[] qt) {
        for (int lane = 0; lane < rows; lane++) {
            int row = base + lane * rowStride;
            for (int p = 0; p < d; p++) qt[p * MQ + lane] = q[row + p] * scale;
        }
        for (int lane = rows; lane < MQ; lane++) {
            for (int p = 0; p < d; p++) qt[p * MQ + lane] = 0f;
        }
    }

    /**
     * {@code st[jj] = Σ_p K[jj][p] · qt[p] + bias[jj]} for the {@code n} keys from row {@code kRow}, and
     * {@code tmax = max(tmax, st[jj])} lane-wise.
     */
    static void scores(float[] k, int kRow, int ks, int n, int d, float[] qt, float[] st, float[] bias, float[] tmax) {
        int jj = 0;
        for (; jj + 6 <= n; jj += 6) scores6(k, kRow + jj * ks, ks, d, qt, st, jj * MQ, bias, jj, tmax);
        for (; jj < n; jj++) scores1(k, kRow + jj * ks, d, qt, st, jj * MQ, bias, jj, tmax);
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
            a00 = (FMA ? kb.fma(q0, a00) : kb.mul(q0).add(a00)); a01 = (FMA ? kb.fma(q1, a01) : kb.mul(q1).add(a01)); a02 = (FMA ? kb.fma(q2, a02) : kb.mul(q2).add(a02)); a03 = (FMA ? kb.fma(q3, a03) : kb.mul(q3).add(a03));
            kb = FloatVector.broadcast(F, k[r1 + p]);
            a10 = (FMA ? kb.fma(q0, a10) : kb.mul(q0).add(a10)); a11 = (FMA ? kb.fma(q1, a11) : kb.mul(q1).add(a11)); a12 = (FMA ? kb.fma(q2, a12) : kb.mul(q2).add(a12)); a13 = (FMA ? kb.fma(q3, a13) : kb.mul(q3).add(a13));
            kb = FloatVector.broadcast(F, k[r2 + p]);
            a20 = (FMA ? kb.fma(q0, a20) : kb.mul(q0).add(a20)); a21 = (FMA ? kb.fma(q1, a21) : kb.mul(q1).add(a21)); a22 = (FMA ? kb.fma(q2, a22) : kb.mul(q2).add(a22)); a23 = (FMA ? kb.fma(q3, a23) : kb.mul(q3).add(a23));
            kb = FloatVector.broadcast(F, k[r3 + p]);
            a30 = (FMA ? kb.fma(q0, a30) : kb.mul(q0).add(a30)); a31 = (FMA ? kb.fma(q1, a31) : kb.mul(q1).add(a31)); a32 = (FMA ? kb.fma(q2, a32) : kb.mul(q2).add(a32)); a33 = (FMA ? kb.fma(q3, a33) : kb.mul(q3).add(a33));
            kb = FloatVector.broadcast(F, k[r4 + p]);
            a40 = (FMA ? kb.fma(q0, a40) : kb.mul(q0).add(a40)); a41 = (FMA ? kb.fma(q1, a41) : kb.mul(q1).add(a41)); a42 = (FMA ? kb.fma(q2, a42) : kb.mul(q2).add(a42)); a43 = (FMA ? kb.fma(q3, a43) : kb.mul(q3).add(a43));
            kb = FloatVector.broadcast(F, k[r5 + p]);
            a50 = (FMA ? kb.fma(q0, a50) : kb.mul(q0).add(a50)); a51 = (FMA ? kb.fma(q1, a51) : kb.mul(q1).add(a51)); a52 = (FMA ? kb.fma(q2, a52) : kb.mul(q2).add(a52)); a53 = (FMA ? kb.fma(q3, a53) : kb.mul(q3).add(a53));
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

    /** One key × four query vectors (the last {@code n mod 6} keys of a tile). */
    private static void scores1(float[] k, int r0, int d, float[] qt, float[] st, int out, float[] bias, int b0, float[] tmax) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0, qo = 0; p < d; p++, qo += MQ) {
            FloatVector kb = FloatVector.broadcast(F, k[r0 + p]);
            a0 = (FMA ? kb.fma(FloatVector.fromArray(F, qt, qo), a0) : kb.mul(FloatVector.fromArray(F, qt, qo)).add(a0));
            a1 = (FMA ? kb.fma(FloatVector.fromArray(F, qt, qo + LANES), a1) : kb.mul(FloatVector.fromArray(F, qt, qo + LANES)).add(a1));
            a2 = (FMA ? kb.fma(FloatVector.fromArray(F, qt, qo + 2 * LANES), a2) : kb.mul(FloatVector.fromArray(F, qt, qo + 2 * LANES)).add(a2));
            a3 = (FMA ? kb.fma(FloatVector.fromArray(F, qt, qo + 3 * LANES), a3) : kb.mul(FloatVector.fromArray(F, qt, qo + 3 * LANES)).add(a3));
        }
        float c = bias[b0];
        a0 = a0.add(c); a1 = a1.add(c); a2 = a2.add(c); a3 = a3.add(c);
        a0.intoArray(st, out); a1.intoArray(st, out + LANES); a2.intoArray(st, out + 2 * LANES); a3.intoArray(st, out + 3 * LANES);
        FloatVector.fromArray(F, tmax, 0).max(a0).intoArray(tmax, 0);
        FloatVector.fromArray(F, tmax, LANES).max(a1).intoArray(tmax, LANES);
        FloatVector.fromArray(F, tmax, 2 * LANES).max(a2).intoArray(tmax, 2 * LANES);
        FloatVector.fromArray(F, tmax, 3 * LANES).max(a3).intoArray(tmax, 3 * LANES);
    }

    /**
     * The mask of this tile transposed into {@code mt[jj][lane]} as an additive bias (boolean false and keys
     * past the mask's end become -inf), so the score pass reads it as vectors. Padding lanes get 0.
     */
    static void maskTile(AttentionCall call, int b, int h, int i0, int rows, int j0, int n, float[] mt) {
        for (int lane = 0; lane < rows; lane++) {
            for (int jj = 0; jj < n; jj++) mt[jj * MQ + lane] = call.bias(b, h, i0 + lane, j0 + jj);
        }
        for (int lane = rows; lane < MQ; lane++) {
            for (int jj = 0; jj < n; jj++) mt[jj * MQ + lane] = 0f;
        }
    }

    /**
     * Applies softcap, the mask and the causal diagonal to the raw score tile, in ONNX's order, and
     * recomputes the lane-wise tile max {@code tmax}.
     */
    private static void adjust(AttentionCall call, int b, int h, int i0, int j0, int n, boolean diagonal,
                               boolean perKey, boolean perQuery, Scratch s) {
        float cap = call.s.softcap(), invCap = cap > 0 ? 1f / cap : 0f;
        int offset = call.causalOffset(b);
        FloatVector neg = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector iota = FloatVector.broadcast(F, 0f).addIndex(1);
        float[] st = s.st;
        for (int c = 0; c < QV; c++) {
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
     * Moves the running max {@code m} to include the tile's {@code tmax}; then {@code st = exp(st − m)} in
     * place and {@code l = α·l + Σ st}, where {@code α = exp(m_old − m)} (left in {@code alpha} for the
     * output). A lane whose max is still -inf has seen only masked keys: it uses 0 as its max so that
     * exp(-inf − 0) = 0 instead of NaN, and its α is 0 (there is nothing to rescale).
     */
    private static void exponentiate(int n, Scratch s) {
        float[] st = s.st;
        FloatVector neg = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < QV; c++) {
            int o = c * LANES;
            FloatVector old = FloatVector.fromArray(F, s.m, o);
            FloatVector m = old.max(FloatVector.fromArray(F, s.tmax, o));
            m.intoArray(s.m, o);
            FloatVector safe = m.blend(0f, m.compare(VectorOperators.EQ, neg));
            FloatVector sum = FloatVector.zero(F);
            for (int jj = 0, at = o; jj < n; jj++, at += MQ) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(F, st, at).sub(safe));
                e.intoArray(st, at);
                sum = sum.add(e);
            }
            FloatVector alpha = VectorMath.exp(old.sub(safe));
            alpha.intoArray(s.alpha, o);
            (FMA ? FloatVector.fromArray(F, s.l, o).fma(alpha, sum) : FloatVector.fromArray(F, s.l, o).mul(alpha).add(sum)).intoArray(s.l, o);
        }
    }

    /** {@code ot[c] = α·ot[c] + Σ_jj V[jj][c] · st[jj]} for the {@code n} value rows from {@code vRow}. */
    static void accumulate(float[] v, int vRow, int vs, int n, int dv, float[] st, float[] ot, float[] alpha) {
        int c = 0;
        for (; c + 6 <= dv; c += 6) accumulate6(v, vRow + c, vs, n, st, ot, c * MQ, alpha);
        for (; c + 4 <= dv; c += 4) accumulate4(v, vRow + c, vs, n, st, ot, c * MQ, alpha);
        for (; c < dv; c++) accumulate1(v, vRow + c, vs, n, st, ot, c * MQ, alpha);
    }

    /** Four output columns × four query vectors: 16 accumulators, 4 loads and 4 broadcasts per 16 FMAs. */
    private static void accumulate4(float[] v, int v0, int vs, int n, float[] st, float[] ot, int out, float[] alpha) {
        FloatVector al0 = FloatVector.fromArray(F, alpha, 0), al1 = FloatVector.fromArray(F, alpha, LANES);
        FloatVector al2 = FloatVector.fromArray(F, alpha, 2 * LANES), al3 = FloatVector.fromArray(F, alpha, 3 * LANES);
        int o0 = out, o1 = o0 + MQ, o2 = o1 + MQ, o3 = o2 + MQ;
        FloatVector a00 = FloatVector.fromArray(F, ot, o0).mul(al0), a01 = FloatVector.fromArray(F, ot, o0 + LANES).mul(al1);
        FloatVector a02 = FloatVector.fromArray(F, ot, o0 + 2 * LANES).mul(al2), a03 = FloatVector.fromArray(F, ot, o0 + 3 * LANES).mul(al3);
        FloatVector a10 = FloatVector.fromArray(F, ot, o1).mul(al0), a11 = FloatVector.fromArray(F, ot, o1 + LANES).mul(al1);
        FloatVector a12 = FloatVector.fromArray(F, ot, o1 + 2 * LANES).mul(al2), a13 = FloatVector.fromArray(F, ot, o1 + 3 * LANES).mul(al3);
        FloatVector a20 = FloatVector.fromArray(F, ot, o2).mul(al0), a21 = FloatVector.fromArray(F, ot, o2 + LANES).mul(al1);
        FloatVector a22 = FloatVector.fromArray(F, ot, o2 + 2 * LANES).mul(al2), a23 = FloatVector.fromArray(F, ot, o2 + 3 * LANES).mul(al3);
        FloatVector a30 = FloatVector.fromArray(F, ot, o3).mul(al0), a31 = FloatVector.fromArray(F, ot, o3 + LANES).mul(al1);
        FloatVector a32 = FloatVector.fromArray(F, ot, o3 + 2 * LANES).mul(al2), a33 = FloatVector.fromArray(F, ot, o3 + 3 * LANES).mul(al3);
        for (int jj = 0, row = v0, at = 0; jj < n; jj++, row += vs, at += MQ) {
            FloatVector p0 = FloatVector.fromArray(F, st, at);
            FloatVector p1 = FloatVector.fromArray(F, st, at + LANES);
            FloatVector p2 = FloatVector.fromArray(F, st, at + 2 * LANES);
            FloatVector p3 = FloatVector.fromArray(F, st, at + 3 * LANES);
            FloatVector vb = FloatVector.broadcast(F, v[row]);
            a00 = (FMA ? vb.fma(p0, a00) : vb.mul(p0).add(a00)); a01 = (FMA ? vb.fma(p1, a01) : vb.mul(p1).add(a01)); a02 = (FMA ? vb.fma(p2, a02) : vb.mul(p2).add(a02)); a03 = (FMA ? vb.fma(p3, a03) : vb.mul(p3).add(a03));
            vb = FloatVector.broadcast(F, v[row + 1]);
            a10 = (FMA ? vb.fma(p0, a10) : vb.mul(p0).add(a10)); a11 = (FMA ? vb.fma(p1, a11) : vb.mul(p1).add(a11)); a12 = (FMA ? vb.fma(p2, a12) : vb.mul(p2).add(a12)); a13 = (FMA ? vb.fma(p3, a13) : vb.mul(p3).add(a13));
            vb = FloatVector.broadcast(F, v[row + 2]);
            a20 = (FMA ? vb.fma(p0, a20) : vb.mul(p0).add(a20)); a21 = (FMA ? vb.fma(p1, a21) : vb.mul(p1).add(a21)); a22 = (FMA ? vb.fma(p2, a22) : vb.mul(p2).add(a22)); a23 = (FMA ? vb.fma(p3, a23) : vb.mul(p3).add(a23));
            vb = FloatVector.broadcast(F, v[row + 3]);
            a30 = (FMA ? vb.fma(p0, a30) : vb.mul(p0).add(a30)); a31 = (FMA ? vb.fma(p1, a31) : vb.mul(p1).add(a31)); a32 = (FMA ? vb.fma(p2, a32) : vb.mul(p2).add(a32)); a33 = (FMA ? vb.fma(p3, a33) : vb.mul(p3).add(a33));
        }
        a00.intoArray(ot, o0); a01.intoArray(ot, o0 + LANES); a02.intoArray(ot, o0 + 2 * LANES); a03.intoArray(ot, o0 + 3 * LANES);
        a10.intoArray(ot, o1); a11.intoArray(ot, o1 + LANES); a12.intoArray(ot, o1 + 2 * LANES); a13.intoArray(ot, o1 + 3 * LANES);
        a20.intoArray(ot, o2); a21.intoArray(ot, o2 + LANES); a22.intoArray(ot, o2 + 2 * LANES); a23.intoArray(ot, o2 + 3 * LANES);
        a30.intoArray(ot, o3); a31.intoArray(ot, o3 + LANES); a32.intoArray(ot, o3 + 2 * LANES); a33.intoArray(ot, o3 + 3 * LANES);
    }

    /** Six output columns × four query vectors: 16 accumulators, 4 loads and 4 broadcasts per 16 FMAs. */
    private static void accumulate6(float[] v, int v0, int vs, int n, float[] st, float[] ot, int out, float[] alpha) {
        FloatVector al0 = FloatVector.fromArray(F, alpha, 0), al1 = FloatVector.fromArray(F, alpha, LANES);
        FloatVector al2 = FloatVector.fromArray(F, alpha, 2 * LANES), al3 = FloatVector.fromArray(F, alpha, 3 * LANES);
        int o0 = out, o1 = o0 + MQ, o2 = o1 + MQ, o3 = o2 + MQ, o4 = o3 + MQ, o5 = o4 + MQ;
        FloatVector a00 = FloatVector.fromArray(F, ot, o0).mul(al0), a01 = FloatVector.fromArray(F, ot, o0 + LANES).mul(al1);
        FloatVector a02 = FloatVector.fromArray(F, ot, o0 + 2 * LANES).mul(al2), a03 = FloatVector.fromArray(F, ot, o0 + 3 * LANES).mul(al3);
        FloatVector a10 = FloatVector.fromArray(F, ot, o1).mul(al0), a11 = FloatVector.fromArray(F, ot, o1 + LANES).mul(al1);
        FloatVector a12 = FloatVector.fromArray(F, ot, o1 + 2 * LANES).mul(al2), a13 = FloatVector.fromArray(F, ot, o1 + 3 * LANES).mul(al3);
        FloatVector a20 = FloatVector.fromArray(F, ot, o2).mul(al0), a21 = FloatVector.fromArray(F, ot, o2 + LANES).mul(al1);
        FloatVector a22 = FloatVector.fromArray(F, ot, o2 + 2 * LANES).mul(al2), a23 = FloatVector.fromArray(F, ot, o2 + 3 * LANES).mul(al3);
        FloatVector a30 = FloatVector.fromArray(F, ot, o3).mul(al0), a31 = FloatVector.fromArray(F, ot, o3 + LANES).mul(al1);
        FloatVector a32 = FloatVector.fromArray(F, ot, o3 + 2 * LANES).mul(al2), a33 = FloatVector.fromArray(F, ot, o3 + 3 * LANES).mul(al3);
        FloatVector a40 = FloatVector.fromArray(F, ot, o4).mul(al0), a41 = FloatVector.fromArray(F, ot, o4 + LANES).mul(al1);
        FloatVector a42 = FloatVector.fromArray(F, ot, o4 + 2 * LANES).mul(al2), a43 = FloatVector.fromArray(F, ot, o4 + 3 * LANES).mul(al3);
        FloatVector a50 = FloatVector.fromArray(F, ot, o5).mul(al0), a51 = FloatVector.fromArray(F, ot, o5 + LANES).mul(al1);
        FloatVector a52 = FloatVector.fromArray(F, ot, o5 + 2 * LANES).mul(al2), a53 = FloatVector.fromArray(F, ot, o5 + 3 * LANES).mul(al3);
        for (int jj = 0, row = v0, at = 0; jj < n; jj++, row += vs, at += MQ) {
            FloatVector p0 = FloatVector.fromArray(F, st, at);
            FloatVector p1 = FloatVector.fromArray(F, st, at + LANES);
            FloatVector p2 = FloatVector.fromArray(F, st, at + 2 * LANES);
            FloatVector p3 = FloatVector.fromArray(F, st, at + 3 * LANES);
            FloatVector vb = FloatVector.broadcast(F, v[row]);
            a00 = (FMA ? vb.fma(p0, a00) : vb.mul(p0).add(a00)); a01 = (FMA ? vb.fma(p1, a01) : vb.mul(p1).add(a01)); a02 = (FMA ? vb.fma(p2, a02) : vb.mul(p2).add(a02)); a03 = (FMA ? vb.fma(p3, a03) : vb.mul(p3).add(a03));
            vb = FloatVector.broadcast(F, v[row + 1]);
            a10 = (FMA ? vb.fma(p0, a10) : vb.mul(p0).add(a10)); a11 = (FMA ? vb.fma(p1, a11) : vb.mul(p1).add(a11)); a12 = (FMA ? vb.fma(p2, a12) : vb.mul(p2).add(a12)); a13 = (FMA ? vb.fma(p3, a13) : vb.mul(p3).add(a13));
            vb = FloatVector.broadcast(F, v[row + 2]);
            a20 = (FMA ? vb.fma(p0, a20) : vb.mul(p0).add(a20)); a21 = (FMA ? vb.fma(p1, a21) : vb.mul(p1).add(a21)); a22 = (FMA ? vb.fma(p2, a22) : vb.mul(p2).add(a22)); a23 = (FMA ? vb.fma(p3, a23) : vb.mul(p3).add(a23));
            vb = FloatVector.broadcast(F, v[row + 3]);
            a30 = (FMA ? vb.fma(p0, a30) : vb.mul(p0).add(a30)); a31 = (FMA ? vb.fma(p1, a31) : vb.mul(p1).add(a31)); a32 = (FMA ? vb.fma(p2, a32) : vb.mul(p2).add(a32)); a33 = (FMA ? vb.fma(p3, a33) : vb.mul(p3).add(a33));
            vb = FloatVector.broadcast(F, v[row + 4]);
            a40 = (FMA ? vb.fma(p0, a40) : vb.mul(p0).add(a40)); a41 = (FMA ? vb.fma(p1, a41) : vb.mul(p1).add(a41)); a42 = (FMA ? vb.fma(p2, a42) : vb.mul(p2).add(a42)); a43 = (FMA ? vb.fma(p3, a43) : vb.mul(p3).add(a43));
            vb = FloatVector.broadcast(F, v[row + 5]);
            a50 = (FMA ? vb.fma(p0, a50) : vb.mul(p0).add(a50)); a51 = (FMA ? vb.fma(p1, a51) : vb.mul(p1).add(a51)); a52 = (FMA ? vb.fma(p2, a52) : vb.mul(p2).add(a52)); a53 = (FMA ? vb.fma(p3, a53) : vb.mul(p3).add(a53));
        }
        a00.intoArray(ot, o0); a01.intoArray(ot, o0 + LANES); a02.intoArray(ot, o0 + 2 * LANES); a03.intoArray(ot, o0 + 3 * LANES);
        a10.intoArray(ot, o1); a11.intoArray(ot, o1 + LANES); a12.intoArray(ot, o1 + 2 * LANES); a13.intoArray(ot, o1 + 3 * LANES);
        a20.intoArray(ot, o2); a21.intoArray(ot, o2 + LANES); a22.intoArray(ot, o2 + 2 * LANES); a23.intoArray(ot, o2 + 3 * LANES);
        a30.intoArray(ot, o3); a31.intoArray(ot, o3 + LANES); a32.intoArray(ot, o3 + 2 * LANES); a33.intoArray(ot, o3 + 3 * LANES);
        a40.intoArray(ot, o4); a41.intoArray(ot, o4 + LANES); a42.intoArray(ot, o4 + 2 * LANES); a43.intoArray(ot, o4 + 3 * LANES);
        a50.intoArray(ot, o5); a51.intoArray(ot, o5 + LANES); a52.intoArray(ot, o5 + 2 * LANES); a53.intoArray(ot, o5 + 3 * LANES);
    }

    /** One output column × four query vectors (the last {@code dv mod 4} columns). */
    private static void accumulate1(float[] v, int v0, int vs, int n, float[] st, float[] ot, int out, float[] alpha) {
        FloatVector a0 = FloatVector.fromArray(F, ot, out).mul(FloatVector.fromArray(F, alpha, 0));
        FloatVector a1 = FloatVector.fromArray(F, ot, out + LANES).mul(FloatVector.fromArray(F, alpha, LANES));
        FloatVector a2 = FloatVector.fromArray(F, ot, out + 2 * LANES).mul(FloatVector.fromArray(F, alpha, 2 * LANES));
        FloatVector a3 = FloatVector.fromArray(F, ot, out + 3 * LANES).mul(FloatVector.fromArray(F, alpha, 3 * LANES));
        for (int jj = 0, row = v0, at = 0; jj < n; jj++, row += vs, at += MQ) {
            FloatVector vb = FloatVector.broadcast(F, v[row]);
            a0 = (FMA ? vb.fma(FloatVector.fromArray(F, st, at), a0) : vb.mul(FloatVector.fromArray(F, st, at)).add(a0));
            a1 = (FMA ? vb.fma(FloatVector.fromArray(F, st, at + LANES), a1) : vb.mul(FloatVector.fromArray(F, st, at + LANES)).add(a1));
            a2 = (FMA ? vb.fma(FloatVector.fromArray(F, st, at + 2 * LANES), a2) : vb.mul(FloatVector.fromArray(F, st, at + 2 * LANES)).add(a2));
            a3 = (FMA ? vb.fma(FloatVector.fromArray(F, st, at + 3 * LANES), a3) : vb.mul(FloatVector.fromArray(F, st, at + 3 * LANES)).add(a3));
        }
        a0.intoArray(ot, out); a1.intoArray(ot, out + LANES); a2.intoArray(ot, out + 2 * LANES); a3.intoArray(ot, out + 3 * LANES);
    }

    /**
     * {@code Y[i][c] = ot[c][i] / l[i]} for the tile's real queries, in Y's layout. A row whose keys were all
     * masked ({@code l = 0}) is 0, as in the reference; a row that comes out non-finite is recomputed by
     * {@link AttentionCall#strictRow} (see there why).
     */
    private static void finish(AttentionCall call, int b, int h, int i0, int rows, Scratch s) {
        float[] ot = s.ot, l = s.l, y = call.y.data();
        int dv = call.s.vHeadSize(), base = call.y.at(b, h, i0), rowStride = call.y.rowStride();
        for (int c = 0; c < QV; c++) {
            FloatVector sum = FloatVector.fromArray(F, l, c * LANES);
            FloatVector inv = FloatVector.broadcast(F, 1f).div(sum);
            inv.blend(0f, sum.compare(VectorOperators.EQ, 0f)).intoArray(l, c * LANES);
        }
        for (int lane = 0; lane < rows; lane++) {
            int row = base + lane * rowStride;
            float inv = l[lane];
            boolean finite = true;
            for (int c = 0; c < dv; c++) {
                // inv = 0 when every key was masked: Y = 0, unless an infinite V made ot non-finite.
                float o = ot[c * MQ + lane];
                finite &= Float.isFinite(o);
                y[row + c] = o * inv;
                finite &= Float.isFinite(y[row + c]);
            }
            if (!finite) call.strictRow(b, h, i0 + lane, s.strict(dv));
        }
    }

    /** Per-thread tiles, grown on demand and reused by every later call on the thread. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        float[] qt = new float[0], ot = new float[0];
        final float[] st = new float[KT * MQ], mt = new float[KT * MQ];
        final float[] m = new float[MQ], l = new float[MQ], alpha = new float[MQ], tmax = new float[MQ];
        final float[] keyBias = new float[KT], zeros = new float[KT];
        private double[] strict = new double[0];

        double[] strict(int dv) {
            if (strict.length < dv) strict = new double[dv];
            return strict;
        }

        static Scratch get(int d, int dv) {
            Scratch s = LOCAL.get();
            if (s.qt.length < d * MQ) s.qt = new float[d * MQ];
            if (s.ot.length < dv * MQ) s.ot = new float[dv * MQ];
            return s;
        }
    }
}
