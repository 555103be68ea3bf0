package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;

/** Small helpers for ops that treat tensors as flat element sequences. */
final class MovementOpsHelpers {
    private MovementOpsHelpers() {}

    /** The elements of {@code a} then those of {@code b} (same type) as one 1-D tensor. */
    static Tensor concatFlat(Tensor a, Tensor b) {
        Tensor out = Tensor.zeros(a.dtype(), a.size() + b.size());
        IndexCopy.copy(a, 0, out, 0, a.size());
        IndexCopy.copy(b, 0, out, a.size(), b.size());
        return out;
    }
}
