package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.passes.LayoutSelection;
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
        WindowAttrs.Conv attrs = WindowAttrs.Conv.read(s);
        return (in, ctx) -> new Tensor[] {conv(attrs, in[0], in[1], in.length > 2 ? in[2] : null)};
    }

    /** {@code Conv(X, W, B)} (NCHW, B null for none) with the reference kernel. */
    static Tensor conv(WindowAttrs.Conv attrs, Tensor xIn, Tensor wIn, Tensor b) {
        Tensor x = LinearOps.float32(xIn, "Conv X"), w = LinearOps.float32(wIn, "Conv W");
        ConvShape shape = attrs.shape(x.shape(), w.shape(), b == null ? null : b.shape());
        float[] y = new float[Tensor.checkedSize(shape.outputShape())];
        CONV.conv(shape, x.floats(), 0, w.floats(), 0, b == null ? null : LinearOps.float32(b, "Conv B").floats(), 0, y, 0);
        return Tensor.of(y, shape.outputShape());
    }

    static Operator convTranspose(OpSetup s) {
        WindowAttrs.ConvTranspose attrs = WindowAttrs.ConvTranspose.read(s);
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], "ConvTranspose X"), w = LinearOps.float32(in[1], "ConvTranspose W");
            Tensor b = in.length > 2 ? in[2] : null;
            ConvTransposeShape shape = attrs.shape(x.shape(), w.shape(), b == null ? null : b.shape());
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            CONV_T.convTranspose(shape, x.floats(), 0, w.floats(), 0,
                    b == null ? null : LinearOps.float32(b, "ConvTranspose B").floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, shape.outputShape())};
        };
    }

    static Operator pool(OpSetup s, PoolShape.Mode mode) {
        WindowAttrs.Pool attrs = WindowAttrs.Pool.read(s, mode);
        boolean indices = attrs.indices();
        boolean nhwc = s.getLong(LayoutSelection.NHWC, 0) != 0;   // X and Y in NHWC memory order (LayoutSelection)
        String op = s.node().opType();
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            if (nhwc) {
                x = Nhwc.toNchw(x);
            }
            PoolShape shape = attrs.shape(x.shape());
            int n = Tensor.checkedSize(shape.outputShape());
            float[] y = new float[n];
            if (indices) {
                long[] idx = new long[n];
                POOL.maxPoolWithIndices(shape, x.floats(), 0, y, 0, idx, 0);
                return new Tensor[] {Tensor.of(y, shape.outputShape()), Tensor.ofLongs(idx, shape.outputShape())};
            }
            POOL.pool(shape, x.floats(), 0, y, 0);
            Tensor out = Tensor.of(y, shape.outputShape());
            return new Tensor[] {nhwc ? Nhwc.toNhwc(out) : out};
        };
    }

    /** MaxPool (values only) of an NCHW float tensor by the reference kernel. */
    static Tensor maxPool(WindowAttrs.Pool attrs, Tensor x) {
        PoolShape shape = attrs.shape(x.shape());
        float[] y = new float[Tensor.checkedSize(shape.outputShape())];
        POOL.pool(shape, x.floats(), 0, y, 0);
        return Tensor.of(y, shape.outputShape());
    }

    /** GlobalAveragePool of an NCHW tensor: {@code [N, C, 1, …]}. */
    static Tensor globalAverage(Tensor x) {
        PoolShape shape = PoolShape.global(PoolShape.Mode.AVERAGE, x.shape());
        float[] y = new float[Tensor.checkedSize(shape.outputShape())];
        POOL.pool(shape, x.floats(), 0, y, 0);
        return Tensor.of(y, shape.outputShape());
    }

    static Operator globalPool(OpSetup s, PoolShape.Mode mode) {
        String op = s.node().opType();
        boolean nhwc = s.getLong(LayoutSelection.NHWC, 0) != 0;   // X in NHWC memory order (LayoutSelection)
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], op + " X");
            if (nhwc) {
                x = Nhwc.toNchw(x);
            }
            PoolShape shape = PoolShape.global(mode, x.shape());
            float[] y = new float[Tensor.checkedSize(shape.outputShape())];
            POOL.pool(shape, x.floats(), 0, y, 0);
            Tensor out = Tensor.of(y, shape.outputShape());
            return new Tensor[] {nhwc ? Nhwc.toNhwc(out) : out};
        };
    }
}
