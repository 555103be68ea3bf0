package dev.lanes.graph.exec;

import dev.lanes.simd.Parallel;

/**
 * Per-run facts an operator may use: the session's threads ({@link Parallel}, whose caller-only
 * form runs everything on the calling thread) and the run's {@link BufferArena} for output buffers
 * (null: allocate fresh arrays).
 */
public record RunContext(Parallel parallel, BufferArena arena) {
    public static final RunContext CALLER_ONLY = new RunContext(Parallel.callerOnly(), null);

    public RunContext {
        if (parallel == null) {
            throw new IllegalArgumentException("RunContext needs a Parallel (Parallel.callerOnly() for none)");
        }
    }

    /** Threads a kernel may use, the caller included. */
    public int threads() {
        return parallel.threads();
    }

    /** An output buffer of exactly {@code n} floats, from the arena when there is one; contents are garbage. */
    public float[] floats(int n) {
        return arena == null ? new float[n] : arena.take(n);
    }

    /** Returns a scratch buffer from {@link #floats} that no output holds (no-op without an arena). */
    public void giveBack(float[] scratch) {
        if (arena != null) {
            arena.giveBack(scratch);
        }
    }

    /** The same threads with another arena. */
    public RunContext withArena(BufferArena a) {
        return new RunContext(parallel, a);
    }
}
