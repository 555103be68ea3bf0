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
    /**
     * True when the output may take the buffer of input {@code input} (the node's input index) if it dies here: every
     * input for an element-wise op; only the residual for a convolution that writes over its residual (its X is read
     * across pixels and channels long after an output is written).
     */
    default boolean mayOverwrite(int input) {
        return true;
    }

    /**
     * True when the buffer of input {@code i} (slot {@code slots[i]}) may become the output: {@code op} may overwrite
     * that input, and no input it may not overwrite reads the same value (a convolution whose residual is its own X).
     */
    static boolean mayOverwriteSlot(InPlaceOperator op, int[] slots, int i) {
        if (!op.mayOverwrite(i)) {
            return false;
        }
        for (int j = 0; j < slots.length; j++) {
            if (slots[j] == slots[i] && !op.mayOverwrite(j)) {
                return false;
            }
        }
        return true;
    }
}
