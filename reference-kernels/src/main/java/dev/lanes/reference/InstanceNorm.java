package dev.lanes.reference;

/** ONNX InstanceNormalization over dense arrays; see {@link InstanceNormShape}. */
public interface InstanceNorm {

    /** Writes exactly {@code s.size()} elements of {@code y}. */
    void instanceNorm(InstanceNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                      float[] y, int yOff);
}
