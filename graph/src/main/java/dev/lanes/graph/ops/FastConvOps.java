package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.exec.RunContext;
import dev.lanes.graph.passes.LayoutSelection;
import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.ConvTransposeOperator;
import dev.lanes.simd.ExpandDepthwiseOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.PoolOperator;
import dev.lanes.simd.conv.Layouts;

/**
 * Conv (and lanes FusedConv), ConvTranspose and the pools on simd-kernels' prepared operators
 * ({@link ConvOperator}, {@link ConvTransposeOperator}, {@link PoolOperator}): the algorithm is chosen
 * and the weights packed or transformed once per input shape ({@link PerShape}) — at session creation
 * when the shape is known then, which it always is in a plan specialised for its input shapes. Bias,
 * the fused residual and the activation run in the kernels' epilogue; outputs come from the run's arena.
 *
 * <p>Layout: values between ops are in ONNX's NCHW, and the operators' {@code runNchw} reorders to the
 * kernels' NHWC and back around each call — except where {@link LayoutSelection} keeps a convolution's
 * X or Y in NHWC, which then skips that reorder.
 *
 * <p>Conv and ConvTranspose are bound only when W (and B, if present) are constants; otherwise, or when
 * no fast kernel handles a shape, the reference binding runs.
 */
final class FastConvOps {
    private FastConvOps() {}

