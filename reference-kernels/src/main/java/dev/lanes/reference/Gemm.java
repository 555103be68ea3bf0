package dev.lanes.reference;

/** ONNX Gemm over dense row-major arrays; see {@link GemmShape} for the layouts. */
public interface Gemm {

    /**
     * Computes {@code y[yOff ..] = alpha * op(A) * op(B) + beta * C}. {@code c} may be null when the
     * shape has no C. Writes exactly M×N elements of {@code y} and nothing else.
     */
    void gemm(GemmShape s, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] y, int yOff);
}
