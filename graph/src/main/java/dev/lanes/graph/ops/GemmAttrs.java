package dev.lanes.graph.ops;

import dev.lanes.graph.exec.OpSetup;
import dev.lanes.reference.GemmShape;

/** Gemm's attributes, read once when a binding is prepared (before opset 7, "broadcast" is implied by the numpy rule). */
record GemmAttrs(float alpha, float beta, boolean transA, boolean transB) {
    static GemmAttrs read(OpSetup s) {
        if (s.opset() < 7) {
            s.ignore("broadcast");
        }
        return new GemmAttrs(s.getFloat("alpha", 1f), s.getFloat("beta", 1f), s.getLong("transA", 0) != 0, s.getLong("transB", 0) != 0);
    }

    GemmShape shape(int[] a, int[] b, int[] c) {
        return GemmShape.fromOnnx(a, b, c, transA, transB, alpha, beta);
    }
}
