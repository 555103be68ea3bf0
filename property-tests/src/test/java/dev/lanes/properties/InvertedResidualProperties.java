package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.InvertedResidualOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.VectorWidth;
import dev.lanes.simd.conv.BlockPartition;
import dev.lanes.simd.conv.ConvAlgorithm;
import dev.lanes.simd.conv.Layouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The fused inverted-residual block ({@link InvertedResidualOperator}: expand 1x1 or stem? →
 * depthwise 3x3 → projection 1x1 + residual?) against its layers run one after the other on the fast path (the same
 * bits: every value is the same FMA chain) and against the reference (each layer, its activation,
 * the residual before the projection's activation).
 *
 * <p>Reference bound: each layer's own rounding (c = K + 5 on its terms, K its products per output,
 * as ConvOperatorProperties) plus the error it receives, carried through its weights. The activations
 * change an error by at most 1.5× (HardSwish's largest slope). So the scale of a layer's output is
 * {@code terms + |y| + 1.5·Σ |w|·scale(input)} (the carried part computed by the reference conv with
 * |W| over the input's scale), and the constant is the largest K + 5 of the block times 1.5² for the
 * chain, plus the depthwise's 14.
 */
@WidthSensitive
class InvertedResidualProperties {
    private static final ReferenceConv REFERENCE = new ReferenceConv();
    private static final Parallel TWO = Parallel.create(2), THREE = Parallel.create(3), FIVE = Parallel.create(5), EIGHT = Parallel.create(8);
    private static final List<Parallel> POOLS = List.of(Parallel.callerOnly(), TWO, THREE, FIVE, EIGHT);
    private static final List<Activation> ACTS = List.of(Activation.NONE, Activation.RELU6, Activation.RELU, Activation.HARD_SWISH);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
        FIVE.close();
        EIGHT.close();
    }

    /**
     * A block: expand (null for none), depthwise, projection (null for none), their activations, whether a residual
     * shaped like Y is added (only with a projection), and the strip height (0: the kernel's own).
     */
    record Block(ConvShape expand, ConvShape depthwise, ConvShape project, Activation expandAct, Activation depthwiseAct,
                 Activation projectAct, boolean residual, int stripRows) {
        @Override
        public String toString() {
            return (expand == null ? "" : expand + " " + expandAct + " -> ") + depthwise + " " + depthwiseAct
                    + (project == null ? "" : " -> " + project + " " + projectAct + (residual ? " +Z" : "")) + ", strips of " + stripRows;
        }

        int[] outputShape() {
            return (project != null ? project : depthwise).outputShape();
        }
    }

    /**
     * 1 to 20 input channels; C = 1, 2, 3, 6 or 9 vectors (or, sometimes, a count that is not a multiple of the vector:
     * then no fused kernel); 1 to 20 output channels, or 1.5 vectors; an expand (a 1x1, or a third of the time a 3x3 stride-2 stem of 1
     * to 4 channels, read in NCHW), a projection or both; maps 1 to 13 rows × 1 to 41
     * columns (strips of 8 pixels, edges, rows narrower than a strip); height stride 1 to 3, width stride 1 or 2;
     * pads 0 to 4 per side (rows with no tap inside); strips of 1 to 3 output rows or the kernel's own; batch 1 to 3.
     */
    static Gen<Block> blocks() {
        return in -> {
            int cin = Sizes.between(1, 20).generate(in);
            // a fifth of the projections to 1.5 vectors: PointwiseConv's pixel-pair kernel (24 channels at 512 bits)
            int cout = Generate.range(0, 4).generate(in) == 0 ? 3 * VectorWidth.LANES / 2 : Sizes.between(1, 20).generate(in);
            boolean ragged = Generate.range(0, 7).generate(in) == 0;
            int c = ragged ? Sizes.between(1, 40).generate(in) : VectorWidth.LANES * Generate.pick(List.of(1, 2, 3, 6, 9)).generate(in);
            int h = Sizes.between(1, 13).generate(in), w = Sizes.between(1, 41).generate(in), n = ConvShapes.batch(in);
            // a third of the expands are stems: 3x3 stride 2, pad 1, from 1 to 4 channels, onto the depthwise's map
            boolean stem = Generate.range(0, 2).generate(in) == 0;
            int stemIn = Generate.range(1, 4).generate(in);
            int[] st = {Generate.range(1, 3).generate(in), Generate.range(1, 2).generate(in)};
            int[] pb = {Generate.range(0, 4).generate(in), Generate.range(0, 4).generate(in)};
            int[] pe = {Generate.range(0, 4).generate(in), Generate.range(0, 4).generate(in)};
            ConvShapes.fitPadding(new int[] {h, w}, new int[] {3, 3}, pb, pe);
            int which = Generate.range(0, 3).generate(in);   // 0: expand only, 1: projection only, 2-3: both
            boolean hasExpand = which != 1, hasProject = which != 0;
            ConvShape e = !hasExpand ? null : stem
                    ? new ConvShape(n, stemIn, c, 1, new int[] {2 * h - 1 + Generate.range(0, 1).generate(in), 2 * w}, new int[] {3, 3},
                            new int[] {1, 1}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, Generate.booleans().generate(in))
                    : new ConvShape(n, cin, c, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                            new int[] {1, 1}, Generate.booleans().generate(in));
            ConvShape d = new ConvShape(n, c, c, c, new int[] {h, w}, new int[] {3, 3}, pb, pe, st, new int[] {1, 1},
                    Generate.booleans().generate(in));
            ConvShape p = hasProject ? new ConvShape(n, c, cout, 1, d.outSpatial(), new int[] {1, 1}, new int[2], new int[2],
                    new int[] {1, 1}, new int[] {1, 1}, Generate.booleans().generate(in)) : null;
            return new Block(e, d, p, Generate.pick(ACTS).generate(in), Generate.pick(ACTS).generate(in), Generate.pick(ACTS).generate(in),
                    hasProject && Generate.booleans().generate(in), Generate.pick(List.of(0, 1, 2, 3)).generate(in));
        };
    }

    /** X (NCHW), each layer's W and B (null for none), the residual (NCHW, null for none). */
    record Weights(float[] x, float[][] w, float[][] b, float[] z) {
        static Weights of(Block b, long seed) {
            List<ConvShape> layers = layers(b);
            float[][] w = new float[layers.size()][], bias = new float[layers.size()][];
            for (int i = 0; i < layers.size(); i++) {
                ConvShape s = layers.get(i);
                w[i] = Data.uniform(seed + 1 + 2 * i, Dims.size(s.weightShape()));
                bias[i] = s.hasBias() ? Data.uniform(seed + 2 + 2 * i, s.outChannels()) : null;
            }
            return new Weights(Data.uniform(seed, Dims.size(layers.get(0).inputShape())), w, bias,
                    b.residual() ? Data.uniform(seed + 9, Dims.size(b.outputShape())) : null);
        }
    }

    static List<ConvShape> layers(Block b) {
        List<ConvShape> l = new ArrayList<>(3);
        if (b.expand() != null) l.add(b.expand());
        l.add(b.depthwise());
        if (b.project() != null) l.add(b.project());
        return l;
    }

    static List<Activation> activations(Block b) {
        List<Activation> l = new ArrayList<>(3);
        if (b.expand() != null) l.add(b.expandAct());
        l.add(b.depthwiseAct());
        if (b.project() != null) l.add(b.projectAct());
        return l;
    }

    @Test
    void fusedEqualsTheLayersInTurnAndTheReference() {
        Theories.qt(80).forAll(blocks(), Sizes.seeds()).checkAssert(InvertedResidualProperties::fusedEqualsTheLayersInTurnAndTheReference);
    }

    /**
     * Blocks whose projection has 1 MB of weights or more (880 to 1000 expanded channels → 300 to 340), which reads the
     * next panel's pages ahead in the fused kernel's strips (PointwiseConv's pixels) and, split by panels, on more
     * threads: 8 to 40 input channels, maps 1 to 9 × 1 to 9, stride 1 or 2, strips of 1 to 3 rows or the kernel's own,
     * with or without a residual. The same checks as above (the layers in turn, where the projection on one thread
     * reads nothing ahead, every partition on 1, 2, 3, 5 and 8 threads, the reference).
     */
    @Test
    void fusedUnderLargeProjectionWeights() {
        Gen<Block> blocks = in -> {
            int l = VectorWidth.LANES, c = (880 + l - 1) / l * l + l * Generate.range(0, 120 / l).generate(in), cout = Generate.range(300, 340).generate(in);
            int cin = Generate.range(8, 40).generate(in), h = Sizes.between(1, 9).generate(in), w = Sizes.between(1, 9).generate(in);
            int st = Generate.range(1, 2).generate(in);
            ConvShape e = new ConvShape(1, cin, c, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                    new int[] {1, 1}, Generate.booleans().generate(in));
            ConvShape d = new ConvShape(1, c, c, c, new int[] {h, w}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
            ConvShape p = new ConvShape(1, c, cout, 1, d.outSpatial(), new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                    new int[] {1, 1}, Generate.booleans().generate(in));
            return new Block(e, d, p, Activation.RELU6, Activation.RELU6, Generate.pick(ACTS).generate(in), Generate.booleans().generate(in),
                    Generate.pick(List.of(0, 1, 2, 3)).generate(in));
        };
        Theories.qt(6).forAll(blocks, Sizes.seeds()).checkAssert((b, seed) -> {
            assertTrue(4L * b.project().inChannels() * b.project().outChannels() >= 1 << 20, "projection weights of 1 MB or more: " + b);
            fusedEqualsTheLayersInTurnAndTheReference(b, seed);
        });
    }

    /**
     * MobileNet's blocks with tall maps, where the depthwise runs pairs of output rows through one sliding window
     * (DepthwiseDirect3x3's two-row windows, 512-bit): one-pixel pads, equal strides 1 or 2, 4 to 17 rows (an odd row
     * left over, pairs cut by strips and by threads), 1 to 41 columns, 1 to 3 vectors of channels, an expand of 1 to 24
     * channels with or without a projection; strips of one row (never a pair) or 2, 3 or the kernel's own. The checks of
     * {@link #fusedEqualsTheLayersInTurnAndTheReference()}: the layers in turn (whole maps, pairs wherever two rows lie
     * inside) give the bits of every partition on 1, 2, 3, 5 and 8 threads, and both are close to the reference.
     */
    @Test
    void fusedOnTallMapsWithDepthwiseRowPairs() {
        Gen<Block> blocks = in -> {
            int l = VectorWidth.LANES, c = l * Generate.range(1, 3).generate(in), cin = Sizes.between(1, 24).generate(in);
            int h = Generate.range(4, 17).generate(in), w = Sizes.between(1, 41).generate(in), st = Generate.range(1, 2).generate(in);
            ConvShape e = new ConvShape(1, cin, c, 1, new int[] {h, w}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                    new int[] {1, 1}, Generate.booleans().generate(in));
            ConvShape d = new ConvShape(1, c, c, c, new int[] {h, w}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                    new int[] {st, st}, new int[] {1, 1}, Generate.booleans().generate(in));
            boolean project = Generate.booleans().generate(in);
            ConvShape p = project ? new ConvShape(1, c, Sizes.between(1, 20).generate(in), 1, d.outSpatial(), new int[] {1, 1}, new int[2],
                    new int[2], new int[] {1, 1}, new int[] {1, 1}, Generate.booleans().generate(in)) : null;
            return new Block(e, d, p, Activation.RELU6, Generate.pick(ACTS).generate(in), Generate.pick(ACTS).generate(in),
                    project && Generate.booleans().generate(in), Generate.pick(List.of(0, 1, 2, 3)).generate(in));
        };
        Theories.qt(30).forAll(blocks, Sizes.seeds()).checkAssert(InvertedResidualProperties::fusedEqualsTheLayersInTurnAndTheReference);
    }

    /** The fused block against its layers in turn (the same bits on every partition and thread count) and the reference. */
    private static void fusedEqualsTheLayersInTurnAndTheReference(Block b, long seed) {
        Weights d = Weights.of(b, seed);
        List<ConvShape> shapes = layers(b);
        List<Activation> acts = activations(b);
        List<ConvOperator> ops = new ArrayList<>(3);
        for (int i = 0; i < shapes.size(); i++) ops.add(ConvOperator.prepare(shapes.get(i), d.w[i], 0, d.b[i], 0, acts.get(i)));
        ConvOperator expand = b.expand() != null ? ops.get(0) : null, project = b.project() != null ? ops.get(ops.size() - 1) : null;
        ConvOperator dw = ops.get(b.expand() != null ? 1 : 0);
        InvertedResidualOperator fused = InvertedResidualOperator.of(expand, dw, project, b.stripRows());
        // one input channel makes a 1x1 "depthwise" (groups = C = 1): ConvOperator does not run it as PointwiseConv
        boolean fits = b.depthwise().outChannels() % VectorWidth.LANES == 0
                && (expand == null || expand.algorithm() == ConvAlgorithm.POINTWISE_DIRECT || expand.algorithm() == ConvAlgorithm.STEM_DIRECT)
                && (project == null || project.algorithm() == ConvAlgorithm.POINTWISE_DIRECT);
        if (!fits) {
            assertNull(fused, "no fused kernel for " + b);
            return;
        }
        assertNotNull(fused, b.toString());
        ConvShape first = shapes.get(0);
        int[] out = b.outputShape();
        int outSize = Dims.size(out), outPixels = out[2] * out[3];
        float[] x = nhwc(d.x, first.batch(), first.inChannels(), first.inSpatialSize());
        // a stem reads the image in NCHW
        float[] fusedX = fused.readsNchw() ? d.x : x;
        float[] z = d.z == null ? null : nhwc(d.z, out[0], out[1], outPixels);

        // the layers in turn, on the fast path
        float[] v = x;
        for (int i = 0; i < ops.size(); i++) {
            float[] next = new float[Dims.size(shapes.get(i).outputShape())];
            ops.get(i).runNhwc(v, 0, next, 0, i == ops.size() - 1 ? z : null, 0, Parallel.callerOnly());
            v = next;
        }
        float[] one = run(fused, fusedX, z, outSize, Parallel.callerOnly());
        Tolerance.assertBitsEqual(b + " fused vs the layers in turn", one, v);
        Tolerance.assertBitsEqual(b + " 2 threads", run(fused, fusedX, z, outSize, TWO), one);
        Tolerance.assertBitsEqual(b + " 3 threads", run(fused, fusedX, z, outSize, THREE), one);
        // every partition, a share per row or channel panel whatever the work: 1 to 8 shares of maps of 1 to 13 rows
        for (BlockPartition how : BlockPartition.values()) {
            for (Parallel p : POOLS) {
                Tolerance.assertBitsEqual(b + " " + how + " on " + p.threads() + " threads", run(fused, fusedX, z, outSize, p, how), one);
            }
        }

        float[] nchw = new float[one.length];
        Layouts.toNchw(one, 0, out[0], out[1], outPixels, nchw, 0, Parallel.callerOnly());
        Reference r = Reference.of(b, d);
        int k = 9;
        for (ConvShape s : shapes) k = Math.max(k, s.inChannelsPerGroup() * s.kernelSize());
        Tolerance.assertClose(b + " vs reference", nchw, r.y, r.scale, 1.5 * 1.5 * (k + 5) + 14);
    }

    /**
     * MobileNetV2's blocks at 2 threads (expand 1x1 → depthwise 3x3 → projection, ReLU6): the partition the class
     * comment of {@code InvertedResidualConv} gives them, and the bits of one thread. {@code {input channels, expanded,
     * output, map side, stride}}.
     */
    @Test
    void mobileNetV2BlocksAtTwoThreads() {
        int[][] blocks = {{24, 144, 32, 56, 2}, {32, 192, 32, 28, 1}, {32, 192, 64, 28, 2}, {64, 384, 64, 14, 1}, {96, 576, 96, 14, 1},
                {96, 576, 160, 14, 2}, {160, 960, 160, 7, 1}, {160, 960, 320, 7, 1}};
        // 576 channels make 9 expand panels of 4 vectors at 512 bits (5 + 4: too uneven for channel shares), 18 at 256
        boolean wide = VectorWidth.LANES >= 16;
        BlockPartition[] expected = {BlockPartition.STRIPS, BlockPartition.STRIPS, BlockPartition.STRIPS, BlockPartition.STRIPS,
                wide ? BlockPartition.STRIPS : BlockPartition.CHANNELS, wide ? BlockPartition.LAYERS_IN_TURN : BlockPartition.CHANNELS,
                BlockPartition.CHANNELS, BlockPartition.CHANNELS};
        for (int i = 0; i < blocks.length; i++) {
            int[] k = blocks[i];
            int side = k[3], out = (side - 1) / k[4] + 1;
            ConvShape e = new ConvShape(1, k[0], k[1], 1, new int[] {side, side}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                    new int[] {1, 1}, true);
            ConvShape d = new ConvShape(1, k[1], k[1], k[1], new int[] {side, side}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                    new int[] {k[4], k[4]}, new int[] {1, 1}, true);
            ConvShape p = new ConvShape(1, k[1], k[2], 1, new int[] {out, out}, new int[] {1, 1}, new int[2], new int[2], new int[] {1, 1},
                    new int[] {1, 1}, true);
            boolean residual = k[4] == 1 && k[0] == k[2];
            Block b = new Block(e, d, p, Activation.RELU6, Activation.RELU6, Activation.NONE, residual, 0);
            Weights w = Weights.of(b, 31 + i);
            InvertedResidualOperator op = InvertedResidualOperator.of(ConvOperator.prepare(e, w.w[0], 0, w.b[0], 0, Activation.RELU6),
                    ConvOperator.prepare(d, w.w[1], 0, w.b[1], 0, Activation.RELU6), ConvOperator.prepare(p, w.w[2], 0, w.b[2], 0, Activation.NONE));
            assertNotNull(op, b.toString());
            assertEquals(expected[i], op.partition(TWO), b.toString());
            assertEquals(BlockPartition.STRIPS, op.partition(Parallel.callerOnly()), b.toString());
            // under 1.2–1.8 MB of weights the 7² blocks take their 7 rows in one strip (the weights stream once a call)
            if (side == 7) assertEquals(7, op.stripRows(), b.toString());
            float[] x = nhwc(w.x, 1, k[0], side * side), z = w.z == null ? null : nhwc(w.z, 1, k[2], out * out);
            int size = k[2] * out * out;
            float[] one = run(op, x, z, size, Parallel.callerOnly());
            Tolerance.assertBitsEqual(b + " 2 threads", run(op, x, z, size, TWO), one);
            // channel shares over real panel counts (15 panels of 960 channels on 3 threads: 5 + 5 + 5)
            Tolerance.assertBitsEqual(b + " channels on 3 threads", run(op, x, z, size, THREE, BlockPartition.CHANNELS), one);
        }
    }

    private static float[] nhwc(float[] nchw, int n, int c, int pixels) {
        float[] a = new float[nchw.length];
        Layouts.toNhwc(nchw, 0, n, c, pixels, a, 0, Parallel.callerOnly());
        return a;
    }

    private static float[] run(InvertedResidualOperator op, float[] x, float[] z, int outSize, Parallel p) {
        return run(op, x, z, outSize, p, null);
    }

    private static float[] run(InvertedResidualOperator op, float[] x, float[] z, int outSize, Parallel p, BlockPartition how) {
        Guarded y = new Guarded(outSize);
        op.run(x, 0, y.array(), y.offset(), z, 0, p, how);
        y.assertCanariesIntact();
        return y.region();
    }

    /** The reference chain in NCHW and the error scale of each output (see the class comment). */
    record Reference(float[] y, double[] scale) {
        static Reference of(Block b, Weights d) {
            List<ConvShape> shapes = layers(b);
            List<Activation> acts = activations(b);
            float[] v = d.x;
            double[] scale = null;   // of v; X itself is exact
            for (int i = 0; i < shapes.size(); i++) {
                ConvShape s = shapes.get(i);
                int size = Dims.size(s.outputShape());
                float[] y = new float[size];
                double[] terms = new double[size];
                REFERENCE.conv(s, v, 0, d.w[i], 0, d.b[i], 0, y, 0, terms);
                boolean last = i == shapes.size() - 1;
                if (last && d.z != null) for (int j = 0; j < size; j++) {
                    y[j] += d.z[j];
                    terms[j] += Math.abs(d.z[j]);
                }
                double[] carried = scale == null ? new double[size] : carried(s, scale, d.w[i]);
                double[] next = new double[size];
                for (int j = 0; j < size; j++) {
                    y[j] = acts.get(i).apply(y[j]);
                    next[j] = terms[j] + Math.abs(y[j]) + 1.5 * carried[j];
                }
                v = y;
                scale = next;
            }
            return new Reference(v, scale);
        }
    }

    /** {@code Σ |w|·scale} over each output's window: the reference conv with |W| over the input's scale, no bias. */
    static double[] carried(ConvShape s, double[] scale, float[] w) {
        float[] absW = new float[w.length], in = new float[scale.length];
        for (int i = 0; i < w.length; i++) absW[i] = Math.abs(w[i]);
        for (int i = 0; i < in.length; i++) in[i] = (float) scale[i];
        ConvShape noBias = new ConvShape(s.batch(), s.inChannels(), s.outChannels(), s.groups(), s.inSpatial(), s.kernel(), s.padsBegin(),
                s.padsEnd(), s.strides(), s.dilations(), false);
        float[] out = new float[Dims.size(s.outputShape())];
        REFERENCE.conv(noBias, in, 0, absW, 0, null, 0, out, 0);
        double[] r = new double[out.length];
        // float rounding of a sum of non-negative terms: at most K·eps relative, covered by a 1 % margin
        for (int i = 0; i < r.length; i++) r[i] = out[i] * 1.01;
        return r;
    }
}
