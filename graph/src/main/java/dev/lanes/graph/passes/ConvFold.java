package dev.lanes.graph.passes;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedOps;
import java.util.ArrayList;
import java.util.List;

/**
 * Folding a per-output-channel affine map {@code y·s + t} into a convolution's weights:
 * {@code W'[m] = W[m]·s[m]}, {@code B'[m] = B[m]·s[m] + t[m]} (computed in double, rounded once). What
 * BatchNormalization, and the scale-and-shift layers of re-parameterised networks, do after a Conv or
 * a ConvTranspose (whose weights {@code [C, M/group, k…]} hold output channel
 * {@code (c / (C/group))·(M/group) + m} in row {@code (c, m)}).
 */
final class ConvFold {
    private ConvFold() {}

    /**
     * The conv node when it can take a fold: a Conv (or a FusedConv with neither activation nor
     * residual, since those come after the affine map) with constant float32 W and, if any, B.
     */
    static boolean foldable(GraphIndex ix, Node conv) {
        boolean plain = conv.domain().isEmpty() && (conv.opType().equals("Conv") || conv.opType().equals("ConvTranspose"));
        boolean fused = conv.domain().equals(FusedOps.DOMAIN) && conv.opType().equals(FusedOps.FUSED_CONV)
                && !NodeAttrs.has(conv, dev.lanes.graph.ops.FusedActivation.ACTIVATION) && conv.input(3).isEmpty();
        if (!(plain || fused) || conv.outputs().size() != 1) {
            return false;
        }
        Tensor w = ix.constant(conv.input(1));
        if (w == null || w.dtype() != DType.FLOAT32 || w.rank() < 3) {
            return false;
        }
        if (!conv.input(2).isEmpty()) {
            Tensor b = ix.constant(conv.input(2));
            return b != null && b.dtype() == DType.FLOAT32 && b.rank() == 1 && b.dim(0) == channels(ix, conv);
        }
        return !transposed(conv) || w.dim(0) % group(conv) == 0;
    }

    private static boolean transposed(Node conv) {
        return conv.opType().equals("ConvTranspose");
    }

    private static int group(Node conv) {
        return (int) Math.max(1, NodeAttrs.getLong(conv, "group", 1));
    }

    /** Output channels of a foldable conv. */
    static int channels(GraphIndex ix, Node conv) {
        Tensor w = ix.constant(conv.input(1));
        return transposed(conv) ? w.dim(1) * group(conv) : w.dim(0);
    }

    /**
     * A per-channel view of constant {@code c} broadcast against the conv output {@code [N, M, spatial…]}
     * of rank {@code rank}: its M values when every dim of c is 1 except, possibly, the channel dim
     * (which is then M); null when c would broadcast along another axis or widen the output.
     */
    static double[] perChannel(Tensor c, int m, int rank) {
        if (c == null || !c.dtype().isFloatingPoint() || c.rank() > rank) {
            return null;
        }
        int[] s = c.shape();
        int channelAxis = 1 - (rank - s.length); // index of the channel dim in c's own dims
        for (int i = 0; i < s.length; i++) {
            if (s[i] != 1 && !(i == channelAxis && s[i] == m)) {
                return null;
            }
        }
        double[] v = new double[m];
        boolean perChannel = channelAxis >= 0 && channelAxis < s.length && s[channelAxis] == m && m != 1;
        for (int i = 0; i < m; i++) {
            v[i] = c.getDouble(perChannel ? i : 0);
        }
        return v;
    }

    /**
     * A conv node equal to {@code conv} followed by {@code y·scale + shift} (per channel; shift may be
     * null), writing {@code output}. New constants are added to the graph under fresh names.
     */
    static Node fold(GraphIndex ix, Node conv, double[] scale, double[] shift, String output) {
        Tensor w = ix.constant(conv.input(1));
        Tensor b = conv.input(2).isEmpty() ? null : ix.constant(conv.input(2));
        int m = channels(ix, conv);
        int rows = w.dim(0) * (transposed(conv) ? w.dim(1) : 1), per = w.size() / Math.max(1, rows);
        int mPerGroup = transposed(conv) ? w.dim(1) : 1, cPerGroup = transposed(conv) ? w.dim(0) / group(conv) : 1;
        float[] wv = w.floats(), nb = new float[m];
        double[] rowScale = new double[rows];
        for (int r = 0; r < rows; r++) {
            // Conv: row r is output channel r. ConvTranspose: row (c, mg) feeds output channel g·Mg + mg.
            int o = transposed(conv) ? (r / mPerGroup) / cPerGroup * mPerGroup + r % mPerGroup : r;
            rowScale[r] = scale == null ? 1 : scale[o];
        }
        float[] nw = FoldedWeights.scaleRows(wv, rowScale, per);
        for (int o = 0; o < m; o++) {
            double bias = b == null ? 0 : b.floats()[o];
            nb[o] = (float) (bias * (scale == null ? 1 : scale[o]) + (shift == null ? 0 : shift[o]));
        }
        Tensor folded = Tensor.of(nw, w.shape());
        FoldedWeights.record(folded, conv.input(1), w, rowScale, per);
        String wName = ix.addConstant(conv.input(1), folded);
        String bName = ix.addConstant(conv.input(2).isEmpty() ? conv.input(1) + "_bias" : conv.input(2), Tensor.of(nb, m));
        List<String> inputs = new ArrayList<>(conv.inputs());
        while (inputs.size() < 3) {
            inputs.add("");
        }
        inputs.set(1, wName);
        inputs.set(2, bName);
        return new Node(conv.name(), conv.opType(), conv.domain(), conv.opset(), inputs, List.of(output), conv.attributes());
    }
}
