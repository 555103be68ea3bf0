package dev.lanes.reference;

/** ONNX RMSNormalization over dense arrays; see {@link RmsNormShape}. */
public interface RmsNorm {

    /** Writes exactly {@code s.size()} elements of {@code y}. */
    void rmsNorm(RmsNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] y, int yOff);
}
