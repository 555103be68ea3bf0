package dev.lanes.reference;

/** ONNX MatMul over dense row-major arrays; see {@link MatMulShape} for the layouts and broadcasting. */
public interface MatMul {

    /** Computes Y = A · B for every batch element. Writes exactly {@code batchCount·M·N} elements of {@code y}. */
    void matmul(MatMulShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff);
}
