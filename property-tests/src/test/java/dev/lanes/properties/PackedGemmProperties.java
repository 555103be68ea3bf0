package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.lanes.reference.GemmShape;
import dev.lanes.reference.MatMulShape;
import dev.lanes.reference.ReferenceGemm;
import dev.lanes.reference.ReferenceMatMul;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * PackedGemm against ReferenceGemm / ReferenceMatMul: random data within DESIGN.md's bound, small
 * integers bit for bit, every epilogue, transposes, leading dimensions, offsets, alpha and beta, the
 * GEMV path (M ≤ 4), batched and broadcast MatMul, and bit-identical results for 1, 2 and 3 threads.
 *
 * <p>Error bound: every element of a fast GEMM is one fp32 FMA chain over K (plus alpha, one beta FMA
 * and the epilogue's adds), so |y − r| ≤ γ(K+4)·Σ|terms| with γ(n) ≈ n·u, u = eps32/2: c = K + 4 in
 * units of eps32 is that bound with a factor 2 of room, times the activation's Lipschitz constant.
 */
@WidthSensitive
class PackedGemmProperties {

    private static final Parallel TWO = Parallel.create(2);
    private static final Parallel THREE = Parallel.create(3);
    private static final Parallel FOUR = Parallel.create(4);
    private static final Parallel FIVE = Parallel.create(5);
    private static final Parallel EIGHT = Parallel.create(8);
    private static final ReferenceGemm REF = new ReferenceGemm();

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
        FOUR.close();
        FIVE.close();
        EIGHT.close();
    }

    /** Block and tile boundaries ±1 of every width's kernels (MR 4/6/12, NR 8/16/32, KC 256, MC 96/48). */
    private static final List<Integer> BOUNDARIES = List.of(1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 15, 16, 17, 23, 24, 25,
            31, 32, 33, 47, 48, 49, 63, 64, 65, 95, 96, 97, 191, 192, 193, 255, 256, 257, 383, 384, 385, 511, 512, 513, 600);

    private static Gen<Integer> dim(int lo, int hi) {
        List<Integer> inRange = new ArrayList<>();
        for (int b : BOUNDARIES) if (b >= lo && b <= hi) inRange.add(b);
        return Generate.pick(inRange).mix(Sizes.between(lo, hi), 50);
    }

    /** One GEMM problem: dims (product capped so the reference stays fast), layout and scalars. */
    record Case(int m, int n, int k, boolean transA, boolean transB, int padA, int padB, int padC, int offset,
                float alpha, float beta, long seed) {
        int lda() { return (transA ? m : k) + padA; }
        int ldb() { return (transB ? k : n) + padB; }
        int ldc() { return n + padC; }
        @Override
        public String toString() {
            return "M=" + m + " N=" + n + " K=" + k + (transA ? " transA" : "") + (transB ? " transB" : "")
                    + " pads=" + padA + "/" + padB + "/" + padC + " off=" + offset + " alpha=" + alpha + " beta=" + beta + " seed=" + seed;
        }
    }

    private static final long MAC_CAP = 1_500_000;

    private static Gen<Case> cases(int mLo, int mHi, int nHi, int kHi) {
        Gen<Integer> ms = dim(mLo, mHi), ns = dim(1, nHi), ks = dim(1, kHi);
        Gen<Boolean> flags = booleans().all();
        Gen<Integer> pads = Generate.pick(List.of(0, 0, 1, 3, 17));
        Gen<Float> alphas = Generate.pick(List.of(1f, 1f, -0.5f, 2f));
        Gen<Float> betas = Generate.pick(List.of(0f, 0f, 1f, 0.25f));
        Gen<Long> seeds = Sizes.seeds();
        Gen<Integer> offsets = Generate.pick(List.of(0, 5));
        return in -> {
            int m = ms.generate(in), n = ns.generate(in), k = ks.generate(in);
            if ((long) m * n * k > MAC_CAP) k = (int) Math.max(1, MAC_CAP / ((long) m * n));
            return new Case(m, n, k, flags.generate(in), flags.generate(in), pads.generate(in), pads.generate(in),
                    pads.generate(in), offsets.generate(in), alphas.generate(in), betas.generate(in), seeds.generate(in));
        };
    }

    /** Operands of a case: dense ones for the reference, strided copies for the kernel. */
    static final class Operands {
        final Case c;
        final float[] a, b, c0;          // dense: A as stored (M×K or K×M), B as stored, C M×N
        final float[] aPad, bPad;        // with leading dimensions and offset

        Operands(Case c, boolean integers) {
            this.c = c;
            int aRows = c.transA() ? c.k() : c.m(), aCols = c.transA() ? c.m() : c.k();
            int bRows = c.transB() ? c.n() : c.k(), bCols = c.transB() ? c.k() : c.n();
            a = integers ? Data.smallIntegers(c.seed(), aRows * aCols, 3) : Data.uniform(c.seed(), aRows * aCols);
            b = integers ? Data.smallIntegers(c.seed() + 1, bRows * bCols, 3) : Data.uniform(c.seed() + 1, bRows * bCols);
            c0 = integers ? Data.smallIntegers(c.seed() + 2, c.m() * c.n(), 50) : Data.uniform(c.seed() + 2, c.m() * c.n());
            aPad = strided(a, aRows, aCols, c.lda(), c.offset());
            bPad = strided(b, bRows, bCols, c.ldb(), c.offset());
        }

        /** The output region with its row padding (NaN, must stay NaN) and canaries; C preloaded. */
        Guarded output() {
            int ldc = c.ldc();
            Guarded g = new Guarded((c.m() - 1) * ldc + c.n());
            for (int i = 0; i < c.m(); i++) {
                System.arraycopy(c0, i * c.n(), g.array(), g.offset() + i * ldc, c.n());
            }
            return g;
        }

        /** The M×N result out of a strided output, checking that the row padding was not written. */
        float[] result(Guarded g) {
            g.assertCanariesIntact();
            int ldc = c.ldc();
            float[] r = g.region(), out = new float[c.m() * c.n()];
            for (int i = 0; i < c.m(); i++) {
                System.arraycopy(r, i * ldc, out, i * c.n(), c.n());
                for (int j = c.n(); j < ldc && i < c.m() - 1; j++) {
                    if (!Float.isNaN(r[i * ldc + j])) throw new AssertionError(c + ": wrote row padding at (" + i + ", " + j + ")");
                }
            }
            return out;
        }

        /** Runs the fast GEMM (pre-packed B) with an epilogue on the given threads. */
        float[] fast(Epilogue ep, Parallel par) {
            PackedB pb = PackedGemm.packB(c.k(), c.n(), bPad, c.offset(), c.ldb(), c.transB());
            Guarded g = output();
            PackedGemm.gemm(c.m(), c.n(), c.k(), aPad, c.offset(), c.lda(), c.transA(), c.alpha(), pb,
                    g.array(), g.offset(), c.ldc(), c.beta(), ep, par);
            return result(g);
        }

        /** Runs the unpacked overload (packs B per call). */
        float[] fastUnpacked(Epilogue ep, Parallel par) {
            Guarded g = output();
            PackedGemm.gemm(c.m(), c.n(), c.k(), aPad, c.offset(), c.lda(), c.transA(), bPad, c.offset(), c.ldb(), c.transB(),
                    c.alpha(), g.array(), g.offset(), c.ldc(), c.beta(), ep, par);
            return result(g);
        }

        /** The reference product alpha·op(A)·op(B) + beta·C, with its terms. */
        float[] reference(double[] terms) {
            GemmShape s = new GemmShape(c.m(), c.n(), c.k(), c.transA(), c.transB(), c.alpha(), c.beta(),
                    c.beta() == 0f ? 0 : c.m(), c.beta() == 0f ? 0 : c.n());
            float[] y = new float[c.m() * c.n()];
            REF.gemm(s, a, 0, b, 0, c0, 0, y, 0, terms);
            return y;
        }
    }

    static float[] strided(float[] x, int rows, int cols, int ld, int off) {
        float[] out = new float[off + Math.max(0, (rows - 1) * ld + cols) + 3];
        java.util.Arrays.fill(out, Float.NaN); // padding is never read: NaN there would show
        for (int i = 0; i < rows; i++) System.arraycopy(x, i * cols, out, off + i * ld, cols);
        return out;
    }

    private static double bound(Case c, double lipschitz) {
        return (c.k() + 4) * Math.max(1, lipschitz);
    }

    @Test
    void randomDataWithinTheBound() {
        Theories.qt(40).forAll(cases(1, 600, 600, 600)).checkAssert(c -> {
            Operands o = new Operands(c, false);
            double[] terms = new double[c.m() * c.n()];
            float[] expected = o.reference(terms);
            Tolerance.assertClose("PackedGemm " + c, o.fast(Epilogue.NONE, Parallel.callerOnly()), expected, terms, bound(c, 1));
        });
    }

    @Test
    void wideProductsWithinTheBound() {
        // N > 256 packs A in blocks (at 512 bits narrower N read A in place): keep that path busy too.
        Gen<Case> wide = cases(5, 200, 600, 600).map(c -> c.n() > 256 ? c : new Case(c.m(), 257 + c.n() % 300,
                Math.max(1, Math.min(c.k(), (int) (MAC_CAP / ((long) c.m() * (257 + c.n() % 300))))), c.transA(), c.transB(),
                c.padA(), c.padB(), c.padC(), c.offset(), c.alpha(), c.beta(), c.seed()));
        Theories.qt(30).forAll(wide).checkAssert(c -> {
            Operands o = new Operands(c, false);
            double[] terms = new double[c.m() * c.n()];
            float[] expected = o.reference(terms);
            Tolerance.assertClose("PackedGemm " + c, o.fast(Epilogue.NONE, Parallel.callerOnly()), expected, terms, bound(c, 1));
        });
    }

    @Test
    void longKGoesThroughSeveralKBlocks() {
        // K > 1536 is cut into k-blocks whose sums meet in C (1025..1536 is one block): random data within the bound, integers exact,
        // both A paths (N ≤ 256 reads A in place over all of K) and 1 or 2 threads.
        Gen<Case> longK = cases(5, 40, 400, 2600).map(c -> new Case(c.m(), c.n(), 1025 + c.k() % 1600, c.transA(), c.transB(),
                c.padA(), c.padB(), c.padC(), c.offset(), c.alpha(), c.beta(), c.seed()));
        Theories.qt(15).forAll(longK, booleans().all()).checkAssert((c, exact) -> {
            Case e = exact ? new Case(c.m(), c.n(), c.k(), c.transA(), c.transB(), c.padA(), c.padB(), c.padC(), c.offset(),
                    1f, c.beta() == 0f ? 0f : 1f, c.seed()) : c;
            Operands o = new Operands(e, exact);
            double[] terms = new double[e.m() * e.n()];
            float[] expected = o.reference(terms);
            float[] one = o.fast(Epilogue.NONE, Parallel.callerOnly());
            if (exact) Tolerance.assertBitsEqual("PackedGemm exact long K " + e, one, expected);
            else Tolerance.assertClose("PackedGemm long K " + e, one, expected, terms, bound(e, 1));
            Tolerance.assertBitsEqual("PackedGemm long K, 2 threads vs 1, " + e, o.fast(Epilogue.NONE, TWO), one);
        });
    }

    @Test
    void fewRowsPathWithinTheBound() {
        // M ≤ 8 reads A in place (M = 1 GEMV, 4-row and 6-row blocks over panel pairs; M ≤ 4 on narrow vectors),
        // 9 is the first blocked M; an odd panel count leaves a lone last panel. 2 threads split the panel pairs.
        Theories.qt(40).forAll(cases(1, 9, 1100, 700)).checkAssert(c -> {
            Operands o = new Operands(c, false);
            double[] terms = new double[c.m() * c.n()];
            float[] expected = o.reference(terms);
            float[] one = o.fast(Epilogue.NONE, Parallel.callerOnly());
            Tolerance.assertClose("PackedGemm few rows " + c, one, expected, terms, bound(c, 1));
            Tolerance.assertBitsEqual("PackedGemm few rows, 2 threads vs 1, " + c, o.fast(Epilogue.NONE, TWO), one);
        });
    }

    @Test
    void gemvGivesTheBitsOfItsRowInAFewRowProduct() {
        // M = 1 streams pairs of panels (Gemv1x4v), then a lone panel; every C element is one FMA chain over K in order,
        // as in the few-row blocks, so a row's bits must not depend on M, on how the panels were grouped or on the threads
        // (1, 2, 3, 5, 8 split the panel pairs). N up to 41 panels of the widest NR.
        Theories.qt(40).forAll(dim(1, 1300), dim(1, 700), integers().between(0, 9), Sizes.seeds()).checkAssert((n, k, choice, seed) -> {
            int threads = new int[] {1, 2, 3, 5, 8}[choice % 5];
            float alpha = choice < 5 ? 1f : -0.5f, beta = choice < 5 ? 0f : 0.25f;
            float[] row = Data.uniform(seed, k), b = Data.uniform(seed + 1, k * n), c0 = Data.uniform(seed + 2, n);
            PackedB pb = PackedGemm.packB(k, n, b, 0, n, false);
            float[] two = new float[2 * k], twoC = new float[2 * n];
            System.arraycopy(row, 0, two, 0, k);
            System.arraycopy(row, 0, two, k, k);
            System.arraycopy(c0, 0, twoC, 0, n);
            System.arraycopy(c0, 0, twoC, n, n);
            PackedGemm.gemm(2, n, k, two, 0, k, false, alpha, pb, twoC, 0, n, beta, Epilogue.NONE, Parallel.callerOnly());
            float[] one = c0.clone();
            if (threads == 1) {
                PackedGemm.gemm(1, n, k, row, 0, k, false, alpha, pb, one, 0, n, beta, Epilogue.NONE, Parallel.callerOnly());
            } else {
                try (Parallel par = Parallel.create(threads)) {
                    PackedGemm.gemm(1, n, k, row, 0, k, false, alpha, pb, one, 0, n, beta, Epilogue.NONE, par);
                }
            }
            String what = "GEMV N=" + n + " K=" + k + " alpha=" + alpha + " beta=" + beta + " threads=" + threads + " seed=" + seed;
            Tolerance.assertBitsEqual(what + ", row 0 of M=2", one, java.util.Arrays.copyOfRange(twoC, 0, n));
            Tolerance.assertBitsEqual(what + ", row 1 of M=2", one, java.util.Arrays.copyOfRange(twoC, n, 2 * n));
        });
    }

    @Test
    void packedAIsSharedByTheThreadsOfFewRowProducts() {
        // M ≤ 192 on 2-3 threads: A is packed once (all of K, k-blocks included) and the threads split N.
        // Within the bound, and the same bits as 1 thread; K past 1536 takes two k-blocks.
        Gen<Case> few = cases(9, 192, 700, 1800).map(c -> {
            int n = 257 + c.n() % 300, k = c.k() % 3 == 0 ? 1537 + c.k() % 200 : c.k();
            int m = (int) Math.max(9, Math.min(c.m(), 6_000_000L / ((long) n * k)));
            return new Case(m, n, k, c.transA(), c.transB(), c.padA(), c.padB(), c.padC(), c.offset(), c.alpha(), c.beta(), c.seed());
        });
        Theories.qt(12).forAll(few, integers().between(2, 3)).checkAssert((c, threads) -> {
            Operands o = new Operands(c, false);
            double[] terms = new double[c.m() * c.n()];
            float[] expected = o.reference(terms);
            float[] one = o.fast(Epilogue.NONE, Parallel.callerOnly());
            float[] many = o.fast(Epilogue.NONE, threads == 2 ? TWO : THREE);
            Tolerance.assertClose("PackedGemm shared A " + c + " threads=" + threads, many, expected, terms, bound(c, 1));
            Tolerance.assertBitsEqual("PackedGemm shared A, " + threads + " threads vs 1, " + c, many, one);
        });
    }

    @Test
    void packedAIsSharedByManyThreadsWithAnEpilogue() {
        // The shared A is packed lazily, each panel by the first of up to 4 threads that needs it, the threads
        // starting at different row panels; with an epilogue applied on each tile's last k-block.
        Gen<Case> few = cases(9, 192, 700, 900).map(c -> new Case(c.m(), 257 + c.n() % 400, Math.max(c.k(), 64), c.transA(), c.transB(),
                c.padA(), c.padB(), c.padC(), c.offset(), c.alpha(), c.beta(), c.seed()));
        Theories.qt(10).forAll(few).checkAssert(c -> {
            Operands o = new Operands(c, false);
            Epilogue ep = Epilogue.of(Activation.RELU).withBiasPerColumn(Data.uniform(c.seed() + 3, c.n()), 0);
            float[] one = o.fast(ep, Parallel.callerOnly());
            Tolerance.assertBitsEqual("PackedGemm shared A, 4 threads vs 1, " + c, o.fast(ep, FOUR), one);
            Tolerance.assertBitsEqual("PackedGemm shared A, 3 threads vs 1, " + c, o.fast(ep, THREE), one);
        });
    }

    @Test
    void manyRowsSplitOverRowsAndColumnsGiveTheSameBits() {
        // M > 192: each share packs its own rows; 2, 3 and 4 threads cut the grid as 2×1, 3×1, 2×2 or 1×n.
        Gen<Case> tall = cases(193, 420, 600, 300).map(c -> new Case(c.m(), 257 + c.n() % 340, Math.max(c.k(), 40), c.transA(), c.transB(),
                c.padA(), c.padB(), c.padC(), c.offset(), c.alpha(), c.beta(), c.seed()));
        Theories.qt(8).forAll(tall).checkAssert(c -> {
            Operands o = new Operands(c, false);
            double[] terms = new double[c.m() * c.n()];
            float[] expected = o.reference(terms);
            float[] one = o.fast(Epilogue.NONE, Parallel.callerOnly());
            float[] four = o.fast(Epilogue.NONE, FOUR);
            Tolerance.assertClose("PackedGemm tall " + c + " threads=4", four, expected, terms, bound(c, 1));
            Tolerance.assertBitsEqual("PackedGemm tall, 4 threads vs 1, " + c, four, one);
            Tolerance.assertBitsEqual("PackedGemm tall, 2 threads vs 1, " + c, o.fast(Epilogue.NONE, TWO), one);
            Tolerance.assertBitsEqual("PackedGemm tall, 3 threads vs 1, " + c, o.fast(Epilogue.NONE, THREE), one);
        });
    }

    @Test
    void smallIntegersGiveTheExactBits() {
        // Products and partial sums of integers in [-3, 3] stay exact in fp32 (|sum| ≤ 9·600 + 50 ≪ 2^24):
        // any summation order, any tile, any thread count must give the reference's bits.
        Gen<Case> exact = cases(1, 300, 300, 600).map(c -> new Case(c.m(), c.n(), c.k(), c.transA(), c.transB(), c.padA(),
                c.padB(), c.padC(), c.offset(), 1f, c.beta() == 0f ? 0f : 1f, c.seed()));
        Theories.qt(40).forAll(exact, integers().between(1, 3)).checkAssert((c, threads) -> {
            Operands o = new Operands(c, true);
            float[] expected = o.reference(null);
            Parallel par = threads == 1 ? Parallel.callerOnly() : threads == 2 ? TWO : THREE;
            Tolerance.assertBitsEqual("PackedGemm exact " + c + " threads=" + threads, o.fast(Epilogue.NONE, par), expected);
            Tolerance.assertBitsEqual("PackedGemm exact unpacked " + c, o.fastUnpacked(Epilogue.NONE, par), expected);
        });
    }

    @Test
    void sameBitsForOneTwoAndThreeThreads() {
        // Sizes above the threading threshold so the work really is split (GEMV and blocked paths).
        Gen<Case> big = cases(1, 200, 700, 400).map(c -> c.m() * (long) c.n() * c.k() < (1 << 18)
                ? new Case(c.m(), Math.max(c.n(), 333), Math.max(c.k(), 300), c.transA(), c.transB(), c.padA(), c.padB(), c.padC(),
                        c.offset(), c.alpha(), c.beta(), c.seed())
                : c);
        Theories.qt(25).forAll(big).checkAssert(c -> {
            Operands o = new Operands(c, false);
            Epilogue ep = Epilogue.of(Activation.leakyRelu(0.1f)).withBiasPerColumn(Data.uniform(c.seed() + 7, c.n()), 0);
            float[] one = o.fast(ep, Parallel.callerOnly());
            Tolerance.assertBitsEqual("2 threads vs 1, " + c, o.fast(ep, TWO), one);
            Tolerance.assertBitsEqual("3 threads vs 1, " + c, o.fast(ep, THREE), one);
        });
    }

    /** The epilogue's definition in double, applied to the reference product. */
    private record EpilogueCase(Activation act, int biasKind, int residualKind, long seed) {
        double activate(double x) {
            return switch (act.kind()) {
                case NONE -> x;
                case RELU -> Math.max(x, 0);
                case CLIP -> Math.min(Math.max(x, act.p1()), act.p2());
                case LEAKY_RELU -> x < 0 ? x * act.p1() : x;
                case HARD_SIGMOID -> Math.min(Math.max(x * act.p1() + act.p2(), 0), 1);
                case HARD_SWISH -> x * Math.min(Math.max(x * act.p1() + act.p2(), 0), 1);
                case SIGMOID -> 1 / (1 + StrictMath.exp(-x));
                case SWISH -> x / (1 + StrictMath.exp(-x));
                case GELU_ERF -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
                case GELU_TANH -> 0.5 * x * (1 + StrictMath.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                case TANH -> StrictMath.tanh(x);
            };
        }

        /**
         * The activation's own error on top of the rounding it receives, in units of eps32: VectorMath's
         * enforced ulp bounds (simd-kernels/README.md) against |result|, and for GELU at x &lt; 0 against |x|.
         */
        double ownError(double x, double r) {
            return switch (act.kind()) {
                case SIGMOID -> 2.5 * Math.abs(r);
                case SWISH -> 3.5 * Math.abs(r);
                case TANH -> 5.5 * Math.abs(r);
                case GELU_ERF -> x >= 0 ? 3 * Math.abs(r) : 1.5 * Math.abs(x) + 0.5 * Math.abs(r);
                case GELU_TANH -> x >= 0 ? 3 * Math.abs(r) : 1 * Math.abs(x) + 0.5 * Math.abs(r);
                default -> 0.5 * Math.abs(r);
            };
        }

        /** Largest slope of the activation over the test's value range (|x| ≤ a few hundred). */
        double lipschitz() {
            return switch (act.kind()) {
                case HARD_SWISH -> 1.5;
                case LEAKY_RELU -> Math.max(1, Math.abs(act.p1()));
                case SWISH, GELU_ERF, GELU_TANH -> 1.2;
                default -> 1;
            };
        }
    }

    private static final List<Activation> ACTIVATIONS = List.of(Activation.NONE, Activation.RELU, Activation.RELU6,
            Activation.clip(-0.5f, 0.25f), Activation.leakyRelu(0.01f), Activation.leakyRelu(-1.5f),
            Activation.hardSigmoid(0.2f, 0.5f), Activation.HARD_SWISH, Activation.SIGMOID, Activation.SWISH,
            Activation.GELU_ERF, Activation.GELU_TANH, Activation.TANH);

    @Test
    void everyEpilogueMatchesItsDefinition() {
        Gen<EpilogueCase> eps = in -> new EpilogueCase(Generate.pick(ACTIVATIONS).generate(in),
                integers().between(0, 2).generate(in), integers().between(0, 2).generate(in), Sizes.seeds().generate(in));
        Theories.qt(60).forAll(cases(1, 150, 150, 300), eps, integers().between(1, 2)).checkAssert((c, e, threads) -> {
            Operands o = new Operands(c, false);
            double[] terms = new double[c.m() * c.n()];
            float[] product = o.reference(terms);
            float[] bias = Data.uniform(e.seed(), Math.max(c.m(), c.n()) + 3);
            int ldr = c.n() + 2;
            float[] residual = Data.uniform(e.seed() + 1, c.m() * ldr + 4);
            Epilogue ep = Epilogue.of(e.act());
            if (e.biasKind() == 1) ep = ep.withBiasPerRow(bias, 3);
            if (e.biasKind() == 2) ep = ep.withBiasPerColumn(bias, 3);
            if (e.residualKind() == 1) ep = ep.withResidual(residual, 4, ldr);
            if (e.residualKind() == 2) ep = ep.withResidualAfterActivation(residual, 4, ldr);
            Parallel par = threads == 1 ? Parallel.callerOnly() : TWO;
            float[] actual = o.fast(ep, par);
            for (int i = 0; i < c.m(); i++) {
                for (int j = 0; j < c.n(); j++) {
                    int x = i * c.n() + j;
                    double b = e.biasKind() == 1 ? bias[3 + i] : e.biasKind() == 2 ? bias[3 + j] : 0;
                    double r = e.residualKind() == 0 ? 0 : residual[4 + i * ldr + j];
                    double pre = product[x] + b + (e.residualKind() == 1 ? r : 0);
                    double preTerms = terms[x] + Math.abs(b) + (e.residualKind() == 1 ? Math.abs(r) : 0);
                    double act = e.activate(pre);
                    double want = act + (e.residualKind() == 2 ? r : 0);
                    // DESIGN.md's bound through the activation (its slope), plus the activation's own
                    // error, plus the residual added after it.
                    double allowed = Tolerance.EPS32 * (bound(c, 1) * preTerms * e.lipschitz() + e.ownError(pre, act)
                            + (e.residualKind() == 2 ? Math.abs(r) + Math.abs(want) : 0)) + Tolerance.TINY;
                    if (!(Math.abs(actual[x] - want) <= allowed)) {
                        throw new AssertionError(String.format("PackedGemm %s %s: element (%d, %d) is %s, expected %s (pre-activation %s): "
                                + "error %.3g exceeds %.3g", ep, c, i, j, actual[x], want, pre, Math.abs(actual[x] - want), allowed));
                    }
                }
            }
        });
    }

    /**
     * A column bias, and a residual added before the activation (or after an identity one), which the micro-kernels
     * ({@code Gemm12x2v}, {@code Gemm8x2v}; {@code Gemm6x2v} on narrower vectors) add in registers before their stores on
     * full tiles of a product's one k-block (alpha 1, beta 0), give exactly the bits of the product without an epilogue followed
     * by the scalar definition {@link Epilogue#apply(float, int, int)}: the same operations in the same order. Shapes
     * across the 12- and 8-row tiles, the column tails that go through the scratch tile, several k-blocks (where the
     * epilogue pass still adds them), strided and transposed operands, on 1, 2, 3, 5 and 8 threads.
     */
    @Test
    void epilogueAddsInRegistersGiveTheBitsOfTheEpiloguePass() {
        // N past 256 half of the time: up to there, 512-bit vectors read A in place (Gemm6x4v), not through these kernels
        Gen<Case> narrow = cases(1, 200, 200, 1700), wide = cases(9, 150, 600, 1700);
        Gen<Case> plain = in -> {
            Case c = narrow.generate(in);
            if (integers().between(0, 1).generate(in) == 1) {
                Case w = wide.generate(in);
                int n = w.n() > 256 ? w.n() : 257 + w.n() % 344, k = (int) Math.max(1, Math.min(w.k(), MAC_CAP / ((long) w.m() * n)));
                c = new Case(w.m(), n, k, w.transA(), w.transB(), w.padA(), w.padB(), w.padC(), w.offset(), w.alpha(), w.beta(), w.seed());
            }
            if (integers().between(0, 3).generate(in) == 0) return c;
            return new Case(c.m(), c.n(), c.k(), c.transA(), c.transB(), c.padA(), c.padB(), c.padC(), c.offset(), 1f, 0f, c.seed());
        };
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.GELU_ERF);
        Gen<EpilogueCase> eps = in -> new EpilogueCase(Generate.pick(acts).generate(in),
                integers().between(0, 3).generate(in) == 0 ? 0 : 2, integers().between(0, 2).generate(in), Sizes.seeds().generate(in));
        Theories.qt(50).forAll(plain, eps, Generate.pick(List.of(1, 2, 3, 5, 8))).checkAssert((c, e, threads) -> {
            Operands o = new Operands(c, false);
            float[] bias = Data.uniform(e.seed(), c.n() + 3);
            int ldr = c.n() + 2;
            float[] residual = Data.uniform(e.seed() + 1, c.m() * ldr + 4);
            Epilogue ep = Epilogue.of(e.act());
            if (e.biasKind() == 2) ep = ep.withBiasPerColumn(bias, 3);
            if (e.residualKind() == 1) ep = ep.withResidual(residual, 4, ldr);
            if (e.residualKind() == 2) ep = ep.withResidualAfterActivation(residual, 4, ldr);
            Parallel par = threads == 1 ? Parallel.callerOnly() : threads == 2 ? TWO : threads == 3 ? THREE : threads == 5 ? FIVE : EIGHT;
            float[] product = o.fast(Epilogue.NONE, par);
            float[] want = new float[product.length];
            for (int i = 0; i < c.m(); i++) {
                for (int j = 0; j < c.n(); j++) want[i * c.n() + j] = ep.apply(product[i * c.n() + j], i, j);
            }
            Tolerance.assertBitsEqual("PackedGemm " + ep + " " + c + " threads=" + threads, o.fast(ep, par), want);
        });
    }

    /**
     * The vectorised tile epilogue (one loop per pass and per activation kind) gives exactly the bits
     * of the scalar definition {@link Epilogue#apply(float, int, int)} on every element of the tile,
     * whatever the tile's rows, columns (tails shorter than a vector), offsets and leading dimensions,
     * and leaves every element outside the tile alone.
     */
    @Test
    void tileEpilogueIsTheScalarDefinitionBitForBit() {
        Gen<EpilogueCase> eps = in -> new EpilogueCase(Generate.pick(ACTIVATIONS).generate(in),
                integers().between(0, 2).generate(in), integers().between(0, 2).generate(in), Sizes.seeds().generate(in));
        Theories.qt(80).forAll(eps, integers().between(1, 13), dim(1, 70), integers().between(0, 5)).checkAssert((e, rows, cols, pad) -> {
            int ldc = cols + pad, row0 = pad, col0 = 2 * pad, off = 3 + pad;
            float[] c = Data.uniform(e.seed(), off + rows * ldc + 5);
            for (int i = 0; i < c.length; i++) c[i] *= 8;  // past the activations' bends and saturations
            float[] bias = Data.uniform(e.seed() + 1, row0 + col0 + rows + cols + 3);
            int ldr = col0 + cols + 1;
            float[] residual = Data.uniform(e.seed() + 2, (row0 + rows) * ldr + 2);
            Epilogue ep = Epilogue.of(e.act());
            if (e.biasKind() == 1) ep = ep.withBiasPerRow(bias, 1);
            if (e.biasKind() == 2) ep = ep.withBiasPerColumn(bias, 1);
            if (e.residualKind() == 1) ep = ep.withResidual(residual, 2, ldr);
            if (e.residualKind() == 2) ep = ep.withResidualAfterActivation(residual, 2, ldr);
            float[] want = c.clone();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) want[off + r * ldc + j] = ep.apply(c[off + r * ldc + j], row0 + r, col0 + j);
            }
            ep.applyTile(c, off, ldc, rows, cols, row0, col0);
            Tolerance.assertBitsEqual("applyTile " + ep + " " + rows + "x" + cols + " ldc " + ldc, c, want);
        });
    }

    @Test
    void onnxGemmInterfaceWithBroadcastC() {
        PackedGemm fast = new PackedGemm(TWO);
        int[][] cShapes = {{0, 0}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
        Theories.qt(40).forAll(cases(1, 120, 120, 200), integers().between(0, cShapes.length - 1)).checkAssert((c, ci) -> {
            int cRows = cShapes[ci][0] == -1 ? c.m() : cShapes[ci][0], cCols = cShapes[ci][1] == -1 ? c.n() : cShapes[ci][1];
            float beta = cRows == 0 ? 0f : c.beta() == 0f ? 1f : c.beta();
            GemmShape s = new GemmShape(c.m(), c.n(), c.k(), c.transA(), c.transB(), c.alpha(), beta, cRows, cCols);
            float[] a = Data.uniform(c.seed(), c.m() * c.k()), b = Data.uniform(c.seed() + 1, c.k() * c.n());
            float[] cc = Data.uniform(c.seed() + 2, Math.max(1, cRows * cCols));
            double[] terms = new double[c.m() * c.n()];
            float[] expected = new float[c.m() * c.n()];
            REF.gemm(s, a, 0, b, 0, cc, 0, expected, 0, terms);
            Guarded y = new Guarded(c.m() * c.n());
            fast.gemm(s, a, 0, b, 0, cc, 0, y.array(), y.offset());
            y.assertCanariesIntact();
            Tolerance.assertClose("PackedGemm as Gemm " + s, y.region(), expected, terms, bound(c, 1));
        });
    }

    @Test
    void batchedAndBroadcastMatMul() {
        int[][][] batches = {{{}, {}}, {{3}, {3}}, {{2, 3}, {3}}, {{1}, {4}}, {{4}, {}}, {{2, 1}, {1, 3}}, {{5}, {1}}};
        Theories.qt(40).forAll(dim(1, 40), dim(1, 70), dim(1, 90), integers().between(0, 2 * batches.length - 1))
                .checkAssert((m, n, k, choice) -> {
                    MatMulShape s = new MatMulShape(batches[choice / 2][0], batches[choice / 2][1], m, n, k, false, false);
                    matMulCase(s, 1 + choice % 2);
                });
    }

    @Test
    void matMulWithVectorOperands() {
        Theories.qt(20).forAll(dim(1, 50), dim(1, 90), booleans().all()).checkAssert((x, k, aVector) -> {
            int[] aDims = aVector ? new int[] {k} : new int[] {2, x, k};
            int[] bDims = aVector ? new int[] {3, k, x} : new int[] {k};
            matMulCase(MatMulShape.fromOnnx(aDims, bDims), 2);
        });
    }

    private static void matMulCase(MatMulShape s, int threads) {
        long seed = s.hashCode();
        float[] a = Data.uniform(seed, Math.max(1, sizeOf(s.aShape())));
        float[] b = Data.uniform(seed + 1, Math.max(1, sizeOf(s.bShape())));
        int out = s.batchCount() * s.m() * s.n();
        float[] expected = new float[out];
        double[] terms = new double[out];
        new ReferenceMatMul().matmul(s, a, 0, b, 0, expected, 0, terms);
        Guarded y = new Guarded(out);
        Parallel par = threads == 1 ? Parallel.callerOnly() : TWO;
        PackedGemm.matmul(s, a, 0, b, 0, y.array(), y.offset(), Epilogue.NONE, par);
        y.assertCanariesIntact();
        double c = s.k() + 4;
        Tolerance.assertClose("PackedGemm.matmul " + s, y.region(), expected, terms, c);
        boolean bShared = true;
        for (int d : s.bBatch()) bShared &= d == 1;
        if (bShared && !s.bVector() && s.aBatch().length == s.batchDims().length) {
            PackedB pb = PackedGemm.packB(s.k(), s.n(), b, 0, s.n(), false);
            Guarded y2 = new Guarded(out);
            PackedGemm.matmul(s, a, 0, pb, y2.array(), y2.offset(), Epilogue.NONE, par);
            y2.assertCanariesIntact();
            Tolerance.assertBitsEqual("PackedGemm.matmul packed vs unpacked " + s, y2.region(), y.region());
        }
    }

    private static int sizeOf(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    @Test
    void packedBReadsBackAsOpB() {
        Theories.qt(30).forAll(dim(1, 100), dim(1, 100), booleans().all()).checkAssert((k, n, transB) -> {
            float[] b = Data.uniform(k * 1000L + n, k * n);
            PackedB pb = PackedGemm.packB(k, n, b, 0, transB ? k : n, transB);
            SplittableRandom r = new SplittableRandom(k + n);
            for (int t = 0; t < 50; t++) {
                int p = r.nextInt(k), j = r.nextInt(n);
                float want = transB ? b[j * k + p] : b[p * n + j];
                if (pb.get(p, j) != want) throw new AssertionError("PackedB(" + p + ", " + j + ") = " + pb.get(p, j) + ", want " + want);
            }
        });
    }
}
