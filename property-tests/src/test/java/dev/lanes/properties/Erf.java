package dev.lanes.properties;

/**
 * erf in double precision for test oracles (Java has none): the Maclaurin series where it converges
 * quickly (|x| &lt; 2.5, about 1e-15 absolute), erfc's continued fraction (modified Lentz) beyond,
 * where erf = 1 − erfc needs erfc only to a few digits of its own.
 */
public final class Erf {
    private Erf() {}

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            r = 1 - erfc(ax);
        }
        return Math.copySign(r, x);
    }

    /** erfc(x) for x ≥ 2.5: exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
    private static double erfc(double x) {
        if (x > 27) return 0;
        double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 300; n++) {
            double an = n / 2.0;
            d = x + an * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return StrictMath.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
