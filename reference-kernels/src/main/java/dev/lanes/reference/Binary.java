package dev.lanes.reference;

/**
 * Element-wise binary ops with numpy broadcasting over dense arrays; see {@link BinaryShape}. The
 * output may share its range with an input of the output's shape.
 */
public interface Binary {

    /** Writes exactly {@code s.size()} elements of {@code y}. */
    void apply(BinaryShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff);
}
