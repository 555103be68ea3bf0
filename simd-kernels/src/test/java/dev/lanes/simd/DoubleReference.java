package dev.lanes.simd;

import dev.lanes.reference.SpecialFunctions;

/**
 * Double-precision references for the functions of {@link VectorMath}, accurate to far better than a
 * float ulp: {@code StrictMath} where it has the function, the reference's {@link SpecialFunctions}
 * for erf and Φ, and forms without cancellation for sigmoid and the GELUs.
 */
final class DoubleReference {
    private DoubleReference() {}

    static double exp(double x) {
        return StrictMath.exp(x);
    }

    static double log(double x) {
        return StrictMath.log(x);
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
    }

    static double tanh(double x) {
        return StrictMath.tanh(x);
    }

    static double erf(double x) {
        return SpecialFunctions.erf(x);
    }

    /** x·Φ(x) with Φ(x) = erfc(-x/√2)/2: accurate for negative x too. */
    static double geluErf(double x) {
        if (x == Double.NEGATIVE_INFINITY) return -0.0;
        return x * SpecialFunctions.normalCdf(x);
    }

    /** x·sigmoid(2u), u = √(2/π)(x + 0.044715x³): the tanh form without cancellation. */
    static double geluTanh(double x) {
        if (x == Double.NEGATIVE_INFINITY) return -0.0;
        double twoU = 2 * StrictMath.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        return x * sigmoid(twoU);
    }
}
