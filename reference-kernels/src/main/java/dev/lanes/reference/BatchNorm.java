package dev.lanes.reference;

/** ONNX BatchNormalization (inference) over dense arrays; see {@link BatchNormShape}. */
public interface BatchNorm {

    /** Writes exactly {@code s.size()} elements of {@code y}. */
    void batchNorm(BatchNormShape s, float[] x, int xOff, float[] scale, int scaleOff, float[] bias, int biasOff,
                   float[] mean, int meanOff, float[] var, int varOff, float[] y, int yOff);
}
