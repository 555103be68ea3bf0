package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.BatchNormShape;
import dev.lanes.reference.InstanceNormShape;
import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.ReferenceBatchNorm;
import dev.lanes.reference.ReferenceInstanceNorm;
import dev.lanes.reference.ReferenceLayerNorm;
import dev.lanes.reference.ReferenceRmsNorm;
import dev.lanes.reference.ReferenceSoftmax;
import dev.lanes.reference.RmsNormShape;
import dev.lanes.reference.Softmax;
import dev.lanes.reference.SoftmaxShape;
import dev.lanes.simd.FastLayerNorm;
import dev.lanes.simd.FastSoftmax;
import java.util.Arrays;

/** Normalisations and Softmax / LogSoftmax, bound to the reference kernels (float32). */
final class NormOps {
    private NormOps() {}

    private static final ReferenceBatchNorm BN = new ReferenceBatchNorm();
    private static final ReferenceLayerNorm LN = new ReferenceLayerNorm();
    private static final ReferenceInstanceNorm IN = new ReferenceInstanceNorm();
    private static final ReferenceRmsNorm RMS = new ReferenceRmsNorm();
    private static final ReferenceSoftmax SOFTMAX = new ReferenceSoftmax();

    static Operator batchNorm(OpSetup s) {
        float eps = s.getFloat("epsilon", 1e-5f);
        s.ignore("momentum", "spatial", "consumed_inputs", "is_test");
        boolean training = s.getLong("training_mode", 0) != 0;
        if (training || s.hasOutput(1)) {
            throw s.unsupported("training mode (training_mode=1 or running-statistics outputs): Lanes runs inference only");
        }
        return (in, ctx) -> {
            Tensor x = f(in[0]), sc = f(in[1]), b = f(in[2]), m = f(in[3]), v = f(in[4]);
            BatchNormShape shape = BatchNormShape.fromOnnx(x.shape(), sc.shape(), b.shape(), m.shape(), v.shape(), eps, false);
            float[] y = new float[x.size()];
            BN.batchNorm(shape, x.floats(), 0, sc.floats(), 0, b.floats(), 0, m.floats(), 0, v.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, x.shape())};
        };
    }

    static Operator layerNorm(OpSetup s) {
        return layerNorm(s, false);
    }

    /** LayerNormalization; {@code fast} runs simd-kernels' {@link FastLayerNorm} on the session's threads. */
    static Operator layerNorm(OpSetup s, boolean fast) {
        long axis = s.getLong("axis", -1);
        float eps = s.getFloat("epsilon", 1e-5f);
        long stash = s.getLong("stash_type", 1);
        if (stash != 1) {
            throw s.unsupported("stash_type " + stash + " (Lanes computes statistics in float32 or wider)");
        }
        boolean wantMean = s.hasOutput(1), wantInv = s.hasOutput(2);
        return (in, ctx) -> {
            Tensor x = f(in[0]);
            int a = Shapes.axis(axis, x.rank(), "LayerNormalization axis");
            int[] norm = Arrays.copyOfRange(x.shape(), a, x.rank());
            Tensor sc = fitTo(f(in[1]), norm, "Scale");
            Tensor b = in.length > 2 && in[2] != null ? fitTo(f(in[2]), norm, "B") : null;
            LayerNormShape shape = LayerNormShape.fromOnnx(x.shape(), (int) axis, eps, sc.shape(), b == null ? null : b.shape());
            float[] y = fast ? ctx.floats(x.size()) : new float[x.size()];
            int[] stat = LayerNormShape.statShape(x.shape(), (int) axis);
            float[] mean = wantMean ? new float[Tensor.checkedSize(stat)] : null;
            float[] inv = wantInv ? new float[Tensor.checkedSize(stat)] : null;
            (fast ? new FastLayerNorm(ctx.parallel()) : LN).layerNorm(shape, x.floats(), 0, sc.floats(), 0, b == null ? null : b.floats(), 0, y, 0, mean, 0, inv, 0);
            return new Tensor[] {Tensor.of(y, x.shape()), mean == null ? null : Tensor.of(mean, stat),
                inv == null ? null : Tensor.of(inv, stat)};
        };
    }

    /** Scale / bias broadcast to the normalised shape when the model gives a smaller broadcastable one. */
    private static Tensor fitTo(Tensor t, int[] norm, String what) {
        int[] sh = t.shape();
        int lead = 0;
        while (lead < sh.length - norm.length && sh[lead] == 1) {
            lead++;
        }
        if (Arrays.equals(Arrays.copyOfRange(sh, lead, sh.length), norm)) {
            return t;
        }
        if (!dev.lanes.reference.Broadcast.unidirectional(sh, norm)) {
            throw new IllegalArgumentException("LayerNormalization " + what + " " + Shapes.str(sh)
                    + " does not broadcast to the normalised shape " + Shapes.str(norm));
        }
        return IndexCopy.gather(t, Shapes.broadcastIndex(sh, norm), norm);
    }

    static Operator instanceNorm(OpSetup s) {
        float eps = s.getFloat("epsilon", 1e-5f);
        return (in, ctx) -> {
            Tensor x = f(in[0]), sc = f(in[1]), b = f(in[2]);
            InstanceNormShape shape = InstanceNormShape.fromOnnx(x.shape(), sc.shape(), b.shape(), eps);
            float[] y = new float[x.size()];
            IN.instanceNorm(shape, x.floats(), 0, sc.floats(), 0, b.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, x.shape())};
        };
    }

    static Operator rmsNorm(OpSetup s) {
        long axis = s.getLong("axis", -1);
        float eps = s.getFloat("epsilon", 1e-5f);
        long stash = s.getLong("stash_type", 1);
        if (stash != 1) {
            throw s.unsupported("stash_type " + stash);
        }
        return (in, ctx) -> {
            Tensor x = f(in[0]);
            int a = Shapes.axis(axis, x.rank(), "RMSNormalization axis");
            Tensor sc = fitTo(f(in[1]), Arrays.copyOfRange(x.shape(), a, x.rank()), "scale");
            RmsNormShape shape = RmsNormShape.fromOnnx(x.shape(), (int) axis, eps, sc.shape());
            float[] y = new float[x.size()];
            RMS.rmsNorm(shape, x.floats(), 0, sc.floats(), 0, y, 0);
            return new Tensor[] {Tensor.of(y, x.shape())};
        };
    }

    static Operator softmax(OpSetup s, boolean log) {
        return softmax(s, log, false);
    }

    /** Softmax / LogSoftmax; {@code fast} runs simd-kernels' {@link FastSoftmax} on the session's threads. */
    static Operator softmax(OpSetup s, boolean log, boolean fast) {
        int opset = s.opset();
        long axis = s.getLong("axis", opset < 13 ? 1 : -1);
        return (in, ctx) -> {
            Tensor x = f(in[0]);
            SoftmaxShape shape = SoftmaxShape.fromOnnx(x.shape(), (int) axis, opset);
            float[] y = fast ? ctx.floats(x.size()) : new float[x.size()];
            Softmax kernel = fast ? new FastSoftmax(ctx.parallel()) : SOFTMAX;
            if (log) {
                kernel.logSoftmax(shape, x.floats(), 0, y, 0);
            } else {
                kernel.softmax(shape, x.floats(), 0, y, 0);
            }
            return new Tensor[] {Tensor.of(y, x.shape())};
        };
    }

    private static Tensor f(Tensor t) {
        return LinearOps.float32(t, "input");
    }
}
