package dev.lanes.graph;

/** Which kernels a session binds. */
public enum Backend {
    /** The Vector API kernels where they exist, the reference kernels elsewhere. */
    FAST,
    /** The naive reference kernels everywhere: slow, the definition of right. */
    REFERENCE
}
