package dev.lanes.simd;

/**
 * Weights a kernel reads next, touched one load per 4 KB page while it still computes from L2 on what it has: each
 * page's translation and first line are then on their way before the next block's first tile streams it (Java has no
 * prefetch instruction). One load per page, not per 64-byte line: every load that misses holds the reorder window for
 * a DRAM latency, as the FMAs' own weight loads do, and one per line measured slower (bench/RESULTS.md, "ResNet-50's
 * layer4 weights, session 15"). No arithmetic depends on these loads.
 */
public final class ReadAhead {
    /** Floats per 4 KB page. */
    static final int PAGE_FLOATS = 1024;
    /** Keeps the loads live: written with their sum once per call of a kernel, never read. */
    @SuppressWarnings("unused")
    private static int sink;

    private ReadAhead() {}

    /** One load per page of {@code a[from, to)}; their bits summed, for {@link #keep}. */
    public static int pages(float[] a, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i += PAGE_FLOATS) h += Float.floatToRawIntBits(a[i]);
        return h;
    }

    /**
     * {@link #pages} of share {@code i} of {@code shares} even shares of {@code a[from, from + len)}: a block read ahead a
     * share after each of the tiles that compute before it.
     */
    public static int share(float[] a, int from, int len, int i, int shares) {
        return pages(a, from + (int) ((long) len * i / shares), from + (int) ((long) len * (i + 1) / shares));
    }

    /** Stores the sum of a kernel's {@link #pages} so that C2 cannot drop the loads. */
    public static void keep(int sum) {
        sink = sum;
    }
}
