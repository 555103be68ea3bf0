package dev.lanes.simd;

/**
 * Where one operand of attention (Q, K, V or the output Y) lives: a view {@code [batch, heads, rows, cols]}
 * of a {@code float[]} whose last dimension is contiguous. Element {@code (b, h, r, c)} sits at
 * {@code offset + b·batchStride + h·headStride + r·rowStride + c}.
 *
 * <p>The same kernel therefore serves every layout attention meets, without a copy:
 * <pre>
 *   ONNX Attention 4-D   [B, H, S, D]      batchStride = H·S·D   headStride = S·D   rowStride = D
 *   ONNX Attention 3-D   [B, S, H·D]       batchStride = S·H·D   headStride = D     rowStride = H·D
 *   BERT's unfused graph [B, S, H·D] sliced per head after the Q/K/V projections (as 3-D)
 *   KvCache              [B, Hkv, cap, D]  batchStride = Hkv·cap·D headStride = cap·D rowStride = D
 * </pre>
 *
 * @param data        the backing array
 * @param offset      where element (0, 0, 0, 0) is
 * @param batchStride step between batches (≥ 0)
 * @param headStride  step between heads (≥ 0)
 * @param rowStride   step between sequence positions (≥ 0)
 */
public record AttentionOperand(float[] data, int offset, int batchStride, int headStride, int rowStride) {

    public AttentionOperand {
        if (data == null) throw new IllegalArgumentException("Attention operand data is null");
        if (offset < 0 || batchStride < 0 || headStride < 0 || rowStride < 0) {
            throw new IllegalArgumentException("Attention operand offset and strides must be ≥ 0, got offset=" + offset
                    + " strides=[" + batchStride + ", " + headStride + ", " + rowStride + "]");
        }
    }

    /** Dense {@code [B, H, S, D]} at {@code offset}. */
    public static AttentionOperand bhsd(float[] data, int offset, int heads, int rows, int cols) {
        return new AttentionOperand(data, offset, heads * rows * cols, rows * cols, cols);
    }

    /** Dense {@code [B, S, H·D]} at {@code offset} (ONNX Attention's 3-D layout). */
    public static AttentionOperand bsHd(float[] data, int offset, int heads, int rows, int cols) {
        return new AttentionOperand(data, offset, rows * heads * cols, cols, heads * cols);
    }

    /** The same view starting {@code rows} rows later (the new keys of a cache that also holds the past). */
    public AttentionOperand skipRows(int rows) {
        return new AttentionOperand(data, Math.addExact(offset, Math.multiplyExact(rows, rowStride)), batchStride, headStride, rowStride);
    }

    /** Index of element {@code (b, h, r, 0)}. */
    int at(int b, int h, int r) {
        return offset + b * batchStride + h * headStride + r * rowStride;
    }

    /**
     * Checks that every element of a {@code [batch, heads, rows, cols]} view lies inside the array, so
     * kernels may index without further checks; {@code what} names the operand in the message.
     */
    void require(String what, int batch, int heads, int rows, int cols) {
        if (batch == 0 || heads == 0 || rows == 0 || cols == 0) return;
        long last = offset + (long) (batch - 1) * batchStride + (long) (heads - 1) * headStride
                + (long) (rows - 1) * rowStride + (cols - 1);
        if (last >= data.length) {
            throw new IllegalArgumentException("Attention " + what + ": a view [" + batch + ", " + heads + ", " + rows + ", "
                    + cols + "] at offset " + offset + " with strides [" + batchStride + ", " + headStride + ", " + rowStride
                    + ", 1] reaches element " + last + " of an array of " + data.length);
        }
    }
}
