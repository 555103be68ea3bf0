package dev.lanes.reference;

/**
 * The obviously-right unary ops, computed in double from the ONNX formulas and rounded once.
 *
 * <p>Special values: NaN in gives NaN out. Where a formula meets {@code ∞·0} at an infinite input and
 * the function has a limit there, the limit is returned: GELU(−∞) = GELU_TANH(−∞) = HardSwish(−∞) =
 * −0 (a literal evaluation of ONNX's formula, as ONNX Runtime does, gives NaN). Log(0) = −∞,
 * Log(x &lt; 0) = NaN, Reciprocal(±0) = ±∞.
 *
 * <p>Error scale ({@code terms}), per op: {@code |y|} for ops a fast kernel gets to a few eps
 * relative (Relu, LeakyRelu, Neg, Abs, Clip, Sqrt, Reciprocal, Tanh, Erf); {@code |y|·(1 + |x|)} where
 * an exp meets an input error of {@code eps·|x|} (Exp, Sigmoid, Elu's negative side
 * {@code |alpha|·(eˣ(1 + |x|) + 1)}); {@code |alpha·x| + |beta|} for HardSigmoid;
 * {@code |x|} for the GELUs and HardSwish (x times a factor in [0, 1] known to a few eps absolute);
 * {@code 1 + |y|} for Log (absolute error near x = 1).
 */
public final class ReferenceUnary implements Unary {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    @Override
    public void apply(UnaryShape s, float[] x, int xOff, float[] y, int yOff) {
        apply(s, x, xOff, y, yOff, null);
    }

    public void apply(UnaryShape s, float[] x, int xOff, float[] y, int yOff, double[] terms) {
        for (int i = 0; i < s.size(); i++) {
            double xv = x[xOff + i];
            double v = value(s.op(), s.alpha(), s.beta(), xv);
            y[yOff + i] = (float) v;
            if (terms != null) terms[i] = terms(s.op(), s.alpha(), s.beta(), xv, v);
        }
    }

    /** The op at one point, in double (also the definition fused activations are checked against). */
    public static double value(UnaryOp op, double alpha, double beta, double x) {
        return switch (op) {
            case RELU -> Double.isNaN(x) ? x : Math.max(0, x);
            case LEAKY_RELU -> x >= 0 ? x : alpha * x;
            case ELU -> x >= 0 ? x : alpha * (Math.exp(x) - 1);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case HARD_SIGMOID -> Double.isNaN(x) ? x : Math.max(0, Math.min(1, alpha * x + beta));
            case HARD_SWISH -> x == Double.NEGATIVE_INFINITY ? -0.0
                    : Double.isNaN(x) ? x : x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case TANH -> Math.tanh(x);
            case ERF -> SpecialFunctions.erf(x);
            case GELU -> x == Double.NEGATIVE_INFINITY ? -0.0 : x * SpecialFunctions.normalCdf(x);
            case GELU_TANH -> x == Double.NEGATIVE_INFINITY ? -0.0
                    : 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case CLIP -> Double.isNaN(x) ? x : Math.min(Math.max(x, alpha), beta);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RECIPROCAL -> 1 / x;
            case NEG -> -x;
            case ABS -> Math.abs(x);
        };
    }

    /** The error scale of one output (see the class comment). */
    static double terms(UnaryOp op, double alpha, double beta, double x, double y) {
        double ay = Math.abs(y), ax = Math.abs(x);
        return switch (op) {
            case EXP, SIGMOID -> ay * (1 + ax);
            case ELU -> x >= 0 ? ax : Math.abs(alpha) * (Math.exp(x) * (1 + ax) + 1);
            case HARD_SIGMOID -> Math.abs(alpha * x) + Math.abs(beta);
            case GELU, GELU_TANH, HARD_SWISH -> ax;
            case LOG -> 1 + ay;
            default -> ay;
        };
    }
}
