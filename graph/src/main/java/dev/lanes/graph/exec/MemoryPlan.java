package dev.lanes.graph.exec;

/**
 * What a plan's intermediate tensors cost, as {@link MemoryPlanner} computes it from the plan's
 * schedule and inferred shapes, for one run on one thread.
 *
 * @param arenaBytes      bytes of buffers the run's {@link BufferArena} ends up holding: the planned peak
 *                        (buffers are reused by exact length as values die, in place for element-wise steps)
 * @param peakLiveBytes   the most bytes of intermediates alive at one moment: the floor any reuse scheme has
 * @param unsharedBytes   the bytes every intermediate would take with a buffer of its own
 * @param buffers         distinct buffers the arena allocates
 * @param inPlaceSteps    steps that write their output over a dying input
 * @param unknownValues   intermediates whose size is not known before running (0 when the plan is
 *                        specialised for its input shapes); they are left out of the figures above
 */
public record MemoryPlan(long arenaBytes, long peakLiveBytes, long unsharedBytes, int buffers, int inPlaceSteps,
                         int unknownValues) {

    /** True when every intermediate's size was known, so the figures are exact for the plan. */
    public boolean complete() {
        return unknownValues == 0;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "planned peak %.1f MB in %d buffers (live at most %.1f MB, %.1f MB without reuse, %d steps in place%s)",
                arenaBytes / 1e6, buffers, peakLiveBytes / 1e6, unsharedBytes / 1e6, inPlaceSteps,
                unknownValues == 0 ? "" : ", " + unknownValues + " values of unknown size left out");
    }
}
