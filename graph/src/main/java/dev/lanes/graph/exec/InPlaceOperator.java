package dev.lanes.graph.exec;

/**
 * An element-wise operator that may write its output into the buffer of an input that dies at its
 * step: element {@code i} of the output depends only on element {@code i} of each full-size input
 * (a broadcast input is smaller, so the arena never hands its buffer out for the output), and each
 * element is read before it is written. The executor therefore releases such a step's dying inputs
 * to the run's {@link BufferArena} before running it, and the output request of the same length
 * gets one of their buffers back: the op runs in place.
 */
public interface InPlaceOperator extends Operator {
}
