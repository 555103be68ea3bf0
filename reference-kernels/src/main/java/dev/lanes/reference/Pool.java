package dev.lanes.reference;

/** ONNX MaxPool / AveragePool / GlobalMaxPool / GlobalAveragePool; see {@link PoolShape} for the rules. */
public interface Pool {

    /** Pools X into Y as the shape's mode says. Writes exactly the output's elements of {@code y}. */
    void pool(PoolShape s, float[] x, int xOff, float[] y, int yOff);
}
