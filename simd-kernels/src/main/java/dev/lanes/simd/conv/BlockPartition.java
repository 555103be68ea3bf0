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
    /**
     * Output channels of the expand, then the projection: each thread first expands whole panels of channels of every
     * pixel and runs the depthwise on those channels (which need no other thread's), then the projection runs split by
     * its own rule. Only the depthwise's map changes cores. Needs a 1x1 expand; without one, {@link #LAYERS_IN_TURN}.
     */
    CHANNELS,
    /** The layers one after the other, each split over all threads by its own rule, through two whole maps. */
    LAYERS_IN_TURN
}
