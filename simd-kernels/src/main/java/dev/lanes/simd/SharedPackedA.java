package dev.lanes.simd;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * All of a few-row A (M ≤ {@link PackedGemm#MC_SINGLE}), packed once for every thread of one product and
 * packed <em>lazily</em>: each (k-block, row panel) is packed by the first thread that needs it, while
 * the others compute with panels already packed. One dispatch per product (packing first, then the
 * product, took two, with every thread waiting for the slowest packer in between), and the packing is
 * spread over however many threads take part, 2 or 64.
 *
 * <p>A panel is FREE, BUSY (one thread packing it) or DONE. A thread that finds it BUSY first does the
 * panels it can ({@link #tryPanel}), then spins until the packer, which is running, marks it DONE (a
 * packer descheduled by the OS then delays the others only when nothing else is left); the packer's
 * plain writes happen-before that volatile mark.
 * Threads start at different row panels ({@link #panelAt}), so at the start of a product each packs its
 * own panels instead of waiting for one another.
 *
 * <p>The layout is {@link PackedGemm#packA}'s for one m-block of all M rows: k-block pc at
 * {@code pc · rowsPacked}, a panel starting at row r at {@code r · kc} within it.
 */
final class SharedPackedA {
    private static final int FREE = 0, BUSY = 1, DONE = 2;

    private final float[] a;
    private final int aOff, lda;
    private final boolean transA;
    final int m, k, kcMax, rowsPacked, panels;
    /** First row and interleave width of each row panel: full MR panels, then remainder panels. */
    private final int[] row, width;
    private final AtomicIntegerArray state;
    final float[] data;

    SharedPackedA(float[] a, int aOff, int lda, boolean transA, int m, int k, int kcMax, float[] buffer) {
        this.a = a;
        this.aOff = aOff;
        this.lda = lda;
        this.transA = transA;
        this.m = m;
        this.k = k;
        this.kcMax = kcMax;
        int full = PackedGemm.fullPanels(m), count = full, r = full * PackedGemm.MR;
        for (int q = r; q < m; q += PackedGemm.tailWidth(m - q)) count++;
        this.panels = count;
        this.row = new int[count];
        this.width = new int[count];
        for (int u = 0; u < count; u++) {
            row[u] = u < full ? u * PackedGemm.MR : r;
            width[u] = u < full ? PackedGemm.MR : PackedGemm.tailWidth(m - r);
            if (u >= full) r += width[u];
        }
        this.rowsPacked = r;
        int kBlocks = (k + kcMax - 1) / kcMax;
        this.state = new AtomicIntegerArray(kBlocks * count);
        this.data = buffer;
    }

    /** The row panel a share whose B panels start at {@code p0} of {@code bPanels} visits {@code q}-th. */
    int panelAt(int q, int p0, int bPanels) {
        int start = (int) ((long) p0 * panels / Math.max(1, bPanels));
        int u = q + start;
        return u < panels ? u : u - panels;
    }

    int row(int u) {
        return row[u];
    }

    int width(int u) {
        return width[u];
    }

    /**
     * Offset of row panel u of the k-block starting at {@code pc}, packed first if nobody has yet; -1
     * when another thread is packing it right now (come back to it later, see {@link #panel}).
     */
    int tryPanel(int pc, int u) {
        int kc = Math.min(kcMax, k - pc), off = pc * rowsPacked + row[u] * kc;
        int i = pc / kcMax * panels + u;
        if (state.get(i) == DONE) return off;
        if (state.compareAndSet(i, FREE, BUSY)) {
            try {
                PackedGemm.packRows(a, aOff, lda, transA, row[u], Math.min(width[u], m - row[u]), width[u], pc, kc, data, off);
            } finally {
                state.set(i, DONE);   // also on failure, so no thread spins forever; the failure is rethrown by Parallel
            }
            return off;
        }
        return state.get(i) == DONE ? off : -1;
    }

    /** As {@link #tryPanel}, but waits for a packer that is at work (it is running, so it finishes). */
    int panel(int pc, int u) {
        int off;
        while ((off = tryPanel(pc, u)) < 0) Thread.onSpinWait();
        return off;
    }
}
