package dev.lanes.reference;

/**
 * Softmax and LogSoftmax over one axis, seen as a dense row-major {@code [outer, n, inner]} view:
 * each of the {@code outer × inner} independent rows has {@code n} elements, {@code inner} apart.
 *
 * <p>ONNX changed the meaning of {@code axis} at opset 13: from opset 13 on the op normalises along
 * the single dimension {@code axis} ({@code inner} = product of the dims after it); before 13 the
 * input is flattened to 2-D at {@code axis} and each row of the product of all dims from
 * {@code axis} on is normalised ({@code inner = 1}). {@link #fromOnnx} resolves both.
 *
 * @param outer product of the dims before the axis (≥ 0)
 * @param n     elements normalised together (≥ 0)
 * @param inner distance between two elements of one row (≥ 0; 1 when the axis is the last)
 */
public record SoftmaxShape(int outer, int n, int inner) {

    public SoftmaxShape {
        if (outer < 0 || n < 0 || inner < 0) {
            throw new IllegalArgumentException("Softmax dimensions must be ≥ 0, got outer=" + outer + " n=" + n + " inner=" + inner);
        }
        Dims.size(outer, n, inner);
    }

    /** Rows of {@code n} contiguous elements (the axis is the last one). */
    public static SoftmaxShape rows(int rows, int n) {
        return new SoftmaxShape(rows, n, 1);
    }

    /**
     * From ONNX: the input dims, the {@code axis} attribute (negative counts from the end) and the
     * opset the model imports for this op (below 13: flatten to 2-D at the axis).
     */
    public static SoftmaxShape fromOnnx(int[] dims, int axis, int opset) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("Softmax input must have rank ≥ 1, got a scalar");
        }
        int a = Dims.axis(axis, dims.length, "Softmax axis");
        int outer = Dims.size(dims, 0, a);
        if (opset < 13) {
            return new SoftmaxShape(outer, Dims.size(dims, a, dims.length), 1);
        }
        return new SoftmaxShape(outer, dims[a], Dims.size(dims, a + 1, dims.length));
    }

    /** Total elements of the input (and of the output, which has the same shape). */
    public int size() {
        return outer * n * inner;
    }

    /** The output has the input's shape; here in the collapsed {@code [outer, n, inner]} view. */
    public int[] outputShape() {
        return new int[] {outer, n, inner};
    }

    /** Per element: max, subtract, exp, add to the sum, divide (LogSoftmax: log and subtract instead). */
    public long flops() {
        return 5L * size();
    }

    /** Where element {@code i} of row ({@code o}, {@code j}) lives in the dense input. */
    public int index(int o, int i, int j) {
        return (o * n + i) * inner + j;
    }
}
