package dev.lanes.bench.transformer;

import dev.lanes.simd.Parallel;

/** The time floor the element-wise benchmarks compare with: copy {@code rows} equal slices of src to dst on the kernels' threads. */
final class RowCopy {
    private RowCopy() {}

    static float[] copy(Parallel parallel, float[] src, float[] dst, int rows) {
        int chunk = dst.length / rows;
        parallel.forRange(rows, 1, (from, to) -> System.arraycopy(src, from * chunk, dst, from * chunk, (to - from) * chunk));
        return dst;
    }
}
