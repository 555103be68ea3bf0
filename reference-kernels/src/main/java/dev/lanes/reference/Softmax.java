package dev.lanes.reference;

/**
 * ONNX Softmax and LogSoftmax (opset 13 semantics per {@link SoftmaxShape}) over dense row-major
 * arrays. Each writes exactly {@code s.size()} elements of {@code y}. A row whose elements are all
 * {@code -inf} gives NaN (as ONNX's definition {@code exp(x - max) / sum} does); NaN propagates to
 * its whole row.
 */
public interface Softmax {

    /** {@code y = exp(x - max) / sum(exp(x - max))} along the axis. */
    void softmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff);

    /** {@code y = x - max - log(sum(exp(x - max)))} along the axis. */
    void logSoftmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff);
}
