package dev.lanes.simd;

/**
 * The keys and values of one attention layer during generation, kept so that each step appends its new
 * rows and attends over all of them without copying the past.
 *
 * <p>Layout: one buffer per tensor, {@code [batch][kvHeads][capacity][d]}, rows {@code [0, length)} valid.
 * <pre>
 *   keys:   b0 h0 | row 0 | row 1 | … | row length-1 | (free up to capacity) |
 *           b0 h1 | row 0 | …                                               |   … then b1 …
 * </pre>
 * {@link #keys()} and {@link #values()} are {@link AttentionOperand} views of the valid rows, read in
 * place by {@link FlashAttention} (prompt) and {@link AttentionDecode} (one token at a time). An append
 * writes only the new rows. When the capacity is exhausted the buffers grow geometrically (one copy of
 * the past, amortised); give the model's maximum length up front to never copy at all.
 *
 * <p>Not thread-safe: one cache belongs to one generation stream.
 */
public final class KvCache {
    private final int batch, kvHeads, headSize, vHeadSize;
    private int capacity, length;
    private float[] keys, values;

    /**
     * @param capacity rows to reserve per (batch, head) now; appends past it grow the buffers
     */
    public KvCache(int batch, int kvHeads, int headSize, int vHeadSize, int capacity) {
        if (batch < 1 || kvHeads < 1 || headSize < 1 || vHeadSize < 1 || capacity < 0) {
            throw new IllegalArgumentException("KvCache needs batch, kv heads and head sizes ≥ 1 and capacity ≥ 0, got batch="
                    + batch + " kvHeads=" + kvHeads + " headSize=" + headSize + " vHeadSize=" + vHeadSize + " capacity=" + capacity);
        }
        this.batch = batch;
        this.kvHeads = kvHeads;
        this.headSize = headSize;
        this.vHeadSize = vHeadSize;
        this.keys = new float[size(capacity, headSize)];
        this.values = new float[size(capacity, vHeadSize)];
        this.capacity = capacity;
    }

    private int size(int rows, int d) {
        long n = (long) batch * kvHeads * rows * d;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("KvCache of " + rows + " rows × [" + batch + ", " + kvHeads + ", " + d
                    + "] exceeds a Java array");
        }
        return (int) n;
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public int batch() {
        return batch;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headSize() {
        return headSize;
    }

    public int vHeadSize() {
        return vHeadSize;
    }

    /** Forgets every row (the buffers stay). */
    public void clear() {
        length = 0;
    }

    /** Keeps the first {@code rows} rows (to roll back rejected speculative tokens). */
    public void truncate(int rows) {
        if (rows < 0 || rows > length) throw new IllegalArgumentException("KvCache truncate to " + rows + " of " + length + " rows");
        length = rows;
    }

    /**
     * Appends {@code rows} new rows for every (batch, kv head): {@code k} and {@code v} are views
     * {@code [batch, kvHeads, rows, d]} in any layout (for instance the 3-D {@code [B, S, Hkv·d]} of a
     * projection). Only the new rows are copied.
     */
    public void append(AttentionOperand k, AttentionOperand v, int rows) {
        if (rows < 0) throw new IllegalArgumentException("KvCache append of " + rows + " rows");
        k.require("KvCache new keys", batch, kvHeads, rows, headSize);
        v.require("KvCache new values", batch, kvHeads, rows, vHeadSize);
        if ((long) length + rows > capacity) grow((int) Math.min(Integer.MAX_VALUE, Math.max(2L * capacity, (long) length + rows)));
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < kvHeads; h++) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(k.data(), k.at(b, h, r), keys, rowAt(b, h, length + r, headSize), headSize);
                    System.arraycopy(v.data(), v.at(b, h, r), values, rowAt(b, h, length + r, vHeadSize), vHeadSize);
                }
            }
        }
        length += rows;
    }

    private int rowAt(int b, int h, int row, int d) {
        return ((b * kvHeads + h) * capacity + row) * d;
    }

    private void grow(int newCapacity) {
        float[] k = new float[size(newCapacity, headSize)], v = new float[size(newCapacity, vHeadSize)];
        int oldCapacity = capacity;
        for (int bh = 0; bh < batch * kvHeads; bh++) {
            System.arraycopy(keys, bh * oldCapacity * headSize, k, bh * newCapacity * headSize, length * headSize);
            System.arraycopy(values, bh * oldCapacity * vHeadSize, v, bh * newCapacity * vHeadSize, length * vHeadSize);
        }
        keys = k;
        values = v;
        capacity = newCapacity;
    }

    /** The valid keys as a view {@code [batch, kvHeads, length, headSize]}; invalidated by a growing append. */
    public AttentionOperand keys() {
        return new AttentionOperand(keys, 0, kvHeads * capacity * headSize, capacity * headSize, headSize);
    }

    /** The valid values as a view {@code [batch, kvHeads, length, vHeadSize]}; invalidated by a growing append. */
    public AttentionOperand values() {
        return new AttentionOperand(values, 0, kvHeads * capacity * vHeadSize, capacity * vHeadSize, vHeadSize);
    }
}
