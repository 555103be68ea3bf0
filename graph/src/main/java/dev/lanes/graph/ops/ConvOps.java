package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.PoolShape;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.ReferenceConvTranspose;
import dev.lanes.reference.ReferencePool;

/** Conv, ConvTranspose and the pooling ops, bound to the reference kernels (float32, NCHW). */
final class ConvOps {
    private ConvOps() {}

    private static final ReferenceConv CONV = new ReferenceConv();
    private static final ReferenceConvTranspose CONV_T = new ReferenceConvTranspose();
    private static final ReferencePool POOL = new ReferencePool();

    static Operator conv(OpSetup s) {
        String autoPad = s.getString("auto_pad", "NOTSET");
        int[] kernel = Attrs.ints(s.getLongs("kernel_shape", null));
        int[] pads = Attrs.ints(s.getLongs("pads", null));
        int[] strides = Attrs.ints(s.getLongs("strides", null));
        int[] dilations = Attrs.ints(s.getLongs("dilations", null));
        int group = (int) s.getLong("group", 1);
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], "Conv X"), w = LinearOps.float32(in[1], "Conv W");
            Tensor b = in.length > 2 ? in[2] : null;
            ConvShape shape = ConvShape.fromOnnx(x.shape(), w.shape(), b == null ? null : b.shape(), autoPad, kernel, pads,
                    strides, dilations, group);
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            CONV.conv(shape, x.floats(), 0, w.floats(), 0, b == null ? null : LinearOps.float32(b, "Conv B").floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Operator convTranspose(OpSetup s) {
        String autoPad = s.getString("auto_pad", "NOTSET");
        int[] kernel = Attrs.ints(s.getLongs("kernel_shape", null));
        int[] pads = Attrs.ints(s.getLongs("pads", null));
        int[] strides = Attrs.ints(s.getLongs("strides", null));
        int[] dilations = Attrs.ints(s.getLongs("dilations", null));
        int[] outputPadding = Attrs.ints(s.getLongs("output_padding", null));
        int[] outputShape = Attrs.ints(s.getLongs("output_shape", null));
        int group = (int) s.getLong("group", 1);
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], "ConvTranspose X"), w = LinearOps.float32(in[1], "ConvTranspose W");
            Tensor b = in.length > 2 ? in[2] : null;
            ConvTransposeShape shape = ConvTransposeShape.fromOnnx(x.shape(), w.shape(), b == null ? null : b.shape(), autoPad,
                    kernel, pads, strides, dilations, outputPadding, outputShape, group);
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            CONV_T.convTranspose(shape, x.floats(), 0, w.floats(), 0,
                    b == null ? null : LinearOps.float32(b, "ConvTranspose B").floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Operator pool(OpSetup s, PoolShape.Mode mode) {
        String autoPad = s.getString("auto_pad", "NOTSET");
        int[] kernel = Attrs.ints(s.getLongs("kernel_shape", null));
        int[] pads = Attrs.ints(s.getLongs("pads", null));
        int[] strides = Attrs.ints(s.getLongs("strides", null));
        int[] dilations = Attrs.ints(s.getLongs("dilations", null));
        boolean ceil = s.getLong("ceil_mode", 0) != 0;
        boolean countPad = mode == PoolShape.Mode.AVERAGE && s.getLong("count_include_pad", 0) != 0;
        int storageOrder = mode == PoolShape.Mode.MAX ? (int) s.getLong("storage_order", 0) : 0;
        boolean indices = mode == PoolShape.Mode.MAX && s.hasOutput(1);
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            PoolShape shape = PoolShape.fromOnnx(mode, x.shape(), autoPad, kernel, pads, strides, dilations, ceil, countPad,
                    storageOrder);
            int n = Tensor.checkedSize(shape.outputShape());
            float[] y = new float[n];
            if (indices) {
                long[] idx = new long[n];
                POOL.maxPoolWithIndices(shape, x.floats(), 0, y, 0, idx, 0);
                return new Tensor[] {Tensor.of(y, shape.outputShape()), Tensor.ofLongs(idx, shape.outputShape())};
            }
            POOL.pool(shape, x.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Operator globalPool(OpSetup s, PoolShape.Mode mode) {
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            PoolShape shape = PoolShape.global(mode, x.shape());
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            POOL.pool(shape, x.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }
}
