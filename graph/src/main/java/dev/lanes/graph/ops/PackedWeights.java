package dev.lanes.graph.ops;

import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Weights packed for {@link PackedGemm}, shared by every plan that binds the same constant: a session
 * specialises a plan per input-shape signature, and each of those plans binds the same MatMul
 * weights, which are packed once. Keyed by the weight array itself (arrays compare by identity), held
 * weakly, so packed copies go when the model's tensors do.
 */
final class PackedWeights {
    private PackedWeights() {}

    private record Variant(int k, int n, int ld, boolean trans, PackedB packed) {}

    private static final Map<float[], List<Variant>> CACHE = new WeakHashMap<>();

    /** op(B) of K×N, B read at {@code b[p·ld + j]} or, with {@code trans}, {@code b[j·ld + p]}. */
    static PackedB of(float[] b, int k, int n, int ld, boolean trans) {
        synchronized (CACHE) {
            for (Variant v : CACHE.getOrDefault(b, List.of())) {
                if (v.k == k && v.n == n && v.ld == ld && v.trans == trans) {
                    return v.packed;
                }
            }
        }
        PackedB p = PackedGemm.packB(k, n, b, 0, ld, trans);
        synchronized (CACHE) {
            CACHE.computeIfAbsent(b, x -> new ArrayList<>()).add(new Variant(k, n, ld, trans, p));
        }
        return p;
    }
}
