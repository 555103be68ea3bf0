package dev.lanes.simd;

/**
 * Double-precision references for the functions of {@link VectorMath}, accurate to far better than a
 * float ulp: {@code StrictMath} where it has the function, and an erf/erfc of our own (Taylor series
 * below 2, continued fraction above) where it does not.
 */
final class DoubleReference {
    private DoubleReference() {}

    static double exp(double x) {
        return StrictMath.exp(x);
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
    }

    static double tanh(double x) {
        return StrictMath.tanh(x);
    }

    private static final double TWO_OVER_SQRT_PI = 2 / StrictMath.sqrt(Math.PI);

    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        double r = a < 2 ? erfSeries(a) : 1 - erfcFraction(a);
        return Math.copySign(r, x);
    }

    /** 1 - erf(x), without cancellation for large x. */
    static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x >= 2) return erfcFraction(x);
        return 1 - erf(x);
    }

    /** erf(a) = 2/√π · Σ (-1)^n a^(2n+1) / (n! (2n+1)); for a &lt; 2 the terms stay below 3, so little is lost. */
    private static double erfSeries(double a) {
        double u = a * a, term = a, sum = a;
        for (int n = 1; n < 200; n++) {
            term *= -u / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-18 * Math.abs(sum)) break;
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erfc(a) = e^(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated from the tail; a ≥ 2. */
    private static double erfcFraction(double a) {
        if (a > 27) return 0; // e^(-a²) underflows double: no need to run the fraction
        double f = a;
        for (int k = 120; k >= 1; k--) f = a + (k / 2.0) / f;
        return StrictMath.exp(-a * a) / StrictMath.sqrt(Math.PI) / f;
    }

    /** x·Φ(x) with Φ(x) = erfc(-x/√2)/2: accurate for negative x too. */
    static double geluErf(double x) {
        if (x == Double.NEGATIVE_INFINITY) return Double.NaN;
        return x * 0.5 * erfc(-x / StrictMath.sqrt(2));
    }

    /** x·sigmoid(2u), u = √(2/π)(x + 0.044715x³): the tanh form without cancellation. */
    static double geluTanh(double x) {
        if (x == Double.NEGATIVE_INFINITY) return Double.NaN;
        double twoU = 2 * StrictMath.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        return x * sigmoid(twoU);
    }
}
