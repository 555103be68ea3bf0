package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import dev.lanes.simd.ConvOperator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conv and lanes FusedConv on simd-kernels' {@link ConvOperator}: the algorithm (depthwise, Winograd,
 * pointwise or im2col GEMM) is chosen and the weights packed or transformed once per input shape —
 * at session creation when the input shape is known then (always, in a plan specialised for its
 * input shapes), else at the first run with that shape. Bias, the fused residual and the activation
 * run in the kernels' epilogue.
 *
 * <p>Layout: the graph keeps ONNX's NCHW between ops, and {@link ConvOperator#runNchw} reorders to the
 * kernels' NHWC and back around each convolution (see "Convolution and pooling: layout decision" in
 * simd-kernels/README.md and the graph's {@code LayoutSelection} pass).
 *
 * <p>Bound only when W (and B, if present) are constants; otherwise, or when no fast kernel handles
 * the shape, the reference binding runs.
 */
final class FastConvOps {
    private FastConvOps() {}

    /** Prepared operators kept per conv node; more input shapes than this are prepared per run. */
    static final int MAX_SHAPES = 8;

    static Operator conv(OpSetup s) {
        boolean fused = s.node().domain().equals(FusedOps.DOMAIN);
        String autoPad = s.getString("auto_pad", "NOTSET");
        int[] kernel = Attrs.ints(s.getLongs("kernel_shape", null));
        int[] pads = Attrs.ints(s.getLongs("pads", null));
        int[] strides = Attrs.ints(s.getLongs("strides", null));
        int[] dilations = Attrs.ints(s.getLongs("dilations", null));
        int group = (int) s.getLong("group", 1);
        FusedActivation act = fused ? FusedActivation.read(s) : FusedActivation.NONE;
        Activation activation = act.toSimd();
        Tensor w = s.constantInput(1);
        Tensor bias = s.hasInput(2) ? s.constantInput(2) : null;
        if (activation == null || w == null || w.dtype() != DType.FLOAT32 || (s.hasInput(2) && (bias == null || bias.dtype() != DType.FLOAT32))) {
            return null;
        }
        boolean residual = fused && s.hasInput(3);
        Operator reference = fused ? FusedOps.conv(s) : ConvOps.conv(s);
        Map<List<Integer>, ConvOperator> prepared = new ConcurrentHashMap<>();
        String op = s.node().opType();
        Preparer prepare = x -> {
            ConvShape shape = ConvShape.fromOnnx(x, w.shape(), bias == null ? null : bias.shape(), autoPad, kernel, pads, strides,
                    dilations, group);
            try {
                return ConvOperator.prepare(shape, w.floats(), 0, bias == null ? null : bias.floats(), 0, activation);
            } catch (IllegalArgumentException e) {
                return null; // no fast kernel for this shape: the reference runs it
            }
        };
        ValueInfo xInfo = s.inputInfo(0);
        int[] known = xInfo.fixedShape();
        if (known != null) {
            ConvOperator c;
            try {
                c = prepare.apply(known);
            } catch (IllegalArgumentException e) {
                return null; // the shape breaks Conv's rules: the reference binding reports it at run time
            }
            if (c == null) {
                return null;
            }
            prepared.put(key(known), c);
        }
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            int[] xs = x.shape();
            List<Integer> k = key(xs);
            ConvOperator c = prepared.get(k);
            if (c == null) {
                c = prepare.apply(xs);
                if (c == null) {
                    return reference.run(in, ctx);
                }
                if (prepared.size() < MAX_SHAPES) {
                    prepared.putIfAbsent(k, c);
                }
            }
            int[] outShape = c.shape().outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            float[] z = null;
            if (residual) {
                Tensor zt = LinearOps.float32(in[3], op + " Z");
                if (!Arrays.equals(zt.shape(), outShape)) {
                    throw new IllegalArgumentException(op + " Z " + Shapes.str(zt.shape()) + " must have the output's shape "
                            + Shapes.str(outShape));
                }
                z = zt.floats();
            }
            c.runNchw(x.floats(), 0, y, 0, z, 0, ctx.parallel());
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    @FunctionalInterface
    private interface Preparer {
        ConvOperator apply(int[] xShape);
    }

    private static List<Integer> key(int[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }
}
