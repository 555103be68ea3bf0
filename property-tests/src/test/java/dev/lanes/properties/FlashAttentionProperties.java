package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.AttentionShape.Mask;
import dev.lanes.reference.AttentionShape.MaskKind;
import dev.lanes.reference.ReferenceAttention;
import dev.lanes.simd.AttentionDecode;
import dev.lanes.simd.AttentionOperand;
import dev.lanes.simd.FlashAttention;
import dev.lanes.simd.Parallel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The fused attention kernels (FlashAttention's query-tiled prompt kernel and {@link AttentionDecode})
 * against {@link ReferenceAttention} on generated ONNX Attention problems: 3-D and 4-D layouts, S or L = 1,
 * head sizes that are not a multiple of any vector length, grouped-query heads, causal with S ≠ L and with
 * a past, softcap, additive (incl. BERT's float32-minimum) and boolean masks with every broadcast, masks
 * shorter than T, nonpad_kv_seqlen, rows with every key masked, -inf and NaN inputs, present_key/value and
 * qk_matmul_output; both kernels run every case, directly through strided views with padded rows, and
 * the operator ({@link FlashAttention}) runs it through the {@code Attention} interface. Thread counts 1, 2, 3 give identical bits.
 *
 * <p>Error bound: the reference's {@code terms} is {@code (1 + 2A)·Σ p·|v|} with A the largest score
 * magnitude (see ReferenceAttention). A fast score is an FMA chain over D (plus the scale folded into Q
 * and the mask add), so its error is about (D + 2)·u·A; exp adds 1.5 ulp; the output is an FMA chain over
 * T keys and the sum of probabilities another, each about T·u relative. Hence c = 2·(D + T) + 16 in units
 * of eps32 = 2u: the worst case with a factor 2 of room, growing with the work as GEMM's K + 4 does.
 */
@WidthSensitive
class FlashAttentionProperties {

    private static final Parallel TWO = Parallel.create(2);
    private static final Parallel THREE = Parallel.create(3);
    private static final ReferenceAttention REF = new ReferenceAttention();
    /** Multiply-adds per case, so that the double-precision reference stays fast. */
    private static final long WORK_CAP = 1_200_000;

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    /** What a case puts in the mask and where special values go. */
    enum MaskCase { NONE, ADD_FULL, ADD_PER_KEY, BERT_MIN, BERT_PADDED, BOOL_BROADCAST, BOOL_SHORT, ALL_MASKED_ROWS }

    enum Specials { NONE, NAN, NEG_INF, MIXED }

    record Case(int batch, int kvHeads, int group, int qSeq, int kvSeq, int pastSeq, int d, int dv, boolean threeD,
                boolean causal, float softcap, MaskCase mask, boolean nonpad, Specials specials, float qScale, long seed) {
        int qHeads() {
            return kvHeads * group;
        }

        int total() {
            return pastSeq + kvSeq;
        }

        @Override
        public String toString() {
            return "B=" + batch + " Hq=" + qHeads() + " Hkv=" + kvHeads + " S=" + qSeq + " L=" + kvSeq + " P=" + pastSeq
                    + " D=" + d + " Dv=" + dv + (threeD ? " 3-D" : " 4-D") + (causal ? " causal" : "")
                    + (softcap > 0 ? " softcap=" + softcap : "") + " mask=" + mask + (nonpad ? " nonpad" : "")
                    + " specials=" + specials + " qScale=" + qScale + " seed=" + seed;
        }
    }

    private static final List<Integer> HEAD_SIZES = List.of(1, 3, 8, 16, 24, 32, 40, 64, 80);

    private static Gen<Case> cases(int maxS, int maxL, Gen<Specials> specials) {
        Gen<Integer> batches = Generate.pick(List.of(1, 1, 2));
        Gen<Integer> kvHeads = Generate.pick(List.of(1, 1, 2, 3));
        Gen<Integer> groups = Generate.pick(List.of(1, 1, 2, 3, 4));
        Gen<Integer> qs = Sizes.between(1, maxS), ls = Sizes.between(1, maxL);
        Gen<Integer> pasts = Generate.pick(List.of(0, 0, 0, 1, 5, 70));
        Gen<Integer> heads = Generate.pick(HEAD_SIZES);
        Gen<Boolean> flags = org.quicktheories.generators.SourceDSL.booleans().all();
        Gen<Float> caps = Generate.pick(List.of(0f, 0f, 0f, 2.5f));
        Gen<MaskCase> masks = Generate.enumValues(MaskCase.class);
        Gen<Float> qScales = Generate.pick(List.of(1f, 1f, 4f, 20f));
        Gen<Long> seeds = Sizes.seeds();
        return in -> {
            int b = batches.generate(in), hkv = kvHeads.generate(in), g = groups.generate(in);
            int s = qs.generate(in), l = ls.generate(in), p = pasts.generate(in);
            int d = heads.generate(in), dv = flags.generate(in) ? d : heads.generate(in);
            long work = (long) b * hkv * g * s * (p + l) * (d + dv);
            while (work > WORK_CAP && (s > 1 || l > 1 || p > 0)) {
                if (p > 0) p /= 2;
                else if (l >= s) l = Math.max(1, l / 2);
                else s = Math.max(1, s / 2);
                work = (long) b * hkv * g * s * (p + l) * (d + dv);
            }
            return new Case(b, hkv, g, s, l, p, d, dv, flags.generate(in), flags.generate(in), caps.generate(in),
                    masks.generate(in), flags.generate(in) && flags.generate(in), specials.generate(in),
                    qScales.generate(in), seeds.generate(in));
        };
    }

    /** One problem's dense inputs (ONNX layouts) and its shape. */
    static final class Problem {
        final Case c;
        final AttentionShape shape;
        final float[] q, k, v, pastK, pastV, maskAdd;
        final boolean[] maskBool;
        final int[] nonpad;

        Problem(Case c) {
            this.c = c;
            SplittableRandom r = new SplittableRandom(c.seed());
            int b = c.batch(), hq = c.qHeads(), hkv = c.kvHeads(), t = c.total();
            q = scaled(Data.uniform(r.nextLong(), b * hq * c.qSeq() * c.d()), c.qScale());
            k = Data.uniform(r.nextLong(), b * hkv * c.kvSeq() * c.d());
            v = Data.uniform(r.nextLong(), b * hkv * c.kvSeq() * c.dv());
            pastK = c.pastSeq() > 0 ? Data.uniform(r.nextLong(), b * hkv * c.pastSeq() * c.d()) : null;
            pastV = c.pastSeq() > 0 ? Data.uniform(r.nextLong(), b * hkv * c.pastSeq() * c.dv()) : null;
            Mask mask = Mask.NONE;
            float[] add = null;
            boolean[] bool = null;
            switch (c.mask()) {
                case NONE -> { }
                case ADD_FULL -> {
                    mask = new Mask(MaskKind.ADDITIVE, b, hq, c.qSeq(), t);
                    add = Data.uniform(r.nextLong(), mask.size());
                    for (int i = 0; i < add.length; i++) if (r.nextInt(5) == 0) add[i] = Float.NEGATIVE_INFINITY;
                }
                case ADD_PER_KEY -> {
                    mask = new Mask(MaskKind.ADDITIVE, b, 1, 1, t);
                    add = Data.uniform(r.nextLong(), mask.size());
                    for (int i = 0; i < add.length; i++) if (r.nextInt(4) == 0) add[i] = Float.NEGATIVE_INFINITY;
                }
                case BERT_MIN -> {
                    // BERT exports (1 - attention_mask) · float32-min: padding keys get -3.4e38, not -inf.
                    mask = new Mask(MaskKind.ADDITIVE, b, 1, 1, t);
                    add = new float[mask.size()];
                    for (int i = 0; i < add.length; i++) add[i] = r.nextInt(3) == 0 ? -Float.MAX_VALUE : 0f;
                    if (r.nextBoolean()) java.util.Arrays.fill(add, 0, t, -Float.MAX_VALUE); // a batch with every key padding
                }
                case BERT_PADDED -> {
                    // A padded batch: entry b has its first len_b keys real (0) and the rest float32-min, the
                    // tail the prompt kernel skips (PaddedKeys); len_b = 0 (all padding) and = T (none) included.
                    mask = new Mask(MaskKind.ADDITIVE, b, 1, 1, t);
                    add = new float[mask.size()];
                    for (int bi = 0; bi < b; bi++) {
                        int len = r.nextInt(5) == 0 ? (r.nextBoolean() ? 0 : t) : r.nextInt(t + 1);
                        java.util.Arrays.fill(add, bi * t + len, (bi + 1) * t, -Float.MAX_VALUE);
                    }
                }
                case BOOL_BROADCAST -> {
                    mask = new Mask(MaskKind.BOOLEAN, 1, r.nextBoolean() ? hq : 1, c.qSeq(), t);
                    bool = new boolean[mask.size()];
                    for (int i = 0; i < bool.length; i++) bool[i] = r.nextInt(3) != 0;
                }
                case BOOL_SHORT -> {
                    // A mask shorter than T: ONNX pads it with false.
                    mask = new Mask(MaskKind.BOOLEAN, b, 1, c.qSeq(), Math.max(0, t - 1 - r.nextInt(Math.max(1, t))));
                    bool = new boolean[mask.size()];
                    for (int i = 0; i < bool.length; i++) bool[i] = r.nextInt(4) != 0;
                }
                case ALL_MASKED_ROWS -> {
                    mask = new Mask(MaskKind.ADDITIVE, 1, 1, c.qSeq(), t);
                    add = new float[mask.size()];
                    for (int i = 0; i < c.qSeq(); i++) {
                        boolean blank = r.nextInt(3) == 0;
                        for (int j = 0; j < t; j++) {
                            add[i * t + j] = blank || r.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : (float) r.nextDouble();
                        }
                    }
                }
            }
            maskAdd = add;
            maskBool = bool;
            if (c.nonpad()) {
                nonpad = new int[b];
                for (int i = 0; i < b; i++) nonpad[i] = r.nextInt(t + 1);
            } else {
                nonpad = null;
            }
            sprinkle(r, c.specials(), q, k, v, pastK, pastV);
            shape = new AttentionShape(b, hq, hkv, c.qSeq(), c.kvSeq(), c.pastSeq(), c.d(), c.dv(), c.threeD(),
                    AttentionShape.defaultScale(c.d()), c.softcap(), c.causal(), mask, c.pastSeq() > 0, c.nonpad(), 0);
        }

        private static float[] scaled(float[] a, float f) {
            for (int i = 0; i < a.length; i++) a[i] *= f;
            return a;
        }

        /** A few NaN / -inf / +inf values anywhere, masked keys included. */
        private static void sprinkle(SplittableRandom r, Specials sp, float[]... arrays) {
            if (sp == Specials.NONE) return;
            for (float[] a : arrays) {
                if (a == null || a.length == 0) continue;
                int n = 1 + r.nextInt(2);
                for (int i = 0; i < n; i++) {
                    float val = switch (sp) {
                        case NAN -> Float.NaN;
                        case NEG_INF -> Float.NEGATIVE_INFINITY;
                        default -> r.nextBoolean() ? Float.NaN : r.nextBoolean() ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                    };
                    if (r.nextInt(3) == 0) a[r.nextInt(a.length)] = val;
                }
            }
        }

        int ySize() {
            return shape.outputSize();
        }

        double bound() {
            return 2.0 * (c.d() + c.total()) + 16;
        }

        /**
         * Reference Y and its error scale. A row whose live scores are all -inf has Y = 0 with terms = ∞·0 = NaN:
         * such an element must then match exactly (terms 0).
         */
        float[] reference(double[] terms) {
            float[] y = new float[ySize()];
            REF.attention(shape, q, 0, k, 0, v, 0, maskAdd, maskBool, 0, pastK, 0, pastV, 0, nonpad, y, 0,
                    null, 0, null, 0, null, 0, terms);
            for (int i = 0; i < y.length; i++) if (Double.isNaN(terms[i]) && Float.isFinite(y[i])) terms[i] = 0;
            return y;
        }

        AttentionOperand view(float[] a, int heads, int rows, int cols) {
            return c.threeD() ? AttentionOperand.bsHd(a, 0, heads, rows, cols) : AttentionOperand.bhsd(a, 0, heads, rows, cols);
        }
    }

    /** Runs one kernel through strided views into a Y whose rows are padded; returns Y densely in ONNX layout. */
    private static float[] runKernel(Problem p, boolean decode, Parallel par) {
        Case c = p.c;
        int pad = 3, ldy = c.dv() + pad;
        int yRows = c.batch() * c.qHeads() * c.qSeq();
        Guarded out = new Guarded(Math.max(0, yRows * ldy - pad));
        // Y as [B, Hq, S, ldy]: each row padded by 3 elements that must stay untouched (NaN).
        AttentionOperand y = new AttentionOperand(out.array(), out.offset(), c.qHeads() * c.qSeq() * ldy, c.qSeq() * ldy, ldy);
        AttentionOperand pk = c.pastSeq() > 0 ? AttentionOperand.bhsd(p.pastK, 0, c.kvHeads(), c.pastSeq(), c.d()) : null;
        AttentionOperand pv = c.pastSeq() > 0 ? AttentionOperand.bhsd(p.pastV, 0, c.kvHeads(), c.pastSeq(), c.dv()) : null;
        AttentionOperand q = p.view(p.q, c.qHeads(), c.qSeq(), c.d());
        AttentionOperand k = p.view(p.k, c.kvHeads(), c.kvSeq(), c.d());
        AttentionOperand v = p.view(p.v, c.kvHeads(), c.kvSeq(), c.dv());
        if (decode) {
            AttentionDecode.attend(p.shape, q, pk, pv, k, v, p.maskAdd, p.maskBool, 0, p.nonpad, y, par);
        } else {
            FlashAttention.attend(p.shape, q, pk, pv, k, v, p.maskAdd, p.maskBool, 0, p.nonpad, y, par);
        }
        out.assertCanariesIntact();
        float[] region = out.region(), dense = new float[p.ySize()];
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.qHeads(); h++) {
                for (int i = 0; i < c.qSeq(); i++) {
                    int row = ((b * c.qHeads() + h) * c.qSeq() + i) * ldy;
                    for (int e = 0; e < c.dv(); e++) dense[p.shape.yIndex(b, h, i, e)] = region[row + e];
                    for (int e = c.dv(); e < ldy && row + e < region.length; e++) {
                        if (!Float.isNaN(region[row + e])) fail("kernel wrote row padding of Y at row " + row / ldy);
                    }
                }
            }
        }
        return dense;
    }

    private static void checkBothKernels(Case c) {
        Problem p = new Problem(c);
        double[] terms = new double[p.ySize()];
        float[] expected = p.reference(terms);
        float[] flash = runKernel(p, false, Parallel.callerOnly());
        Tolerance.assertClose("FlashAttention " + c, flash, expected, terms, p.bound());
        float[] decode = runKernel(p, true, Parallel.callerOnly());
        Tolerance.assertClose("AttentionDecode " + c, decode, expected, terms, p.bound());
        Guarded op = new Guarded(p.ySize());
        new FlashAttention(Parallel.callerOnly()).attention(p.shape, p.q, 0, p.k, 0, p.v, 0, p.maskAdd, p.maskBool, 0,
                p.pastK, 0, p.pastV, 0, p.nonpad, op.array(), op.offset(), null, 0, null, 0, null, 0);
        op.assertCanariesIntact();
        Tolerance.assertClose("FlashAttention operator " + c, op.region(), expected, terms, p.bound());
    }

    @Test
    void kernelsMatchTheReference() {
        Theories.qt(50).forAll(cases(90, 150, Generate.constant(Specials.NONE))).checkAssert(
                FlashAttentionProperties::checkBothKernels);
    }

    @Test
    void longSequencesCrossManyTiles() {
        Gen<Case> longOnes = in -> {
            SplittableRandom r = new SplittableRandom(Sizes.seeds().generate(in));
            int d = List.of(24, 40, 64, 80).get(r.nextInt(4));
            return new Case(1, 1, 1 + r.nextInt(2), 1 + r.nextInt(140), 300 + r.nextInt(400), r.nextBoolean() ? 0 : 37, d, d,
                    r.nextBoolean(), r.nextBoolean(), 0f, r.nextBoolean() ? MaskCase.ADD_PER_KEY : MaskCase.NONE, false,
                    Specials.NONE, 4f, r.nextLong());
        };
        Theories.qt(8).forAll(longOnes).checkAssert(FlashAttentionProperties::checkBothKernels);
    }

    @Test
    void nanAndInfinitiesPropagateAsInTheReference() {
        Theories.qt(40).forAll(cases(40, 70, Generate.pick(List.of(Specials.NAN, Specials.NEG_INF, Specials.MIXED))))
                .checkAssert(FlashAttentionProperties::checkBothKernels);
    }

    @Test
    void fullyMaskedRowsAreZeroNotNaN() {
        Gen<Case> blanked = cases(70, 100, Generate.constant(Specials.NONE)).map(c -> new Case(c.batch(), c.kvHeads(),
                c.group(), c.qSeq(), c.kvSeq(), c.pastSeq(), c.d(), c.dv(), c.threeD(), c.causal(), c.softcap(),
                MaskCase.ALL_MASKED_ROWS, c.nonpad(), Specials.NONE, c.qScale(), c.seed()));
        Theories.qt(20).forAll(blanked).checkAssert(c -> {
            checkBothKernels(c);
            Problem p = new Problem(c);
            for (float y : runKernel(p, false, Parallel.callerOnly())) assertFalse(Float.isNaN(y), "NaN in " + c);
        });
    }

    @Test
    void bertFloatMinimumMasksNeverGiveNaN() {
        Gen<Case> bert = cases(70, 100, Generate.constant(Specials.NONE)).map(c -> new Case(c.batch(), c.kvHeads(),
                c.group(), c.qSeq(), c.kvSeq(), 0, c.d(), c.dv(), true, false, 0f, MaskCase.BERT_MIN, false,
                Specials.NONE, c.qScale(), c.seed()));
        Theories.qt(20).forAll(bert).checkAssert(c -> {
            checkBothKernels(c);
            Problem p = new Problem(c);
            for (boolean decode : new boolean[] {false, true}) {
                for (float y : runKernel(p, decode, Parallel.callerOnly())) assertTrue(Float.isFinite(y), "non-finite Y in " + c);
            }
        });
    }

    /** The padding tail is skipped only where that is exact: NaN/∞ anywhere (padded K/V included) and large Q. */
    @Test
    void paddedKeysAreSkippedOnlyWhereExact() {
        Gen<Case> padded = cases(70, 100, Generate.pick(List.of(Specials.NONE, Specials.NAN, Specials.MIXED))).map(c -> new Case(
                c.batch(), c.kvHeads(), c.group(), c.qSeq(), c.kvSeq(), c.pastSeq(), c.d(), c.dv(), c.threeD(), c.causal(), 0f,
                MaskCase.BERT_PADDED, c.nonpad(), c.specials(), c.qScale(), c.seed()));
        Theories.qt(25).forAll(padded).checkAssert(FlashAttentionProperties::checkBothKernels);
    }

    @Test
    void threadCountsGiveIdenticalBits() {
        Theories.qt(15).forAll(cases(140, 140, Generate.constant(Specials.NONE))).checkAssert(c -> {
            Problem p = new Problem(c);
            for (boolean decode : new boolean[] {false, true}) {
                float[] one = runKernel(p, decode, Parallel.callerOnly());
                Tolerance.assertBitsEqual("2 threads " + c, runKernel(p, decode, TWO), one);
                Tolerance.assertBitsEqual("3 threads " + c, runKernel(p, decode, THREE), one);
            }
        });
    }

    @Test
    void presentAndQkOutputsMatchTheReference() {
        Gen<Integer> modes = Generate.pick(List.of(0, 1, 2, 3));
        Theories.qt(25).forAll(cases(20, 30, Generate.constant(Specials.NONE)), modes).checkAssert((c, mode) -> {
            Problem p = new Problem(c);
            AttentionShape s = new AttentionShape(p.shape.batch(), p.shape.qHeads(), p.shape.kvHeads(), p.shape.qSeq(),
                    p.shape.kvSeq(), p.shape.pastSeq(), p.shape.headSize(), p.shape.vHeadSize(), p.shape.threeD(),
                    p.shape.scale(), p.shape.softcap(), p.shape.causal(), p.shape.mask(), p.shape.hasPast(),
                    p.shape.hasNonpad(), mode);
            int pkSize = Dims4.size(s.presentKeyShape()), pvSize = Dims4.size(s.presentValueShape()), qkSize = Dims4.size(s.qkShape());
            float[] y = new float[s.outputSize()], pk = new float[pkSize], pv = new float[pvSize], qk = new float[qkSize];
            float[] ry = new float[s.outputSize()], rpk = new float[pkSize], rpv = new float[pvSize], rqk = new float[qkSize];
            REF.attention(s, p.q, 0, p.k, 0, p.v, 0, p.maskAdd, p.maskBool, 0, p.pastK, 0, p.pastV, 0, p.nonpad,
                    ry, 0, rpk, 0, rpv, 0, rqk, 0);
            Guarded gpk = new Guarded(pkSize), gpv = new Guarded(pvSize), gqk = new Guarded(qkSize);
            new FlashAttention(Parallel.callerOnly()).attention(s, p.q, 0, p.k, 0, p.v, 0, p.maskAdd, p.maskBool, 0,
                    p.pastK, 0, p.pastV, 0, p.nonpad, y, 0, gpk.array(), gpk.offset(), gpv.array(), gpv.offset(),
                    gqk.array(), gqk.offset());
            gpk.assertCanariesIntact();
            gpv.assertCanariesIntact();
            gqk.assertCanariesIntact();
            Tolerance.assertBitsEqual("present_key " + c, gpk.region(), rpk);
            Tolerance.assertBitsEqual("present_value " + c, gpv.region(), rpv);
            // Both compute qk_matmul_output in double and round once: a few ulps of the score at most.
            double[] qkTerms = new double[qkSize];
            for (int i = 0; i < qkSize; i++) qkTerms[i] = Math.abs(rqk[i]) + 1e-6;
            Tolerance.assertClose("qk_matmul_output mode " + mode + " " + c, gqk.region(), rqk, qkTerms, 4);
        });
    }

    /** Sizes of small int[] shapes. */
    private static final class Dims4 {
        static int size(int[] dims) {
            int n = 1;
            for (int d : dims) n *= d;
            return n;
        }
    }

    @Test
    void badViewsAreRejectedWithTheirName() {
        AttentionShape s = AttentionShape.of(1, 2, 2, 4, 5, 8, 8);
        float[] q = new float[2 * 4 * 8], k = new float[2 * 5 * 8], v = new float[2 * 5 * 8], y = new float[2 * 4 * 8];
        AttentionOperand qv = AttentionOperand.bhsd(q, 0, 2, 4, 8), kv = AttentionOperand.bhsd(k, 0, 2, 5, 8);
        AttentionOperand vv = AttentionOperand.bhsd(v, 0, 2, 5, 8), yv = AttentionOperand.bhsd(y, 0, 2, 4, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlashAttention.attend(s, qv, null, null,
                AttentionOperand.bhsd(new float[10], 0, 2, 5, 8), vv, null, null, 0, null, yv, Parallel.callerOnly()));
        assertTrue(e.getMessage().contains("Attention K"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionDecode.attend(s, qv, null, null, kv, vv, null, null, 0,
                null, AttentionOperand.bhsd(y, 1, 2, 4, 8), Parallel.callerOnly()));
        assertTrue(e.getMessage().contains("Attention Y"), e.getMessage());
        AttentionShape padded = new AttentionShape(1, 2, 2, 4, 5, 0, 8, 8, false, 0.3f, 0f, false, Mask.NONE, false, true, 0);
        e = assertThrows(IllegalArgumentException.class, () -> FlashAttention.attend(padded, qv, null, null, kv, vv, null, null,
                0, new int[] {6}, yv, Parallel.callerOnly()));
        assertTrue(e.getMessage().contains("nonpad_kv_seqlen"), e.getMessage());
        AttentionShape masked = new AttentionShape(1, 2, 2, 4, 5, 0, 8, 8, false, 0.3f, 0f, false,
                new Mask(MaskKind.ADDITIVE, 1, 1, 4, 5), false, false, 0);
        e = assertThrows(IllegalArgumentException.class, () -> FlashAttention.attend(masked, qv, null, null, kv, vv,
                new float[19], null, 0, null, yv, Parallel.callerOnly()));
        assertTrue(e.getMessage().contains("attn_mask"), e.getMessage());
        assertEquals(0f, y[0]);
    }
}
