package dev.lanes.simd.conv;

/**
 * How {@link InvertedResidualConv} spreads one block over threads (the class comment there says when each is chosen).
 * All three give the same bits.
 */
public enum BlockPartition {
    /**
     * One call: each thread owns a range of depthwise output rows and runs expand, depthwise and projection strip by
     * strip; the expanded rows a window shares with the previous range are computed by both threads.
     */
    STRIPS,
    /**
     * Two calls over one row partition: each thread first expands exactly the input rows its output rows own into one
     * whole expanded map, then runs the depthwise and the projection on its output rows (one expanded row on each side
     * comes from a neighbour). Nothing is computed twice. With no expand it is {@link #STRIPS}.
     */
    TWO_PHASE,
    /** The layers one after the other, each split over all threads by its own rule, through two whole maps. */
    LAYERS_IN_TURN
}
