package dev.lanes.reference;

/**
 * An element-wise unary op over {@code size} dense elements, with its parameters (see {@link UnaryOp}
 * for what {@code alpha} and {@code beta} mean per op; ops without parameters ignore them).
 */
public record UnaryShape(UnaryOp op, float alpha, float beta, int size) {

    public UnaryShape {
        if (op == null) throw new IllegalArgumentException("unary op is null");
        if (size < 0) throw new IllegalArgumentException(op.onnxName() + " size must be ≥ 0, got " + size);
        if (op == UnaryOp.CLIP && (Float.isNaN(alpha) || Float.isNaN(beta))) {
            throw new IllegalArgumentException("Clip min and max must not be NaN, got min=" + alpha + " max=" + beta);
        }
        if (op == UnaryOp.ELU || op == UnaryOp.LEAKY_RELU || op == UnaryOp.HARD_SIGMOID) {
            if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
                throw new IllegalArgumentException(op.onnxName() + " alpha and beta must be finite, got alpha=" + alpha
                        + " beta=" + beta);
            }
        }
    }

    /** The op with ONNX's default parameters. */
    public static UnaryShape of(UnaryOp op, int size) {
        return new UnaryShape(op, op.defaultAlpha(), op.defaultBeta(), size);
    }

    /**
     * From ONNX: op type, its attributes ({@code alpha}, {@code beta}: null for the default;
     * {@code approximate} for Gelu), Clip's optional {@code min}/{@code max} inputs (null when absent)
     * and the element count.
     */
    public static UnaryShape fromOnnx(String opType, Float alpha, Float beta, String approximate, Float min, Float max,
                                      int size) {
        UnaryOp op = UnaryOp.fromOnnx(opType, approximate);
        if (op == UnaryOp.CLIP) {
            return new UnaryShape(op, min != null ? min : op.defaultAlpha(), max != null ? max : op.defaultBeta(), size);
        }
        return new UnaryShape(op, alpha != null ? alpha : op.defaultAlpha(), beta != null ? beta : op.defaultBeta(), size);
    }

    /** Same op and parameters over another element count. */
    public UnaryShape withSize(int newSize) {
        return new UnaryShape(op, alpha, beta, newSize);
    }

    public int[] outputShape() {
        return new int[] {size};
    }

    /** One flop per element; transcendental ops are counted as one as well. */
    public long flops() {
        return size;
    }
}
