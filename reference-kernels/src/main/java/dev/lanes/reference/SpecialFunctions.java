package dev.lanes.reference;

/**
 * Special functions in double that {@code java.lang.Math} lacks, accurate to a few double ulps: they
 * define Erf and GELU for the reference kernels and serve as the exact side of ulp tests of fast
 * approximations.
 */
public final class SpecialFunctions {
    private SpecialFunctions() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
    /** Below it the series is used, above it the continued fraction (both converge well there). */
    private static final double SWITCH = 2.5;

    /** The error function. erf(±∞) = ±1, erf(NaN) = NaN, erf(-0) = -0. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double v = ax < SWITCH ? erfSeries(ax) : 1 - erfcFraction(ax);
        return x < 0 || (x == 0 && 1 / x < 0) ? -v : v;
    }

    /** The complementary error function {@code 1 - erf(x)}, accurate relative to itself also where it is tiny. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x < SWITCH) return 1 - erf(x);
        return erfcFraction(x);
    }

    /**
     * erf(x) = 2/√π · e^{-x²} · Σ_{n≥0} 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (Abramowitz & Stegun 7.1.6):
     * every term is positive, so nothing cancels.
     */
    private static double erfSeries(double x) {
        double term = x, sum = x, x2 = 2 * x * x;
        for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
            term *= x2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
    }

    /**
     * erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) for x > 0 (A&S 7.1.14),
     * evaluated from the tail; 120 levels reach double precision for x ≥ 2.5.
     */
    private static double erfcFraction(double x) {
        if (x > 27) return 0; // e^{-729} underflows double
        double f = x;
        for (int k = 120; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) * INV_SQRT_PI / f;
    }

    /** The standard normal cumulative distribution Φ(x) = erfc(-x/√2)/2, accurate also in the far left tail. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }
}
