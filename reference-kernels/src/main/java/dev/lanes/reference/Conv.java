package dev.lanes.reference;

/** ONNX Conv over dense row-major arrays; see {@link ConvShape} for the layouts. */
public interface Conv {

    /**
     * Computes Y = conv(X, W) + B. {@code bias} may be null when the shape has no bias. Writes exactly
     * the output's elements of {@code y} and nothing else.
     */
    void conv(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff);
}
