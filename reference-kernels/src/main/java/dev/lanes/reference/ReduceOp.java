package dev.lanes.reference;

/** The reductions Lanes runs, with what each gives over an empty set (ONNX's rules). */
public enum ReduceOp {
    /** Empty set: 0. */
    SUM("ReduceSum"),
    /** Empty set: 0/0 = NaN. */
    MEAN("ReduceMean"),
    /** Empty set: −∞; NaN anywhere in the set gives NaN. */
    MAX("ReduceMax");

    private final String onnxName;

    ReduceOp(String onnxName) {
        this.onnxName = onnxName;
    }

    public String onnxName() {
        return onnxName;
    }

    public static ReduceOp fromOnnx(String opType) {
        for (ReduceOp op : values()) {
            if (op.onnxName.equals(opType)) return op;
        }
        throw new IllegalArgumentException("unsupported reduction " + opType);
    }
}
