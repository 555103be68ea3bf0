package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import dev.lanes.simd.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The activation a fused node applies to its result, as attributes {@value #ACTIVATION} (a
 * {@link UnaryOp} name such as {@code RELU}, {@code HARD_SWISH}, {@code GELU}), {@value #ALPHA} and
 * {@value #BETA} (the op's parameters: Clip's min and max, LeakyRelu's and HardSigmoid's alpha and
 * beta). The reference binding applies it with the reference unary kernel; the fast binding maps it
 * onto simd-kernels' {@link Activation} so that it runs inside the GEMM or convolution epilogue.
 *
 * @param op null for none
 */
public record FusedActivation(UnaryOp op, float alpha, float beta) {
    public static final String ACTIVATION = "activation";
    public static final String ALPHA = "activation_alpha";
    public static final String BETA = "activation_beta";
    public static final FusedActivation NONE = new FusedActivation(null, 0f, 0f);

    /** The ops an epilogue can apply (and a fusion pass may therefore fold into a node). */
    public static boolean fusable(UnaryOp op) {
        return new FusedActivation(op, 0f, 1f).toSimd() != null;
    }

    public boolean isNone() {
        return op == null;
    }

    /** The attributes that describe this activation on a fused node. */
    public List<Attribute> attributes() {
        return attributes("");
    }

    /** The attributes with their names prefixed (a node that fuses two activations names one of them so). */
    public List<Attribute> attributes(String prefix) {
        List<Attribute> a = new ArrayList<>();
        if (op != null) {
            a.add(Attribute.ofString(prefix + ACTIVATION, op.name()));
            a.add(Attribute.ofFloat(prefix + ALPHA, alpha));
            a.add(Attribute.ofFloat(prefix + BETA, beta));
        }
        return a;
    }

    /** Reads (and marks as understood) the activation attributes of a fused node. */
    static FusedActivation read(OpSetup s) {
        return read(s, "");
    }

    /** Reads (and marks as understood) the activation attributes named with {@code prefix}. */
    static FusedActivation read(OpSetup s, String prefix) {
        String name = s.getString(prefix + ACTIVATION, null);
        float alpha = s.getFloat(prefix + ALPHA, 0f), beta = s.getFloat(prefix + BETA, 0f);
        if (name == null) {
            return NONE;
        }
        try {
            return new FusedActivation(UnaryOp.valueOf(name), alpha, beta);
        } catch (IllegalArgumentException e) {
            throw s.invalid("unknown fused activation '" + name + "'");
        }
    }

    /** The epilogue form, or null when the epilogue has no such activation. */
    public Activation toSimd() {
        if (op == null) {
            return Activation.NONE;
        }
        return switch (op) {
            case RELU -> Activation.RELU;
            case CLIP -> alpha <= beta ? Activation.clip(alpha, beta) : null;
            case LEAKY_RELU -> Float.isFinite(alpha) ? Activation.leakyRelu(alpha) : null;
            case HARD_SIGMOID -> Float.isFinite(alpha) && Float.isFinite(beta) ? Activation.hardSigmoid(alpha, beta) : null;
            case HARD_SWISH -> Activation.HARD_SWISH;
            case SIGMOID -> Activation.SIGMOID;
            case TANH -> Activation.TANH;
            case GELU -> Activation.GELU_ERF;
            case GELU_TANH -> Activation.GELU_TANH;
            default -> null;
        };
    }

    /** The activation applied to a result with the reference kernel (the definition). */
    Tensor applyReference(Tensor y) {
        return op == null ? y : UnaryOps.apply(new UnaryShape(op, alpha, beta, 0), y);
    }

    @Override
    public String toString() {
        return op == null ? "none" : op + "(" + alpha + ", " + beta + ")";
    }
}
