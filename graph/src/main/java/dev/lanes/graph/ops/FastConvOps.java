package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.InPlaceOperator;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.exec.RunContext;
import dev.lanes.graph.passes.LayoutSelection;
import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvGlobalPoolOperator;
import dev.lanes.simd.ConvMaxPoolOperator;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.ConvTransposeOperator;
import dev.lanes.simd.InvertedResidualOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.PoolOperator;
import dev.lanes.simd.conv.ConvWeights;
import dev.lanes.simd.conv.Layouts;
import java.util.ArrayList;
import java.util.List;

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
        ConvWeights weights = ConvWeightsForm.of(s, 1);
        int[] wShape = w.shape(); // the operator keeps the shape only: the values live in the session's holder
        boolean residual = fused && s.hasInput(3);
        boolean xNhwc = fused && s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = fused && s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        Operator reference = fused ? FusedOps.conv(s) : ConvOps.conv(s);
        String op = s.node().opType();
        PerShape<ConvOperator> prepared = new PerShape<>(x -> {
            ConvShape shape = attrs.shape(x, wShape, bias == null ? null : bias.shape());
            try {
                return prepare(shape, weights, bias, activation);
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        Operator body = new ConvRun(op, prepared, reference, residual, xNhwc, yNhwc);
        int[] known = s.inputInfo(0).fixedShape();
        ConvOperator knownOp = known == null ? null : prepared.get(known);
        if (residual && xNhwc && yNhwc && knownOp != null && knownOp.residualMayBeOutput()) {
            return new OverResidual(body);
        }
        return body;
    }

    /**
     * The run of a bound Conv or FusedConv. A class of its own rather than a lambda: C2 compiled the lambda twice, as its
     * synthetic wrapper (which inlines the body) and as the body, each ~0.12-0.2 s on the core the runs share, ~15-20 s
     * after the JVM's start (bench/RESULTS.md, "Time to steady state, session 16").
     */
    private record ConvRun(String op, PerShape<ConvOperator> prepared, Operator reference, boolean residual, boolean xNhwc,
                           boolean yNhwc) implements Operator {
        @Override
        public Tensor[] run(Tensor[] in, RunContext ctx) {
            Tensor x = LinearOps.float32(in[0], op, "X");
            ConvOperator c = prepared.get(x.shape());
            if (c == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = c.outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            float[] z = residual ? FusedOps.residual(in[3], outShape, op).floats() : null;
            if (!xNhwc && !yNhwc) {
                c.runNchw(x.floats(), 0, y, 0, z, 0, ctx.parallel());
            } else {
                runNhwc(c, x, xNhwc, y, yNhwc, z, ctx);
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        }
    }

    /**
     * A convolution that may write Y over its residual (input 3) when the residual dies at it: the run's arena then
     * hands the residual's buffer out as Y, and the kernel reads each residual element before it writes that output
     * ({@link ConvOperator#residualMayBeOutput}). Only with X and Y in NHWC, where Y goes to the kernel as it is.
     */
    private record OverResidual(Operator body) implements InPlaceOperator {
        @Override
        public Tensor[] run(Tensor[] inputs, RunContext ctx) {
            return body.run(inputs, ctx);
        }

        @Override
        public boolean mayOverwrite(int input) {
            return input == 3;
        }
    }

    /** The operators of a FusedInvertedResidual for one input shape (expand, project null when absent) and their fused form (null when none fits). */
    private record Block(ConvOperator expand, ConvOperator depthwise, ConvOperator project, InvertedResidualOperator fused) {}

    /**
     * lanes FusedInvertedResidual: the fused strip kernel ({@link InvertedResidualOperator}) when X and Y are both
     * NHWC and the kernels fit it; otherwise the operators one after the other through NHWC intermediates.
     */
    static Operator invertedResidual(OpSetup s) {
        WindowAttrs.Conv attrs = WindowAttrs.Conv.read(s), expandAttrs = WindowAttrs.Conv.read(s, FusedOps.EXPAND_PREFIX);
        Activation expandAct = FusedActivation.read(s, FusedOps.EXPAND_PREFIX).toSimd(), act = FusedActivation.read(s).toSimd();
        Activation projectAct = FusedActivation.read(s, FusedOps.PROJECT_PREFIX).toSimd();
        boolean expand = s.hasInput(1), project = s.hasInput(5), residual = s.hasInput(7);
        Tensor we = expand ? s.constantInput(1) : null, be = s.hasInput(2) ? s.constantInput(2) : null;
        Tensor wd = s.constantInput(3), bd = s.hasInput(4) ? s.constantInput(4) : null;
        Tensor wp = project ? s.constantInput(5) : null, bp = s.hasInput(6) ? s.constantInput(6) : null;
        boolean constants = (!expand || constantWeights(we, s.hasInput(2), be)) && constantWeights(wd, s.hasInput(4), bd)
                && (!project || constantWeights(wp, s.hasInput(6), bp));
        if (expandAct == null || act == null || projectAct == null || !constants) {
            return null;
        }
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        Operator reference = FusedOps.invertedResidual(s);
        ConvWeights cwe = expand ? ConvWeightsForm.of(s, 1) : null, cwd = ConvWeightsForm.of(s, 3), cwp = project ? ConvWeightsForm.of(s, 5) : null;
        int[] weShape = expand ? we.shape() : null, wdShape = wd.shape(), wpShape = project ? wp.shape() : null;
        PerShape<Block> prepared = new PerShape<>(x -> {
            try {
                ConvOperator e = null, p = null;
                int[] dIn = x;
                if (expand) {
                    e = prepare(expandAttrs.shape(x, weShape, be == null ? null : be.shape()), cwe, be, expandAct);
                    dIn = e.shape().outputShape();
                }
                ConvOperator d = prepare(attrs.shape(dIn, wdShape, bd == null ? null : bd.shape()), cwd, bd, act);
                if (project) {
                    p = prepare(WindowAttrs.Conv.DEFAULTS.shape(d.shape().outputShape(), wpShape, bp == null ? null : bp.shape()), cwp, bp,
                            projectAct);
                }
                InvertedResidualOperator fused = yNhwc ? InvertedResidualOperator.of(e, d, p) : null;
                return new Block(e, d, p, fused != null && xNhwc != fused.readsNchw() ? fused : null);
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        String op = FusedOps.FUSED_INVERTED_RESIDUAL;
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op, "X");
            Block b = prepared.get(x.shape());
            if (b == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = (b.project() != null ? b.project() : b.depthwise()).outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            float[] z = residual ? FusedOps.residual(in[7], outShape, op).floats() : null;
            if (b.fused() != null) {
                b.fused().run(x.floats(), 0, y, 0, z, 0, ctx.parallel());
                return new Tensor[] {Tensor.of(y, outShape)};
            }
            // the layers in turn: every intermediate in NHWC
            Tensor v = x;
            boolean vNhwc = xNhwc;
            List<float[]> scratch = new ArrayList<>(2);
            List<ConvOperator> layers = new ArrayList<>(3);
            if (b.expand() != null) {
                layers.add(b.expand());
            }
            layers.add(b.depthwise());
            if (b.project() != null) {
                layers.add(b.project());
            }
            for (int i = 0; i < layers.size(); i++) {
                ConvOperator c = layers.get(i);
                boolean last = i == layers.size() - 1;
                int[] shape = c.outputShape();
                float[] out = last ? y : ctx.floats(Tensor.checkedSize(shape));
                float[] zi = last ? z : null;
                if (!vNhwc && !(last ? yNhwc : true)) {
                    c.runNchw(v.floats(), 0, out, 0, zi, 0, ctx.parallel());
                } else {
                    runNhwc(c, v, vNhwc, out, last ? yNhwc : true, zi, ctx);
                }
                if (!last) {
                    scratch.add(out);
                }
                v = Tensor.of(out, shape);
                vNhwc = true;
            }
            for (float[] a : scratch) {
                ctx.giveBack(a);
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** The operators of a FusedConvMaxPool for one input shape and their fused form (null when it does not fit). */
    private record ConvPool(ConvOperator conv, PoolOperator pool, ConvMaxPoolOperator fused) {}

    /**
     * lanes FusedConvMaxPool with Y in NHWC: the band kernel ({@link ConvMaxPoolOperator}) when the convolution runs
     * the band GEMM; otherwise the convolution into an NHWC intermediate, then the pool. Y in NCHW: the reference.
     */
    static Operator convMaxPool(OpSetup s) {
        WindowAttrs.Conv attrs = WindowAttrs.Conv.read(s);
        WindowAttrs.Pool poolAttrs = WindowAttrs.Pool.read(s, PoolShape.Mode.MAX, FusedOps.POOL_PREFIX);
        Activation act = FusedActivation.read(s).toSimd();
        Tensor w = s.constantInput(1);
        Tensor bias = s.hasInput(2) ? s.constantInput(2) : null;
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        if (act == null || !yNhwc || !constantWeights(s, w, bias)) {
            return null;
        }
        Operator reference = FusedOps.convMaxPool(s);
        ConvWeights weights = ConvWeightsForm.of(s, 1);
        int[] wShape = w.shape();
        PerShape<ConvPool> prepared = new PerShape<>(x -> {
            try {
                ConvOperator c = prepare(attrs.shape(x, wShape, bias == null ? null : bias.shape()), weights, bias, act);
                PoolOperator p = PoolOperator.prepare(poolAttrs.shape(c.shape().outputShape()));
                return new ConvPool(c, p, ConvMaxPoolOperator.of(c, p));
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        String op = FusedOps.FUSED_CONV_MAX_POOL;
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op, "X");
            ConvPool cp = prepared.get(x.shape());
            if (cp == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = cp.pool().shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            if (cp.fused() != null) {
                cp.fused().run(x.floats(), 0, !xNhwc, y, 0, ctx.parallel());
            } else {
                float[] mid = ctx.floats(Tensor.checkedSize(cp.conv().outputShape()));
                runNhwc(cp.conv(), x, xNhwc, mid, true, null, ctx);
                cp.pool().runNhwc(mid, 0, y, 0, ctx.parallel());
                ctx.giveBack(mid);
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** The operators of a FusedConvGlobalAveragePool for one input shape and their fused form (null when it does not fit). */
    private record ConvMean(ConvOperator conv, PoolOperator pool, ConvGlobalPoolOperator fused) {}

    /**
     * lanes FusedConvGlobalAveragePool: the 1x1 kernel's own pooled pass ({@link ConvGlobalPoolOperator}) when the
     * convolution runs {@code PointwiseConv} on NHWC X; otherwise the convolution into an NHWC intermediate, then the
     * pool (both as their own nodes would run).
     */
    static Operator convGlobalAveragePool(OpSetup s) {
        WindowAttrs.Conv attrs = WindowAttrs.Conv.read(s);
        Activation act = FusedActivation.read(s).toSimd();
        Tensor w = s.constantInput(1);
        Tensor bias = s.hasInput(2) ? s.constantInput(2) : null;
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0;
        if (act == null || !constantWeights(s, w, bias)) {
            return null;
        }
        Operator reference = FusedOps.convGlobalAveragePool(s);
        ConvWeights weights = ConvWeightsForm.of(s, 1);
        int[] wShape = w.shape();
        PerShape<ConvMean> prepared = new PerShape<>(x -> {
            try {
                ConvOperator c = prepare(attrs.shape(x, wShape, bias == null ? null : bias.shape()), weights, bias, act);
                PoolOperator p = PoolOperator.prepare(PoolShape.global(PoolShape.Mode.AVERAGE, c.shape().outputShape()));
                return new ConvMean(c, p, xNhwc ? ConvGlobalPoolOperator.of(c) : null);
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape
            }
        });
        if (!prepareKnownShape(s, prepared)) {
            return null;
        }
        String op = FusedOps.FUSED_CONV_GLOBAL_AVERAGE_POOL;
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op, "X");
            ConvMean cm = prepared.get(x.shape());
            if (cm == null) {
                return reference.run(in, ctx);
            }
            int[] outShape = cm.pool().shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            if (cm.fused() != null) {
                cm.fused().run(x.floats(), 0, y, 0, ctx.parallel());
            } else {
                float[] mid = ctx.floats(Tensor.checkedSize(cm.conv().outputShape()));
                runNhwc(cm.conv(), x, xNhwc, mid, true, null, ctx);
                cm.pool().runNhwc(mid, 0, y, 0, ctx.parallel());
                ctx.giveBack(mid);
            }
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    private static ConvOperator prepare(ConvShape shape, ConvWeights w, Tensor b, Activation act) {
        return ConvOperator.prepare(shape, w, b == null ? null : b.floats(), 0, act);
    }

    /** A convolution run in NHWC with one of X or Y (and Z with Y) in NCHW: that one is reordered through a scratch buffer. */
    private static void runNhwc(ConvOperator c, Tensor x, boolean xNhwc, float[] y, boolean yNhwc, float[] z, RunContext ctx) {
        Parallel par = ctx.parallel();
        if (!xNhwc) {
            c.runNchwToNhwc(x.floats(), 0, y, 0, z, 0, par); // the operator reorders X, unless its kernel reads NCHW
        } else if (yNhwc) {
            c.runNhwc(x.floats(), 0, y, 0, z, 0, par);
        } else {
            ConvShape s = c.shape();
            int n = s.batch(), outPixels = s.outSpatialSize(), m = s.outChannels();
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
        // one holder per weight constant, as for Conv: the packed form is shared by every input size and plan
        ConvWeights weights = ConvWeightsForm.of(s, 1);
        int[] wShape = w.shape(); // the operator keeps the shape only: the values live in the session's holder
        PerShape<ConvTransposeOperator> prepared = new PerShape<>(x -> {
            ConvTransposeShape shape = attrs.shape(x, wShape, bias == null ? null : bias.shape());
            try {
                return ConvTransposeOperator.prepare(shape, weights, bias == null ? null : bias.floats(), 0, Activation.NONE);
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
            Tensor x = LinearOps.float32(in[0], op, "X");
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
        // prepared per input shape (not per run); a shape the pool rejects throws when it runs, as before
        PerShape<PoolOperator> prepared = new PerShape<>(shape -> PoolOperator.prepare(PoolShape.global(mode, shape)));
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op, "X");
            PoolOperator p = prepared.get(x.shape());
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
        return constantWeights(w, s.hasInput(2), bias);
    }

    /** Constant float32 W and, when the node has a bias input, constant float32 B. */
    private static boolean constantWeights(Tensor w, boolean hasBias, Tensor bias) {
        return w != null && w.dtype() == DType.FLOAT32 && (!hasBias || (bias != null && bias.dtype() == DType.FLOAT32));
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
