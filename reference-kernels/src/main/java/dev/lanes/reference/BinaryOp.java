package dev.lanes.reference;

/** The element-wise binary ops of ONNX that Lanes runs (Min and Max with two inputs; more chain). */
public enum BinaryOp {
    ADD("Add"), SUB("Sub"), MUL("Mul"), DIV("Div"),
    /** a to the power b; a negative base gives a real result only for an integer exponent (else NaN). */
    POW("Pow"),
    /** NaN in either input gives NaN. */
    MIN("Min"),
    /** NaN in either input gives NaN. */
    MAX("Max");

    private final String onnxName;

    BinaryOp(String onnxName) {
        this.onnxName = onnxName;
    }

    public String onnxName() {
        return onnxName;
    }

    public static BinaryOp fromOnnx(String opType) {
        for (BinaryOp op : values()) {
            if (op.onnxName.equals(opType)) return op;
        }
        throw new IllegalArgumentException("unsupported binary op " + opType);
    }
}
