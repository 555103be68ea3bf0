package dev.lanes.graph.passes;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * How a convolution weight folded by {@link ConvBatchNormFold} or {@link ConvScaleShiftFold} was made:
 * each row of the source weight times a factor ({@code (float) (w · s)} in double, as the fold computed
 * it). A session whose convolution kernels hold only an inexact form of a folded weight (Winograd's
 * transform) can then drop its raw values and compute them again, bit for bit, from the model's own
 * weight — which a session opened from a file re-reads from the file ({@code ModelFileValues}).
 *
 * <p>Keyed weakly by the folded tensor; a recipe holds its source only weakly too (by name in the
 * imported model, checked by identity when the session resolves it) or, for a fold of a fold, the
 * recipe of that intermediate.
 */
public final class FoldedWeights {
    private FoldedWeights() {}

    private static final Map<Tensor, Recipe> RECIPES = new WeakHashMap<>();

    /** The fold of one source: rows of {@code per} floats, row r scaled by {@code rowScale[r]}. */
    public static final class Recipe {
        private final String sourceName;
        private final WeakReference<Tensor> source;
        private final Recipe parent;
        private final double[] rowScale;
        private final int per;

        private Recipe(String sourceName, Tensor source, Recipe parent, double[] rowScale, int per) {
            this.sourceName = sourceName;
            this.source = new WeakReference<>(source);
            this.parent = parent;
            this.rowScale = rowScale;
            this.per = per;
        }

        /**
         * The folded values computed again from {@code imported}'s weights, or null when this fold's source is
         * not (or no longer) the imported model's weight of that name: the values cannot be recomputed.
         */
        public Supplier<float[]> recompute(Graph imported) {
            Supplier<float[]> from;
            if (parent != null) {
                from = parent.recompute(imported);
                if (from == null) return null;
            } else {
                Tensor s = source.get();
                if (s == null || imported.initializers().get(sourceName) != s) return null;
                from = () -> imported.initializers().get(sourceName).floats();
            }
            Supplier<float[]> f = from;
            return () -> scaleRows(f.get(), rowScale, per);
        }
    }

    /** {@code out[r·per + i] = (float) (w[r·per + i] · rowScale[r])}: the fold's weights (and their recomputation). */
    static float[] scaleRows(float[] w, double[] rowScale, int per) {
        float[] out = new float[w.length];
        for (int r = 0; r < rowScale.length; r++) {
            double s = rowScale[r];
            for (int i = 0; i < per; i++) out[r * per + i] = (float) (w[r * per + i] * s);
        }
        return out;
    }

    /** Records that {@code folded} is {@code source} (the value named {@code sourceName}) with rows scaled. */
    static synchronized void record(Tensor folded, String sourceName, Tensor source, double[] rowScale, int per) {
        Recipe parent = RECIPES.get(source);
        RECIPES.put(folded, new Recipe(sourceName, parent == null ? source : null, parent, rowScale.clone(), per));
    }

    /** How {@code t} was folded, or null when it is no folded weight. */
    public static synchronized Recipe of(Tensor t) {
        return RECIPES.get(t);
    }
}
