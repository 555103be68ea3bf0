package dev.lanes.graph.exec;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The float buffers of one run's intermediate tensors, reused as values die. A kernel asks for an
 * output buffer with {@link RunContext#floats}; when the executor releases the last slot that holds
 * a buffer (after the step that reads it last, or before an in-place step), the buffer goes back on
 * the free list of its length and the next request of that length takes it. Buffers are matched by
 * exact length, so a tensor always wraps a whole array, as {@code Tensor} requires.
 *
 * <p>Owned by one thread: a session keeps one arena per calling thread and reuses it from run to
 * run, so a warm session allocates nothing for intermediates. Buffers handed out as graph outputs
 * are never taken back: they belong to the caller. {@link #forget} drops them from the arena's books
 * at the end of a run.
 */
public final class BufferArena {
    /** A buffer lent out and not yet given back, with the slots currently holding it. */
    private final Map<float[], int[]> lent = new IdentityHashMap<>();
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long freeBytes, allocatedBytes, reusedBytes;
    /** Free-list bytes kept between runs at most; beyond this, released buffers are left to the GC. */
    private final long maxFreeBytes;

    public BufferArena() {
        this(1L << 31);
    }

    public BufferArena(long maxFreeBytes) {
        this.maxFreeBytes = maxFreeBytes;
    }

    /** A buffer of exactly {@code n} floats; its contents are garbage (kernels overwrite every element). */
    public float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.pollLast();
        if (a != null) {
            freeBytes -= 4L * n;
            reusedBytes += 4L * n;
        } else {
            a = new float[n];
            allocatedBytes += 4L * n;
        }
        lent.put(a, new int[1]);
        return a;
    }

    /**
     * Takes back a buffer from {@link #take} that served as scratch space and was never stored in a
     * slot: it is free for the next request of its length.
     */
    public void giveBack(float[] scratch) {
        int[] c = lent.get(scratch);
        if (c != null && c[0] == 0) {
            c[0] = 1;
            release(scratch);
        }
    }

    /** True when {@code array} is one of this arena's buffers currently lent out. */
    boolean owns(Object array) {
        return array instanceof float[] f && lent.containsKey(f);
    }

    /** One more slot holds {@code array} (no-op for arrays the arena does not own). */
    void retain(Object array) {
        if (array instanceof float[] f) {
            int[] c = lent.get(f);
            if (c != null) {
                c[0]++;
            }
        }
    }

    /** A slot holding {@code array} was cleared; the buffer is free again when no slot holds it. */
    void release(Object array) {
        if (!(array instanceof float[] f)) {
            return;
        }
        int[] c = lent.get(f);
        if (c == null || --c[0] > 0) {
            return;
        }
        lent.remove(f);
        if (freeBytes + 4L * f.length > maxFreeBytes) {
            return;
        }
        free.computeIfAbsent(f.length, k -> new ArrayDeque<>()).addLast(f);
        freeBytes += 4L * f.length;
    }

    /** Ends a run: buffers still lent out (graph outputs, values of an aborted run) are no longer the arena's. */
    public void forget() {
        lent.clear();
    }

    /** Bytes held on the free lists now. */
    public long freeBytes() {
        return freeBytes;
    }

    /** Bytes of buffers created (not reused) since this arena was made. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** Bytes of requests served from a free list since this arena was made. */
    public long reusedBytes() {
        return reusedBytes;
    }
}
