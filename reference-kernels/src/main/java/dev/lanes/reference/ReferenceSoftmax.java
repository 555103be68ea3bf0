package dev.lanes.reference;

/**
 * The obviously-right Softmax and LogSoftmax: per row the max, then the sum of {@code exp(x - max)}
 * in double, then one rounding per output.
 *
 * <p>Error scale ({@code terms}): a fast kernel computes {@code x - max} with an error of about
 * {@code eps·|x - max|}, which exp turns into a relative error of the same size, and the sum and the
 * division add a few {@code eps} relative. So for Softmax {@code terms = y·(1 + |x - max|)}; for
 * LogSoftmax, a difference of {@code x}, {@code max} and {@code log(sum)},
 * {@code terms = |x| + |max| + |log(sum)|}.
 */
public final class ReferenceSoftmax implements Softmax {

    @Override
    public void softmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff) {
        softmax(s, x, xOff, y, yOff, null);
    }

    @Override
    public void logSoftmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff) {
        logSoftmax(s, x, xOff, y, yOff, null);
    }

    /** As {@link #softmax}; when {@code terms} is not null also fills it (dense, like the output). */
    public void softmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff, double[] terms) {
        for (int o = 0; o < s.outer(); o++) {
            for (int j = 0; j < s.inner(); j++) {
                double max = rowMax(s, x, xOff, o, j);
                double sum = 0;
                for (int i = 0; i < s.n(); i++) sum += Math.exp(x[xOff + s.index(o, i, j)] - max);
                for (int i = 0; i < s.n(); i++) {
                    int at = s.index(o, i, j);
                    double shifted = x[xOff + at] - max;
                    double v = Math.exp(shifted) / sum;
                    y[yOff + at] = (float) v;
                    if (terms != null) terms[at] = Math.abs(v) * (1 + Math.abs(shifted));
                }
            }
        }
    }

    /** As {@link #logSoftmax}; when {@code terms} is not null also fills it (dense, like the output). */
    public void logSoftmax(SoftmaxShape s, float[] x, int xOff, float[] y, int yOff, double[] terms) {
        for (int o = 0; o < s.outer(); o++) {
            for (int j = 0; j < s.inner(); j++) {
                double max = rowMax(s, x, xOff, o, j);
                double sum = 0;
                for (int i = 0; i < s.n(); i++) sum += Math.exp(x[xOff + s.index(o, i, j)] - max);
                double logSum = Math.log(sum);
                for (int i = 0; i < s.n(); i++) {
                    int at = s.index(o, i, j);
                    double xv = x[xOff + at];
                    y[yOff + at] = (float) (xv - max - logSum);
                    if (terms != null) terms[at] = Math.abs(xv) + Math.abs(max) + Math.abs(logSum);
                }
            }
        }
    }

    /** The row's maximum; NaN when the row holds a NaN (Math.max propagates it). */
    private static double rowMax(SoftmaxShape s, float[] x, int xOff, int o, int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < s.n(); i++) max = Math.max(max, x[xOff + s.index(o, i, j)]);
        return max;
    }
}
