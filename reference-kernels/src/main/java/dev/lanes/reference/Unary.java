package dev.lanes.reference;

/** Element-wise unary ops over dense arrays; see {@link UnaryShape}. {@code x} and {@code y} may be the same range. */
public interface Unary {

    /** Writes exactly {@code s.size()} elements of {@code y}. */
    void apply(UnaryShape s, float[] x, int xOff, float[] y, int yOff);
}
