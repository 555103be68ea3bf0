package dev.lanes.reference;

/** The obviously-right pooling: for every output element, a walk over its window's taps. */
public final class ReferencePool implements Pool {

    @Override
    public void pool(PoolShape s, float[] x, int xOff, float[] y, int yOff) {
        pool(s, x, xOff, y, yOff, null, 0, null);
    }

    /**
     * MaxPool with its second output: {@code indices[iOff + e]} is the flat index in X of the value
     * chosen for output e — {@code (n·C + c)·prod(in) + spatial}, the spatial index row-major
     * ({@code storageOrder} 0) or column-major (1), padding never counted. The first largest tap wins.
     */
    public void maxPoolWithIndices(PoolShape s, float[] x, int xOff, float[] y, int yOff, long[] indices, int iOff) {
        if (s.mode() != PoolShape.Mode.MAX) throw new IllegalArgumentException("indices exist for MaxPool only, not " + s);
        pool(s, x, xOff, y, yOff, indices, iOff, null);
    }

    /**
     * As {@link #pool}, also storing per output in {@code terms} (when not null) the error scale:
     * the mean of the taps' absolute values for AveragePool, the result's magnitude for MaxPool (exact).
     */
    public void pool(PoolShape s, float[] x, int xOff, float[] y, int yOff, double[] terms) {
        pool(s, x, xOff, y, yOff, null, 0, terms);
    }

    private void pool(PoolShape s, float[] x, int xOff, float[] y, int yOff, long[] indices, int iOff, double[] terms) {
        int rank = s.spatialRank();
        int[] in = s.inSpatial(), kernel = s.kernel(), out = s.outSpatial();
        int[] stride = s.strides(), dil = s.dilations(), padBegin = s.padsBegin(), padEnd = s.padsEnd();
        int inPlane = s.inSpatialSize(), outPlane = s.outSpatialSize(), taps = s.kernelSize();
        boolean max = s.mode() == PoolShape.Mode.MAX;
        int[] o = new int[rank], k = new int[rank], pos = new int[rank];
        for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
            int xBase = xOff + plane * inPlane;
            for (int op = 0; op < outPlane; op++) {
                Spatial.unflatten(op, out, o);
                double best = Double.NEGATIVE_INFINITY, sum = 0, abs = 0;
                int bestIndex = -1, inside = 0, padded = 0;
                for (int t = 0; t < taps; t++) {
                    Spatial.unflatten(t, kernel, k);
                    boolean inInput = true, inPadded = true;
                    for (int d = 0; d < rank; d++) {
                        pos[d] = o[d] * stride[d] - padBegin[d] + k[d] * dil[d];
                        inInput &= pos[d] >= 0 && pos[d] < in[d];
                        inPadded &= pos[d] >= -padBegin[d] && pos[d] < in[d] + padEnd[d];
                    }
                    if (inPadded) padded++;
                    if (!inInput) continue;
                    inside++;
                    int xi = rowMajor(pos, in);
                    double v = x[xBase + xi];
                    if (max) {
                        if (bestIndex < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                            best = v;
                            bestIndex = xi;
                        }
                    } else {
                        sum += v;
                        abs += Math.abs(v);
                    }
                }
                int yi = plane * outPlane + op;
                if (max) {
                    // a window without a tap in the input (possible only with dilation) is the max of nothing
                    y[yOff + yi] = (float) best;
                    if (terms != null) terms[yi] = Math.abs(best);
                    if (indices != null) {
                        indices[iOff + yi] = bestIndex < 0 ? -1
                                : (long) plane * inPlane + (s.storageOrder() == 0 ? bestIndex : columnMajor(bestIndex, in));
                    }
                } else {
                    int count = s.countIncludePad() ? padded : inside;
                    y[yOff + yi] = (float) (sum / count);
                    if (terms != null) terms[yi] = abs / count;
                }
            }
        }
    }

    private static int rowMajor(int[] pos, int[] dims) {
        int flat = 0;
        for (int d = 0; d < dims.length; d++) flat = flat * dims[d] + pos[d];
        return flat;
    }

    /** The column-major spatial index (first axis fastest) of a row-major one. */
    private static int columnMajor(int rowMajorIndex, int[] dims) {
        int[] pos = new int[dims.length];
        Spatial.unflatten(rowMajorIndex, dims, pos);
        int flat = 0;
        for (int d = dims.length - 1; d >= 0; d--) flat = flat * dims[d] + pos[d];
        return flat;
    }
}
