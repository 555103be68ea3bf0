package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;

/**
 * Conv (or ConvTranspose) → BatchNormalization (inference) becomes one Conv: with
 * {@code s = scale / √(var + ε)}, {@code W' = W·s} and {@code B' = (B − mean)·s + bias} per output channel.
 *
 * <p>Preconditions: the Conv's output is read only by the BatchNormalization; W, B and the four
 * statistics are constant float32 with one value per output channel; the BatchNormalization is in
 * inference mode (no training_mode, no running-statistics outputs, spatial = 1).
 */
public final class ConvBatchNormFold extends FusionPass {

    @Override
    public String name() {
        return "conv-batchnorm-fold";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node conv) {
        if (!ConvFold.foldable(ix, conv)) {
            return;
        }
        Node bn = Rewrite.consumer(ix, conv.outputs().get(0), "BatchNormalization");
        if (bn == null || !bn.input(0).equals(conv.outputs().get(0)) || !inferenceOnly(bn)) {
            return;
        }
        int m = ConvFold.channels(ix, conv);
        double[][] p = new double[4][];
        for (int i = 0; i < 4; i++) {
            Tensor t = ix.constant(bn.input(i + 1));
            p[i] = t != null && t.rank() == 1 && t.dim(0) == m ? ConvFold.perChannel(t.reshape(1, m), m, 2) : null;
            if (p[i] == null) {
                break;
            }
        }
        if (p[3] == null || !rw.claim(conv, bn)) {
            return;
        }
        double eps = NodeAttrs.getFloat(bn, "epsilon", 1e-5f);
        double[] scale = new double[m], shift = new double[m];
        for (int c = 0; c < m; c++) {
            scale[c] = p[0][c] / Math.sqrt(p[3][c] + eps);
            shift[c] = p[1][c] - p[2][c] * scale[c];
        }
        rw.replace(bn, ConvFold.fold(ix, conv, scale, shift, bn.outputs().get(0)));
    }

    @Override
    boolean repeats() {
        return true;
    }

    private static boolean inferenceOnly(Node bn) {
        for (int i = 1; i < bn.outputs().size(); i++) {
            if (!bn.outputs().get(i).isEmpty()) {
                return false;
            }
        }
        return NodeAttrs.getLong(bn, "training_mode", 0) == 0 && NodeAttrs.getLong(bn, "spatial", 1) == 1
                && bn.inputs().size() == 5;
    }
}
