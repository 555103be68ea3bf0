package dev.lanes.graph.passes;

import dev.lanes.graph.Backend;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The passes a session applies when optimisation is on, in order. The same list runs twice: once at
 * session creation on the graph with its declared (possibly symbolic) input dims, and again, on a
 * copy, for each input-shape signature the session meets ({@link #specialise}), when fixed dims let
 * the shape chains fold and the shape-dependent fusions apply.
 *
 * <p>Order: folding first (so that fusions see constants), the weight folds into Conv before the
 * activation fusion (which needs the Conv's direct consumer to be the activation), pattern fusions
 * before MatMul + Add (the attention pattern contains MatMul + Add shapes of its own), the encoder's
 * attention pattern before the decoder's (a KV cache's heads-first keys), then the sibling projections merged
 * (after the attention patterns, whose head splits they would otherwise hide behind a Split) and the attention
 * reading the merged projection in place (the sessions' first pass merges them before any attention fusion;
 * the specialised plans' attention fusion then matches its head splits on the Split's results), Kᵀ folded into its MatMul
 * after both (they read their own transposes), the bias before
 * the residual and both before the activation (act(x·W + b + z)), dead nodes and the layout last, then the
 * inverted-residual fusion and the convolution → MaxPool fusion, which need the NHWC intermediate the layout chose.
 */
public final class StandardPasses {
    private StandardPasses() {}

    public static List<Pass> forOptions(SessionOptions options) {
        List<Pass> p = new ArrayList<>();
        p.add(new TopologicalSort());
        p.add(new ConstantFolding());
        p.add(new DeadNodeElimination());
        p.add(new ConvBatchNormFold());
        p.add(new ConvScaleShiftFold());
        p.add(new HardSwishFusion());
        p.add(new GeluFusion());
        p.add(new LayerNormFusion());
        p.add(new AttentionFusion());
        p.add(new CachedAttentionFusion());
        p.add(new SiblingMatMulFusion());
        p.add(new QkvAttentionFusion());
        p.add(new TransposedMatMulFusion());
        p.add(new MatMulAddFusion());
        p.add(new ResidualAddFusion());
        p.add(new ActivationFusion());
        p.add(new DeadNodeElimination());
        p.add(new ShapeInference());
        if (options.backend() == Backend.FAST) {
            p.add(new LayoutSelection());
            p.add(new InvertedResidualFusion());
            p.add(new ConvMaxPoolFusion());
            p.add(new ConvGlobalPoolFusion());
        }
        return p;
    }

    /** True when some graph input has a dim that is not fixed: runs then get plans specialised per input shape. */
    public static boolean worthSpecialising(Graph g) {
        for (ValueInfo in : g.inputs()) {
            if (g.initializers().containsKey(in.name())) {
                continue;
            }
            if (in.dims() == null) {
                return true;
            }
            for (Dim d : in.dims()) {
                if (!d.isFixed()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A copy of {@code g} with its input dims fixed to {@code shapes} (one per graph input, null where
     * the input's default is used), optimised again with every pass.
     */
    public static Graph specialise(Graph g, int[][] shapes, SessionOptions options) {
        Graph c = GraphCopy.of(g);
        List<ValueInfo> inputs = c.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            ValueInfo in = inputs.get(i);
            int[] s = i < shapes.length ? shapes[i] : null;
            if (s == null) {
                Tensor dflt = c.initializers().get(in.name());
                if (dflt == null) {
                    continue;
                }
                s = dflt.shape();
            }
            inputs.set(i, ValueInfo.of(in.name(), in.dtype(), s));
        }
        for (Pass p : forOptions(options)) {
            c = p.apply(c);
        }
        return c;
    }
}
