package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Node;

/**
 * Conv → Mul(constant) and Conv → Add(constant) (ConvTranspose too) fold into the weights and bias when the
 * constant is one value or one value per output channel ({@code [M,1,1]}, {@code [1,M,1,1]}…): the
 * learned scale-and-shift that re-parameterised blocks (PP-OCRv4's MobileOne layers) put after their
 * convolutions. Mul scales W and B, Add shifts B; chains fold one link per sweep until none is left.
 *
 * <p>Preconditions: the Conv output is read only by the Mul or Add; the constant broadcasts without
 * widening the output (no dim other than the channel's is more than 1, rank at most the output's);
 * both are float32.
 */
public final class ConvScaleShiftFold extends FusionPass {

    @Override
    public String name() {
        return "conv-scale-shift-fold";
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node conv) {
        if (!ConvFold.foldable(ix, conv)) {
            return;
        }
        String y = conv.outputs().get(0);
        Node next = ix.singleConsumer(y);
        if (next == null || !next.domain().isEmpty() || !(next.opType().equals("Mul") || next.opType().equals("Add"))
                || next.outputs().size() != 1) {
            return;
        }
        String other = Rewrite.other(next, y);
        Tensor c = other == null ? null : ix.constant(other);
        int m = ConvFold.channels(ix, conv);
        int rank = ix.constant(conv.input(1)).rank();
        double[] v = c == null || c.dtype() != dev.lanes.graph.DType.FLOAT32 ? null : ConvFold.perChannel(c, m, rank);
        if (v == null || !rw.claim(conv, next)) {
            return;
        }
        boolean mul = next.opType().equals("Mul");
        rw.replace(next, ConvFold.fold(ix, conv, mul ? v : null, mul ? null : v, next.outputs().get(0)));
    }

    @Override
    boolean repeats() {
        return true;
    }
}
