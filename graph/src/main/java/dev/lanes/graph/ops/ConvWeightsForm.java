package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.SessionWeights;
import dev.lanes.graph.passes.FoldedWeights;
import dev.lanes.simd.conv.ConvWeights;

/**
 * A convolution's float32 weight constant as one {@link ConvWeights} per session: every operator of
 * the session that convolves with it (all input shapes, all plans, fused forms included) prepares its
 * kernel's form there, so a form that does not depend on the input shape is made once. The holder drops
 * the raw values once a form gives them back exactly; the session's stand-in of the constant reads them
 * from it ({@link ConvWeights#values}).
 */
record ConvWeightsForm() implements SessionWeights.Form<ConvWeights> {
    @Override
    public ConvWeights pack(Tensor constant) {
        return ConvWeights.releasing(constant.floats(), 0, constant.size());
    }

    @Override
    public long bytes(ConvWeights weights) {
        return weights.bytes();
    }

    @Override
    public Object unpack(ConvWeights weights) {
        return weights.values();
    }

    @Override
    public SessionWeights.KeptRaw keptRaw(ConvWeights weights) {
        float[] raw = weights.heldRawArray();
        return raw == null ? null : new SessionWeights.KeptRaw(raw, weights.rawBytes());
    }

    /**
     * Constant input {@code i} of {@code s} (float32 conv weights) as the session's shared holder; the
     * operator promises to read only the holder at run time.
     */
    static ConvWeights of(OpSetup s, int i) {
        Tensor constant = s.constantInput(i);
        ConvWeights w = s.packedInput(i, new ConvWeightsForm(), true);
        FoldedWeights.Recipe recipe = FoldedWeights.of(constant);
        if (recipe != null) {
            // a weight folded from the model's own: once the session knows the model, the holder may drop the raw
            // values even when its only form is inexact, computing them again from the model's weight if needed
            s.weights().whenModelKnown(model -> {
                var recompute = recipe.recompute(model);
                if (recompute != null) w.recoverableBy(recompute);
            });
        }
        return w;
    }
}
