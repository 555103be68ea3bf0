package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.ExpandDepthwiseOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import dev.lanes.simd.conv.ConvAlgorithm;
import dev.lanes.simd.conv.Layouts;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The fused expand 1x1 → depthwise 3x3 ({@link ExpandDepthwiseOperator}) against the two layers run
 * one after the other on the fast path (the same bits: every value is the same FMA chain) and against
 * the reference (expand, activation, depthwise, activation).
 *
 * <p>Reference bound: the depthwise's own rounding (c = 9 + 5 on its terms, as ConvOperatorProperties)
 * plus the expand's error carried through the taps. The expand's error at an input is at most
 * {@code (C + 5)·eps·terms₁}; the activations change an error by at most 1.5× (HardSwish's largest
 * slope), and a depthwise output adds up to 9 of them weighted by |w₂|. So per output the scale is
 * {@code terms₂ + |act₂(y)| + 1.5·Σ_taps |w₂|·(terms₁ + |mid|)} with c = 1.5·(C + 5) + 14.
 */
@WidthSensitive
class ExpandDepthwiseProperties {
    private static final ReferenceConv REFERENCE = new ReferenceConv();
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3);
    private static final List<Activation> ACTS = List.of(Activation.NONE, Activation.RELU6, Activation.RELU, Activation.HARD_SWISH);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    /** An expand layer, the depthwise layer over its output, activations, and the strip height (0: the kernel's own). */
    record Block(ConvShape expand, ConvShape depthwise, Activation expandAct, Activation depthwiseAct, int stripRows) {
        @Override
        public String toString() {
            return expand + " " + expandAct + " -> " + depthwise + " " + depthwiseAct + ", strips of " + stripRows;
        }
    }

    /**
     * 1 to 20 input channels; C = 1, 2, 3 or 6 vectors (or, sometimes, a count that is not a multiple of the vector:
     * then no fused kernel); maps 1 to 13 rows × 1 to 41 columns (strips of 8 pixels, edges, rows narrower than a
     * strip); height stride 1 to 3, width stride 1 or 2; pads 0 to 4 per side (rows with no tap inside); strips of
     * 1 to 3 output rows or the kernel's own; batch 1 to 3.
     */
    static Gen<Block> blocks() {
        return in -> {
            int cin = Sizes.between(1, 20).generate(in);
            boolean ragged = Generate.range(0, 7).generate(in) == 0;
            int c = ragged ? Sizes.between(1, 40).generate(in) : VectorWidth.LANES * Generate.pick(List.of(1, 2, 3, 6)).generate(in);
            int h = Sizes.between(1, 13).generate(in), w = Sizes.between(1, 41).generate(in), n = ConvShapes.batch(in);
            int[] st = {Generate.range(1, 3).generate(in), Generate.range(1, 2).generate(in)};
            int[] pb = {Generate.range(0, 4).generate(in), Generate.range(0, 4).generate(in)};
            int[] pe = {Generate.range(0, 4).generate(in), Generate.range(0, 4).generate(in)};
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {3, 3}, pb, pe);
            ConvShape e = new ConvShape(n, cin, c, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                    new int[] {1, 1}, Generate.booleans().generate(in));
            ConvShape d = new ConvShape(n, c, c, c, new int[] {h, w}, new int[] {3, 3}, pb, pe, st, new int[] {1, 1},
                    Generate.booleans().generate(in));
            return new Block(e, d, Generate.pick(ACTS).generate(in), Generate.pick(ACTS).generate(in),
                    Generate.pick(List.of(0, 1, 2, 3)).generate(in));
        };
    }

    record Weights(float[] x, float[] w1, float[] b1, float[] w2, float[] b2) {
        static Weights of(Block b, long seed) {
            ConvShape e = b.expand(), d = b.depthwise();
            return new Weights(Data.uniform(seed, Dims.size(e.inputShape())), Data.uniform(seed + 1, Dims.size(e.weightShape())),
                    e.hasBias() ? Data.uniform(seed + 2, e.outChannels()) : null, Data.uniform(seed + 3, Dims.size(d.weightShape())),
                    d.hasBias() ? Data.uniform(seed + 4, d.outChannels()) : null);
        }
    }

    @Test
    void fusedEqualsTheTwoLayersAndTheReference() {
        Theories.qt(60).forAll(blocks(), Sizes.seeds()).checkAssert((b, seed) -> {
            Weights d = Weights.of(b, seed);
            ConvShape es = b.expand(), ds = b.depthwise();
            ConvOperator expand = ConvOperator.prepare(es, d.w1, 0, d.b1, 0, b.expandAct());
            ConvOperator dw = ConvOperator.prepare(ds, d.w2, 0, d.b2, 0, b.depthwiseAct());
            ExpandDepthwiseOperator fused = ExpandDepthwiseOperator.of(expand, dw, b.stripRows());
            // one input channel makes the expand "depthwise" (groups = C = 1): ConvOperator does not run it as PointwiseConv
            if (es.outChannels() % VectorWidth.LANES != 0 || expand.algorithm() != ConvAlgorithm.POINTWISE_DIRECT) {
                assertNull(fused, "no fused kernel for " + expand + " -> " + dw);
                return;
            }
            assertNotNull(fused, b.toString());
            int n = es.batch(), c = es.outChannels(), inPixels = es.inSpatialSize(), outPixels = ds.outSpatialSize();
            float[] x = new float[d.x.length];
            Layouts.toNhwc(d.x, 0, n, es.inChannels(), inPixels, x, 0, Parallel.callerOnly());

            // the two layers unfused, on the fast path
            float[] mid = new float[n * c * inPixels];
            float[] twoLayers = new float[n * c * outPixels];
            expand.runNhwc(x, 0, mid, 0, Parallel.callerOnly());
            dw.runNhwc(mid, 0, twoLayers, 0, Parallel.callerOnly());

            float[] one = run(fused, x, twoLayers.length, Parallel.callerOnly());
            Tolerance.assertBitsEqual(b + " fused vs two layers", one, twoLayers);
            Tolerance.assertBitsEqual(b + " 2 threads", run(fused, x, twoLayers.length, TWO), one);
            Tolerance.assertBitsEqual(b + " 3 threads", run(fused, x, twoLayers.length, THREE), one);

            float[] nchw = new float[one.length];
            Layouts.toNchw(one, 0, n, c, outPixels, nchw, 0, Parallel.callerOnly());
            Reference r = Reference.of(b, d);
            Tolerance.assertClose(b + " vs reference", nchw, r.y, r.scale, 1.5 * (es.inChannels() + 5) + 14);
        });
    }

    private static float[] run(ExpandDepthwiseOperator op, float[] x, int outSize, Parallel p) {
        Guarded y = new Guarded(outSize);
        op.runNhwc(x, 0, y.array(), y.offset(), p);
        y.assertCanariesIntact();
        return y.region();
    }

    /** The reference chain in NCHW and the error scale of each output (see the class comment). */
    record Reference(float[] y, double[] scale) {
        static Reference of(Block b, Weights d) {
            ConvShape es = b.expand(), ds = b.depthwise();
            int midSize = Dims.size(es.outputShape()), outSize = Dims.size(ds.outputShape());
            float[] mid = new float[midSize];
            double[] t1 = new double[midSize];
            REFERENCE.conv(es, d.x, 0, d.w1, 0, d.b1, 0, mid, 0, t1);
            double[] midScale = new double[midSize];
            for (int i = 0; i < midSize; i++) {
                mid[i] = b.expandAct().apply(mid[i]);
                midScale[i] = t1[i] + Math.abs(mid[i]);
            }
            float[] y = new float[outSize];
            double[] t2 = new double[outSize];
            REFERENCE.conv(ds, mid, 0, d.w2, 0, d.b2, 0, y, 0, t2);
            // Σ_taps |w₂|·midScale: the same depthwise with |w₂| over midScale (in double, no bias)
            double[] carried = absDepthwise(ds, midScale, d.w2);
            double[] scale = new double[outSize];
            for (int i = 0; i < outSize; i++) {
                y[i] = b.depthwiseAct().apply(y[i]);
                scale[i] = t2[i] + Math.abs(y[i]) + 1.5 * carried[i];
            }
            return new Reference(y, scale);
        }
    }

    /** {@code Σ_taps |w[c][tap]|·v[c][input of tap]} for each depthwise output (NCHW), taps outside the input skipped. */
    static double[] absDepthwise(ConvShape s, double[] v, float[] w) {
        int n = s.batch(), c = s.inChannels(), h = s.inSpatial()[0], wd = s.inSpatial()[1], oh = s.outSpatial()[0], ow = s.outSpatial()[1];
        int sh = s.strides()[0], sw = s.strides()[1], pt = s.padsBegin()[0], pl = s.padsBegin()[1];
        double[] out = new double[n * c * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = 0;
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                acc += Math.abs(w[ch * 9 + ky * 3 + kx]) * v[((b * c + ch) * h + iy) * wd + ix];
                            }
                        }
                        out[((b * c + ch) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        return out;
    }
}
