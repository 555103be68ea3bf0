package dev.lanes.graph;

/**
 * Element types a {@link Tensor} can hold, with their ONNX {@code TensorProto.DataType} codes.
 *
 * <p>Storage per type: FLOAT32 {@code float[]}, FLOAT64 {@code double[]}, INT64 {@code long[]},
 * INT32 {@code int[]}, UINT8 / INT8 / BOOL {@code byte[]} (BOOL holds 0 or 1), FLOAT16 / BFLOAT16
 * {@code short[]} holding the raw bits. Half types exist so that models and tests that cast to and
 * from them load; arithmetic ops work in FLOAT32.
 */
public enum DType {
    FLOAT32(1, 4, "float32"),
    UINT8(2, 1, "uint8"),
    INT8(3, 1, "int8"),
    INT32(6, 4, "int32"),
    INT64(7, 8, "int64"),
    BOOL(9, 1, "bool"),
    FLOAT16(10, 2, "float16"),
    FLOAT64(11, 8, "float64"),
    BFLOAT16(16, 2, "bfloat16");

    private final int onnxCode;
    private final int byteSize;
    private final String displayName;

    DType(int onnxCode, int byteSize, String displayName) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
        this.displayName = displayName;
    }

    /** The ONNX {@code TensorProto.DataType} number. */
    public int onnxCode() {
        return onnxCode;
    }

    /** Bytes per element in ONNX's little-endian raw encoding. */
    public int byteSize() {
        return byteSize;
    }

    /** True for FLOAT32, FLOAT64, FLOAT16 and BFLOAT16. */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    /** True for the integer types (not BOOL). */
    public boolean isInteger() {
        return this == INT64 || this == INT32 || this == INT8 || this == UINT8;
    }

    /**
     * The type with ONNX code {@code code}.
     *
     * @throws IllegalArgumentException naming the code (and ONNX's name for it) when Lanes has no such type
     */
    public static DType fromOnnx(int code) {
        for (DType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported tensor element type " + onnxName(code)
                + " (ONNX data_type " + code + "); Lanes supports float32, float64, float16, bfloat16, int64, int32, int8, uint8, bool");
    }

    /** ONNX's name for a data_type code, for messages. */
    public static String onnxName(int code) {
        return switch (code) {
            case 0 -> "UNDEFINED";
            case 1 -> "FLOAT";
            case 2 -> "UINT8";
            case 3 -> "INT8";
            case 4 -> "UINT16";
            case 5 -> "INT16";
            case 6 -> "INT32";
            case 7 -> "INT64";
            case 8 -> "STRING";
            case 9 -> "BOOL";
            case 10 -> "FLOAT16";
            case 11 -> "DOUBLE";
            case 12 -> "UINT32";
            case 13 -> "UINT64";
            case 14 -> "COMPLEX64";
            case 15 -> "COMPLEX128";
            case 16 -> "BFLOAT16";
            default -> "type#" + code;
        };
    }

    @Override
    public String toString() {
        return displayName;
    }
}