    /** Conv and lanes FusedConv. */
    static Operator conv(OpSetup s) {
        boolean fused = s.node().domain().equals(FusedOps.DOMAIN);
        WindowAttrs.Conv attrs = WindowAttrs.Conv.read(s);
        Activation activation = (fused ? FusedActivation.read(s) : FusedActivation.NONE).toSimd();
        Tensor w = s.constantInput(1);
        Tensor bias = s.hasInput(2) ? s.constantInput(2) : null;
        if (activation == null || !constantWeights(s, w, bias)) {
            return null;
        }
        boolean residual = fused && s.hasInput(3);
        boolean xNhwc = fused && s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = fused && s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        Operator reference = fused ? FusedOps.conv(s) : ConvOps.conv(s);
        String op = s.node().opType();
        PerShape<ConvOperator> prepared = new PerShape<>(x -> {
            ConvShape shape = attrs.shape(x, w.shape(), bias == null ? null : bias.shape());
            try {
                return ConvOperator.prepare(shape, w.floats(), 0, bias == null ? null : bias.floats(), 0, activation);
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            ConvOperator c = prepared.get(x.shape());
            if (c == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = c.shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            float[] z = residual ? FusedOps.residual(in[3], outShape, op).floats() : null;
            if (!xNhwc && !yNhwc) {
                c.runNchw(x.floats(), 0, y, 0, z, 0, ctx.parallel());
            } else {
                runNhwc(c, x, xNhwc, y, yNhwc, z, ctx);
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** The two operators of a FusedExpandDepthwise for one input shape, and their fused form (null when none fits). */
    private record ExpandDepthwise(ConvOperator expand, ConvOperator depthwise, ExpandDepthwiseOperator fused) {}

    /**
     * lanes FusedExpandDepthwise: the fused strip kernel ({@link ExpandDepthwiseOperator}) when X and Y are both NHWC
     * and the kernels fit it; otherwise the two operators one after the other through an NHWC intermediate.
     */
    static Operator expandDepthwise(OpSetup s) {
        WindowAttrs.Conv attrs = WindowAttrs.Conv.read(s);
        Activation expandAct = FusedActivation.read(s, FusedOps.EXPAND_PREFIX).toSimd(), act = FusedActivation.read(s).toSimd();
        Tensor w1 = s.constantInput(1), b1 = s.hasInput(2) ? s.constantInput(2) : null;
        Tensor w2 = s.constantInput(3), b2 = s.hasInput(4) ? s.constantInput(4) : null;
        boolean constants = w1 != null && w1.dtype() == DType.FLOAT32 && (!s.hasInput(2) || (b1 != null && b1.dtype() == DType.FLOAT32))
                && w2 != null && w2.dtype() == DType.FLOAT32 && (!s.hasInput(4) || (b2 != null && b2.dtype() == DType.FLOAT32));
        if (expandAct == null || act == null || !constants) {
            return null;
        }
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        Operator reference = FusedOps.expandDepthwise(s);
        PerShape<ExpandDepthwise> prepared = new PerShape<>(x -> {
            try {
                ConvShape e = WindowAttrs.Conv.DEFAULTS.shape(x, w1.shape(), b1 == null ? null : b1.shape());
                ConvShape d = attrs.shape(e.outputShape(), w2.shape(), b2 == null ? null : b2.shape());
                ConvOperator eo = ConvOperator.prepare(e, w1.floats(), 0, b1 == null ? null : b1.floats(), 0, expandAct);
                ConvOperator dOp = ConvOperator.prepare(d, w2.floats(), 0, b2 == null ? null : b2.floats(), 0, act);
                return new ExpandDepthwise(eo, dOp, xNhwc && yNhwc ? ExpandDepthwiseOperator.of(eo, dOp) : null);
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], FusedOps.FUSED_EXPAND_DEPTHWISE + " X");
            ExpandDepthwise p = prepared.get(x.shape());
            if (p == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = p.depthwise().shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            if (p.fused() != null) {
                p.fused().runNhwc(x.floats(), 0, y, 0, ctx.parallel());
            } else {
                int[] midShape = p.expand().shape().outputShape();
                float[] mid = ctx.floats(Tensor.checkedSize(midShape));
                if (xNhwc) {
                    p.expand().runNhwc(x.floats(), 0, mid, 0, ctx.parallel());
                } else {
                    p.expand().runNchwToNhwc(x.floats(), 0, mid, 0, null, 0, ctx.parallel());
                }
                runNhwc(p.depthwise(), Tensor.of(mid, midShape), true, y, yNhwc, null, ctx);
                ctx.giveBack(mid);
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** A convolution run in NHWC with one of X or Y (and Z with Y) in NCHW: that one is reordered through a scratch buffer. */
    private static void runNhwc(ConvOperator c, Tensor x, boolean xNhwc, float[] y, boolean yNhwc, float[] z, RunContext ctx) {
        ConvShape s = c.shape();
        int n = s.batch(), outPixels = s.outSpatialSize(), m = s.outChannels();
        Parallel par = ctx.parallel();
        if (!xNhwc) {
            c.runNchwToNhwc(x.floats(), 0, y, 0, z, 0, par); // the operator reorders X, unless its kernel reads NCHW
        } else if (yNhwc) {
            c.runNhwc(x.floats(), 0, y, 0, z, 0, par);
        } else {
            float[] ys = ctx.floats(y.length), zs = null;
            if (z != null) {
                zs = ctx.floats(z.length);
                Layouts.toNhwc(z, 0, n, m, outPixels, zs, 0, par);
            }
            c.runNhwc(x.floats(), 0, ys, 0, zs, 0, par);
            Layouts.toNchw(ys, 0, n, m, outPixels, y, 0, par);
            ctx.giveBack(ys);
            if (zs != null) {
                ctx.giveBack(zs);
            }
        }
    }

    static Operator convTranspose(OpSetup s) {
        WindowAttrs.ConvTranspose attrs = WindowAttrs.ConvTranspose.read(s);
        Tensor w = s.constantInput(1);
        Tensor bias = s.hasInput(2) ? s.constantInput(2) : null;
        if (!constantWeights(s, w, bias)) {
            return null;
        }
        Operator reference = ConvOps.convTranspose(s);
        PerShape<ConvTransposeOperator> prepared = new PerShape<>(x -> {
            ConvTransposeShape shape = attrs.shape(x, w.shape(), bias == null ? null : bias.shape());
            try {
                return ConvTransposeOperator.prepare(shape, w.floats(), 0, bias == null ? null : bias.floats(), 0, Activation.NONE);
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], "ConvTranspose X");
            ConvTransposeOperator c = prepared.get(x.shape());
            if (c == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = c.shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            c.runNchw(x.floats(), 0, y, 0, ctx.parallel());
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** MaxPool and AveragePool (MaxPool's indices output included). */
    static Operator pool(OpSetup s, PoolShape.Mode mode) {
        WindowAttrs.Pool attrs = WindowAttrs.Pool.read(s, mode);
        boolean indices = attrs.indices();
        boolean nhwc = s.getLong(LayoutSelection.NHWC, 0) != 0;   // X and Y in NHWC memory order (LayoutSelection)
        String op = s.node().opType();
        PerShape<PoolOperator> prepared = new PerShape<>(x -> PoolOperator.prepare(attrs.shape(x)));
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            PoolOperator p = prepared.get(x.shape());
            int[] outShape = p.shape().outputShape();
            int n = Tensor.checkedSize(outShape);
            float[] y = ctx.floats(n);
            if (indices) {
                long[] idx = new long[n];
                p.maxWithIndicesNchw(x.floats(), 0, y, 0, idx, 0, ctx.parallel());
                return new Tensor[] {Tensor.of(y, outShape), Tensor.ofLongs(idx, outShape)};
            }
            if (nhwc) {
                p.runNhwc(x.floats(), 0, y, 0, ctx.parallel());
            } else {
                p.runNchw(x.floats(), 0, y, 0, ctx.parallel());
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** GlobalMaxPool and GlobalAveragePool. */
    static Operator globalPool(OpSetup s, PoolShape.Mode mode) {
        String op = s.node().opType();
        boolean nhwc = s.getLong(LayoutSelection.NHWC, 0) != 0;   // X in NHWC memory order (LayoutSelection)
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            PoolOperator p = PoolOperator.prepare(PoolShape.global(mode, x.shape()));
            int[] outShape = p.shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            if (nhwc) {
                p.runNhwc(x.floats(), 0, y, 0, ctx.parallel());
                return new Tensor[] {Tensor.of(y, outShape)};
            }
            p.runNchw(x.floats(), 0, y, 0, ctx.parallel());
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** W (and B when given) are float32 constants: what the prepared operators pack at creation. */
    private static boolean constantWeights(OpSetup s, Tensor w, Tensor bias) {
        return w != null && w.dtype() == DType.FLOAT32 && (!s.hasInput(2) || (bias != null && bias.dtype() == DType.FLOAT32));
    }

    /**
     * Prepares the operator for the input shape known at creation, if any. False when that shape breaks
     * the op's rules: the reference binding is then bound, and reports the problem when the node runs.
     */
    private static boolean prepareKnownShape(OpSetup s, PerShape<?> prepared) {
        int[] known = s.inputInfo(0).fixedShape();
        if (known == null) {
            return true;
        }
        try {
            prepared.get(known);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
