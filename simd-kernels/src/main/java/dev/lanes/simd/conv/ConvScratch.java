package dev.lanes.simd.conv;

/**
 * Per-thread work buffers of the convolution kernels (im2col blocks, Winograd tiles, reorders):
 * grown on demand, reused by every later run on that thread, so that a prepared operator's run
 * allocates nothing once warm. Slots keep buffers that are alive at the same time apart.
 */
final class ConvScratch {
    private ConvScratch() {}

    static final int IM2COL = 0, WINO_V = 1, WINO_M = 2, WINO_T = 3, NHWC_IN = 4, NHWC_OUT = 5, NHWC_RES = 6, COLS = 7, TILE = 8, BAND = 9, ROWS = 10, STRIP = 11, POOL_IN = 12, POOL_ROW = 13, REPEATED = 14;
    private static final int SLOTS = 15;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    /** A buffer of at least {@code size} floats for this thread and slot; its contents are garbage. */
    static float[] get(int slot, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("convolution scratch of " + size + " floats is too large");
        float[][] b = BUFFERS.get();
        float[] a = b[slot];
        if (a == null || a.length < size) {
            a = new float[(int) Math.max(size, a == null ? 0 : Math.min(Integer.MAX_VALUE - 8, a.length + (long) a.length / 2))];
            b[slot] = a;
        }
        return a;
    }
}
