package dev.lanes.reference;

/** ONNX ConvTranspose over dense row-major arrays; see {@link ConvTransposeShape} for the layouts. */
public interface ConvTranspose {

    /**
     * Computes Y = convTranspose(X, W) + B. {@code bias} may be null when the shape has no bias.
     * Writes exactly the output's elements of {@code y} and nothing else.
     */
    void convTranspose(ConvTransposeShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                       float[] y, int yOff);
}
