package dev.lanes.reference;

/**
 * The element-wise unary ops of ONNX that Lanes runs, with the meaning of their two parameters
 * ({@code alpha}, {@code beta} in {@link UnaryShape}) and ONNX's defaults for them.
 */
public enum UnaryOp {
    /** max(0, x). */
    RELU("Relu"),
    /** x ≥ 0 ? x : alpha·x; alpha defaults to 0.01. */
    LEAKY_RELU("LeakyRelu", 0.01f, 0f),
    /** x ≥ 0 ? x : alpha·(eˣ − 1); alpha defaults to 1. */
    ELU("Elu", 1f, 0f),
    /** 1 / (1 + e⁻ˣ). */
    SIGMOID("Sigmoid"),
    /** max(0, min(1, alpha·x + beta)); defaults 0.2 and 0.5. */
    HARD_SIGMOID("HardSigmoid", 0.2f, 0.5f),
    /** x · max(0, min(1, x/6 + 1/2)). */
    HARD_SWISH("HardSwish"),
    TANH("Tanh"),
    ERF("Erf"),
    /** x·Φ(x) = x/2 · (1 + erf(x/√2)) (Gelu approximate="none"). */
    GELU("Gelu"),
    /** x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³))) (Gelu approximate="tanh"). */
    GELU_TANH("Gelu"),
    /** min(max(x, alpha), beta): alpha is min, beta is max; defaults −∞ and +∞ (no bound). */
    CLIP("Clip", Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
    EXP("Exp"),
    LOG("Log"),
    SQRT("Sqrt"),
    RECIPROCAL("Reciprocal"),
    NEG("Neg"),
    ABS("Abs");

    private final String onnxName;
    private final float defaultAlpha, defaultBeta;

    UnaryOp(String onnxName) {
        this(onnxName, 0f, 0f);
    }

    UnaryOp(String onnxName, float defaultAlpha, float defaultBeta) {
        this.onnxName = onnxName;
        this.defaultAlpha = defaultAlpha;
        this.defaultBeta = defaultBeta;
    }

    /** The ONNX op type (Gelu for both GELU forms). */
    public String onnxName() {
        return onnxName;
    }

    public float defaultAlpha() {
        return defaultAlpha;
    }

    public float defaultBeta() {
        return defaultBeta;
    }

    /** The op for an ONNX op type; Gelu needs its {@code approximate} attribute ("none" or "tanh", null = "none"). */
    public static UnaryOp fromOnnx(String opType, String approximate) {
        if (opType.equals("Gelu")) {
            if (approximate == null || approximate.equals("none")) return GELU;
            if (approximate.equals("tanh")) return GELU_TANH;
            throw new IllegalArgumentException("Gelu approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        }
        for (UnaryOp op : values()) {
            if (op.onnxName.equals(opType)) return op;
        }
        throw new IllegalArgumentException("unsupported unary op " + opType);
    }
}
