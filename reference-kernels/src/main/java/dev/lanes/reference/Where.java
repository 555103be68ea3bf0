package dev.lanes.reference;

/** ONNX Where over dense arrays; see {@link WhereShape}. */
public interface Where {

    /** Writes exactly {@code s.size()} elements of {@code out}. */
    void where(WhereShape s, boolean[] condition, int cOff, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff);
}
