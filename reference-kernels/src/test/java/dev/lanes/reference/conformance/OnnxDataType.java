package dev.lanes.reference.conformance;

/** ONNX {@code TensorProto.DataType} codes (onnx.proto3) of the element types the node tests use. */
public enum OnnxDataType {
    FLOAT(1), UINT8(2), INT8(3), UINT16(4), INT16(5), INT32(6), INT64(7), STRING(8), BOOL(9),
    FLOAT16(10), DOUBLE(11), UINT32(12), UINT64(13), BFLOAT16(16);

    public final int code;

    OnnxDataType(int code) {
        this.code = code;
    }

    public static OnnxDataType of(int code) {
        for (OnnxDataType t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("TensorProto data_type " + code + " is not supported");
    }

    /** Integer-valued types (bool included), held as {@code long[]} by {@link OnnxTensor}. */
    public boolean isIntegral() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, UINT32, UINT64 -> true;
            default -> false;
        };
    }
}
