package dev.lanes.reference;

/**
 * ONNX Transpose, element by element: for every output index (row-major), the input element whose
 * index along axis {@code perm[i]} is the output's index along axis i.
 */
public final class ReferenceTranspose {

    public void transpose(TransposeShape s, float[] x, int xOff, float[] y, int yOff) {
        int[] shape = s.shape(), perm = s.perm(), out = s.outputShape();
        int[] inStrides = Dims.strides(shape);
        int r = shape.length, n = s.size();
        int[] idx = new int[r];
        for (int o = 0; o < n; o++) {
            // idx = the output multi-index of o.
            int rest = o;
            for (int i = r - 1; i >= 0; i--) {
                idx[i] = rest % out[i];
                rest /= out[i];
            }
            int src = 0;
            for (int i = 0; i < r; i++) src += idx[i] * inStrides[perm[i]];
            y[yOff + o] = x[xOff + src];
        }
    }
}
