package dev.lanes.reference;

/** ReduceSum, ReduceMean and ReduceMax over dense arrays; see {@link ReduceShape}. */
public interface Reduce {

    /** Writes exactly {@code s.size()} elements of {@code y}. */
    void reduce(ReduceShape s, float[] x, int xOff, float[] y, int yOff);
}
