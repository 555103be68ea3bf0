package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvGlobalPoolOperator;
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
 * The fused 1x1 convolution → GlobalAveragePool ({@link ConvGlobalPoolOperator}) against the two operators in turn
 * (the pointwise convolution's NHWC run, then the global pool's): the same bits at 1, 2 and 3 threads. Shapes: 1 to
 * 13 pixels a side (one pixel, primes), strides 1-2, output channels 1 to 150 (one vector, a tail shorter than a
 * vector, several panels and a narrow last one), batch 1-2, with and without bias, activations clamped in the
 * kernel's stores (ReLU, ReLU6) and applied after them (hard-swish).
 */
@WidthSensitive
class ConvGlobalPoolProperties {
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    record Case(ConvShape conv, Activation act) {}

    static Gen<Case> cases() {
        return in -> {
            int cin = Sizes.between(1, 40).generate(in), cout = Sizes.between(1, 150).generate(in);
            int h = Sizes.between(1, 13).generate(in), w = Sizes.between(1, 13).generate(in), st = Generate.range(1, 2).generate(in);
            ConvShape cs = new ConvShape(Generate.range(1, 2).generate(in), cin, cout, 1, new int[] {h, w}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {0, 0}, new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
            Activation act = Generate.pick(List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.HARD_SWISH)).generate(in);
            return new Case(cs, act);
        };
    }

    /** The global average of the convolution's NHWC output, as the two nodes ran it. */
    static float[] inTurn(ConvOperator c, float[] x) {
        float[] mid = new float[Dims.size(c.shape().outputShape())];
        c.runNhwc(x, 0, mid, 0, Parallel.callerOnly());
        PoolOperator p = PoolOperator.prepare(PoolShape.global(PoolShape.Mode.AVERAGE, c.shape().outputShape()));
        float[] y = new float[Dims.size(p.shape().outputShape())];
        p.runNhwc(mid, 0, y, 0, Parallel.callerOnly());
        return y;
    }

    static float[] fused(ConvGlobalPoolOperator f, float[] x, Parallel par) {
        Guarded y = new Guarded(Dims.size(f.outputShape()));
        f.run(x, 0, y.array(), y.offset(), par);
        y.assertCanariesIntact();
        return y.region();
    }

    @Test
    void fusedIsTheTwoOperatorsInTurn() {
        Theories.qt(60).forAll(cases(), Sizes.seeds()).checkAssert((cs, seed) -> {
            ConvShape s = cs.conv();
            float[] w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
            float[] b = s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null;
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            ConvOperator c = ConvOperator.prepare(s, w, 0, b, 0, cs.act(), ConvAlgorithm.POINTWISE_DIRECT);
            ConvGlobalPoolOperator f = ConvGlobalPoolOperator.of(c);
            assertNotNull(f, "a pointwise convolution fuses with its global pool: " + s);
            float[] expected = inTurn(c, x);
            Tolerance.assertBitsEqual(f + " 1 thread", fused(f, x, Parallel.callerOnly()), expected);
            Tolerance.assertBitsEqual(f + " 2 threads", fused(f, x, TWO), expected);
            Tolerance.assertBitsEqual(f + " 3 threads", fused(f, x, THREE), expected);
        });
    }

    /**
     * Weights of 1 MB or more (350 to 420 → 750 to 800 channels, a last panel narrower than the others), where the
     * fused pass loads a share of the pages of the panel that comes next after each tile (the next block's first after
     * a block's last panel): 1 to 9 pixels a side, so one block of pixels or two, strides 1-2, batch 1-2. The loads
     * change no arithmetic: the same bits as the two operators in turn on 1, 2, 3, 5 and 8 threads; any load outside
     * the panels would throw.
     */
    @Test
    void fusedReadsAheadUnderLargeWeights() {
        Gen<Case> cases = in -> {
            int cin = Generate.range(350, 420).generate(in), cout = Generate.range(750, 800).generate(in);
            int h = Sizes.between(1, 9).generate(in), w = Sizes.between(1, 9).generate(in), st = Generate.range(1, 2).generate(in);
            ConvShape cs = new ConvShape(Generate.range(1, 2).generate(in), cin, cout, 1, new int[] {h, w}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {0, 0}, new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
            return new Case(cs, Generate.pick(List.of(Activation.NONE, Activation.RELU6, Activation.HARD_SWISH)).generate(in));
        };
        try (Parallel five = Parallel.create(5); Parallel eight = Parallel.create(8)) {
            Theories.qt(10).forAll(cases, Sizes.seeds()).checkAssert((cs, seed) -> {
                ConvShape s = cs.conv();
                assertTrue(4L * s.inChannels() * s.outChannels() >= 1 << 20, "weights of 1 MB or more: " + s);
                float[] w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
                float[] b = s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null;
                float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
                ConvGlobalPoolOperator f = ConvGlobalPoolOperator.of(ConvOperator.prepare(s, w, 0, b, 0, cs.act(), ConvAlgorithm.POINTWISE_DIRECT));
                float[] expected = inTurn(ConvOperator.prepare(s, w, 0, b, 0, cs.act(), ConvAlgorithm.POINTWISE_DIRECT), x);
                for (Parallel p : List.of(Parallel.callerOnly(), TWO, THREE, five, eight)) {
                    Tolerance.assertBitsEqual(f + " " + p, fused(f, x, p), expected);
                }
            });
        }
    }

    /** A convolution that does not run the pointwise kernel is left to the two operators in turn. */
    @Test
    void onlyPointwiseConvolutionsFuse() {
        ConvShape s = new ConvShape(1, 3, 8, 1, new int[] {9, 9}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, false);
        float[] w = Data.uniform(3, Dims.size(s.weightShape()));
        assertNull(ConvGlobalPoolOperator.of(ConvOperator.prepare(s, w, 0, null, 0, Activation.NONE, ConvAlgorithm.IM2COL_GEMM)));
    }
}
