package dev.lanes.reference;

/** The obviously-right Where: per output element, the broadcast condition picks x or y (exact; no terms needed). */
public final class ReferenceWhere implements Where {

    @Override
    public void where(WhereShape s, boolean[] condition, int cOff, float[] x, int xOff, float[] y, int yOff,
                      float[] out, int outOff) {
        int[] shape = s.outputShape();
        int[] sc = Broadcast.strides(s.condition(), shape);
        int[] sx = Broadcast.strides(s.x(), shape);
        int[] sy = Broadcast.strides(s.y(), shape);
        int size = Dims.size(shape);
        for (int i = 0; i < size; i++) {
            out[outOff + i] = condition[cOff + Broadcast.offset(i, shape, sc)]
                    ? x[xOff + Broadcast.offset(i, shape, sx)]
                    : y[yOff + Broadcast.offset(i, shape, sy)];
        }
    }
}
