package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvMaxPoolOperator;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.PoolOperator;
import dev.lanes.simd.conv.ConvAlgorithm;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The fused convolution → MaxPool ({@link ConvMaxPoolOperator}) against the two operators in turn
 * (the band or panel-stem convolution's NHWC run, then the pool's): the same bits, for X in NCHW or NHWC, any
 * number of pooled rows per band (1, 2, 3 or the L2 budget: bands whose convolution rows overlap,
 * are recomputed by both), 1, 2, 3, 5 and 8 threads (the bands are evened out for the thread count). Shapes: odd
 * and prime sizes, convolution kernels 1 to 7 with strides 1-2 and pads up to 3, pool windows 1 to 4 with strides 1-3,
 * pads below the window, dilations 1-2, ceil_mode on or off, a pool window reaching into the bottom padding only; and
 * ResNet's stem (7x7/2, 3 → 64, ReLU, then 3x3/2) on a 61×64 image, whose 16 pooled rows split unevenly.
 */
@WidthSensitive
class ConvMaxPoolProperties {
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3), FIVE = Parallel.create(5), EIGHT = Parallel.create(8);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
        FIVE.close();
        EIGHT.close();
    }

    record Case(ConvShape conv, PoolShape pool, Activation act) {}

    static Gen<Case> cases() {
        return cases(40, List.of(Activation.NONE, Activation.RELU));
    }

    /** Shapes as above with at most {@code maxCout} output channels and one of {@code acts}. */
    static Gen<Case> cases(int maxCout, List<Activation> acts) {
        return in -> {
            int cin = Sizes.between(1, 5).generate(in), cout = Sizes.between(1, maxCout).generate(in);
            int h = Sizes.between(1, 19).generate(in), w = Sizes.between(1, 19).generate(in);
            int k = Generate.range(1, 7).generate(in), st = Generate.range(1, 2).generate(in);
            int[] pb = {Generate.range(0, 3).generate(in), Generate.range(0, 3).generate(in)};
            int[] pe = {Generate.range(0, 3).generate(in), Generate.range(0, 3).generate(in)};
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {k, k}, pb, pe);
            ConvShape cs = new ConvShape(Generate.range(1, 2).generate(in), cin, cout, 1, new int[] {h, w}, new int[] {k, k}, pb, pe,
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
            int[] o = cs.outSpatial();
            int pk = Generate.range(1, 4).generate(in), ps = Generate.range(1, 3).generate(in), pd = Generate.range(1, 2).generate(in);
            int[] ppb = {Generate.range(0, pk - 1).generate(in), Generate.range(0, pk - 1).generate(in)};
            int[] ppe = {Generate.range(0, pk - 1).generate(in), Generate.range(0, pk - 1).generate(in)};
            boolean ceil = Generate.booleans().generate(in);
            int window = (pk - 1) * pd + 1;
            if (o[0] + ppb[0] + ppe[0] < window || o[1] + ppb[1] + ppe[1] < window) {
                pk = 1;
                pd = 1;
                ppb = new int[] {0, 0};
                ppe = new int[] {0, 0};
            }
            PoolShape p = new PoolShape(PoolShape.Mode.MAX, cs.batch(), cout, o, new int[] {pk, pk}, ppb, ppe, new int[] {ps, ps},
                    new int[] {pd, pd}, ceil, false, 0);
            Activation act = Generate.pick(acts).generate(in);
            return new Case(cs, p, act);
        };
    }

    /** Y of the pool run after the convolution, both NHWC (X in NCHW when {@code xNchw}). */
    static float[] inTurn(ConvOperator c, PoolOperator p, float[] x, boolean xNchw) {
        float[] mid = new float[Dims.size(c.shape().outputShape())], y = new float[Dims.size(p.shape().outputShape())];
        if (xNchw) c.runNchwToNhwc(x, 0, mid, 0, null, 0, Parallel.callerOnly());
        else c.runNhwc(x, 0, mid, 0, Parallel.callerOnly());
        p.runNhwc(mid, 0, y, 0, Parallel.callerOnly());
        return y;
    }

    static float[] fused(ConvMaxPoolOperator f, float[] x, boolean xNchw, Parallel par) {
        Guarded y = new Guarded(Dims.size(f.outputShape()));
        f.run(x, 0, xNchw, y.array(), y.offset(), par);
        y.assertCanariesIntact();
        return y.region();
    }

    @Test
    void fusedIsTheTwoOperatorsInTurn() {
        // variant: pooled rows per band in bits 0-1 (0: the L2 budget), bit 2 the panel stem instead of the band kernel
        Theories.qt(60).forAll(cases(), Sizes.seeds(), Generate.booleans(), Generate.range(0, 7)).checkAssert((cs, seed, xNchw, variant) -> {
            int bandRows = variant & 3;
            boolean stem = variant >= 4;
            ConvShape s = cs.conv();
            float[] w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
            float[] b = s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null;
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            ConvOperator c = ConvOperator.prepare(s, w, 0, b, 0, cs.act(), stem && s.inChannels() <= 4 ? ConvAlgorithm.STEM_PANELS : ConvAlgorithm.BAND_GEMM);
            PoolOperator p = PoolOperator.prepare(cs.pool());
            ConvMaxPoolOperator f = ConvMaxPoolOperator.of(c, p, bandRows);
            assertNotNull(f, c.algorithm() + " convolution and 2-D MaxPool fuse: " + s + " " + cs.pool());
            float[] expected = inTurn(c, p, x, xNchw);
            float[] one = fused(f, x, xNchw, Parallel.callerOnly());
            Tolerance.assertBitsEqual(f + " 1 thread", one, expected);
            Tolerance.assertBitsEqual(f + " 2 threads", fused(f, x, xNchw, TWO), expected);
            Tolerance.assertBitsEqual(f + " 3 threads", fused(f, x, xNchw, THREE), expected);
            Tolerance.assertBitsEqual(f + " 5 threads", fused(f, x, xNchw, FIVE), expected);
            Tolerance.assertBitsEqual(f + " 8 threads", fused(f, x, xNchw, EIGHT), expected);
        });
    }

    /**
     * The panel stem pools its bare sums and finishes only the pooled values when the activation is none or ReLU and
     * every bias finite: the same bits as finishing every conv output first, also with ±∞, NaN, ±0, huge and subnormal
     * values in X and the bias (an infinite or NaN bias, or another activation, takes the finishing path), with whole
     * and part panels (up to 70 channels: more than one 512-bit panel of 64), 1, 2 and 3 threads.
     */
    @Test
    void stemPoolsBareSumsToTheBitsOfFinishedOnes() {
        List<Activation> acts = List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.leakyRelu(0.1f));
        Theories.qt(60).forAll(cases(70, acts), Sizes.seeds(), Generate.booleans(), Generate.range(0, 3)).checkAssert((cs, seed, xNchw, variant) -> {
            ConvShape s = cs.conv();
            if (s.inChannels() > 4) return;
            float[] w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
            float[] b = s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null;
            // a bias with specials half the time: mostly finite ones (±0, MAX, subnormal), now and then ±∞ or NaN
            if (b != null && (variant & 1) == 1) SpecialValues.sprinkle(b, seed + 3, 0.3);
            float[] x = SpecialValues.sprinkle(Data.uniform(seed, Dims.size(s.inputShape())), seed + 4, 0.02);
            ConvOperator c = ConvOperator.prepare(s, w, 0, b, 0, cs.act(), ConvAlgorithm.STEM_PANELS);
            PoolOperator p = PoolOperator.prepare(cs.pool());
            ConvMaxPoolOperator f = ConvMaxPoolOperator.of(c, p, variant >> 1);
            assertNotNull(f, "panel stem and 2-D MaxPool fuse: " + s + " " + cs.pool());
            float[] expected = inTurn(c, p, x, xNchw);
            Tolerance.assertBitsEqual(f + " " + cs.act() + " 1 thread", fused(f, x, xNchw, Parallel.callerOnly()), expected);
            Tolerance.assertBitsEqual(f + " " + cs.act() + " 2 threads", fused(f, x, xNchw, TWO), expected);
            Tolerance.assertBitsEqual(f + " " + cs.act() + " 3 threads", fused(f, x, xNchw, THREE), expected);
        });
    }

    /**
     * ResNet's stem on a 61×64 image (conv 31×32, pooled 16×16) with the L2 budget's bands (6 pooled rows at most: 3 bands
     * on one thread, evened out to 4 of 4 rows on 2, 6 on 3 and 5, 8 on 8) and with 1-row bands, X in NCHW, both kernels.
     */
    @Test
    void resnetStemGivesTheSameBitsOnAnyThreadCount() {
        ConvShape s = new ConvShape(1, 3, 64, 1, new int[] {61, 64}, new int[] {7, 7}, new int[] {3, 3}, new int[] {3, 3},
                new int[] {2, 2}, new int[] {1, 1}, true);
        PoolShape pool = new PoolShape(PoolShape.Mode.MAX, 1, 64, s.outSpatial(), new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {1, 1}, false, false, 0);
        float[] w = Data.uniform(11, Dims.size(s.weightShape())), b = Data.uniform(12, 64), x = Data.uniform(13, Dims.size(s.inputShape()));
        for (ConvAlgorithm algorithm : List.of(ConvAlgorithm.STEM_PANELS, ConvAlgorithm.BAND_GEMM)) {
            ConvOperator c = ConvOperator.prepare(s, w, 0, b, 0, Activation.RELU, algorithm);
            PoolOperator p = PoolOperator.prepare(pool);
            float[] expected = inTurn(c, p, x, true);
            for (int bandRows : new int[] {0, 1}) {
                ConvMaxPoolOperator f = ConvMaxPoolOperator.of(c, p, bandRows);
                for (Parallel par : List.of(Parallel.callerOnly(), TWO, THREE, FIVE, EIGHT)) {
                    Tolerance.assertBitsEqual(f + " on " + par, fused(f, x, true, par), expected);
                }
            }
        }
    }

    /** A convolution that runs neither the band kernel nor the panel stem, or an average pool, is not fused. */
    @Test
    void onlyBandConvolutionsAndMaxPoolsFuse() {
        ConvShape s = new ConvShape(1, 3, 8, 1, new int[] {9, 9}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {1, 1}, false);
        float[] w = Data.uniform(3, Dims.size(s.weightShape()));
        PoolShape max = new PoolShape(PoolShape.Mode.MAX, 1, 8, s.outSpatial(), new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {1, 1}, false, false, 0);
        PoolShape avg = new PoolShape(PoolShape.Mode.AVERAGE, 1, 8, s.outSpatial(), new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {1, 1}, false, false, 0);
        ConvOperator band = ConvOperator.prepare(s, w, 0, null, 0, Activation.NONE, ConvAlgorithm.BAND_GEMM);
        ConvOperator im2col = ConvOperator.prepare(s, w, 0, null, 0, Activation.NONE, ConvAlgorithm.IM2COL_GEMM);
        assertNotNull(ConvMaxPoolOperator.of(band, PoolOperator.prepare(max)));
        assertNotNull(ConvMaxPoolOperator.of(ConvOperator.prepare(s, w, 0, null, 0, Activation.NONE, ConvAlgorithm.STEM_PANELS),
                PoolOperator.prepare(max)));
        org.junit.jupiter.api.Assertions.assertNull(ConvMaxPoolOperator.of(im2col, PoolOperator.prepare(max)));
        org.junit.jupiter.api.Assertions.assertNull(ConvMaxPoolOperator.of(band, PoolOperator.prepare(avg)));
    }
}
