package dev.lanes.reference;

/** ONNX LayerNormalization over dense arrays; see {@link LayerNormShape}. */
public interface LayerNorm {

    /**
     * Writes exactly {@code s.size()} elements of {@code y}, and {@code s.outer()} elements of each of
     * {@code mean} and {@code invStdDev} when they are not null. {@code bias} may be null when the
     * shape has no B.
     */
    void layerNorm(LayerNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                   float[] y, int yOff, float[] mean, int meanOff, float[] invStdDev, int invStdDevOff);

    /** Y only. */
    default void layerNorm(LayerNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                           float[] y, int yOff) {
        layerNorm(s, x, xOff, scale, scaleOff, bias, biasOff, y, yOff, null, 0, null, 0);
    }
}
