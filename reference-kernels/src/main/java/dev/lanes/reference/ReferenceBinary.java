package dev.lanes.reference;

/**
 * The obviously-right binary ops: each output element computed in double from the two broadcast
 * inputs (read through zero strides on broadcast dims), rounded once.
 *
 * <p>Error scale ({@code terms}): {@code |a| + |b|} for Add and Sub; {@code |y|} for Mul, Div, Min
 * and Max; for Pow, computed fast as {@code exp(b·log a)}, {@code |y|·(1 + |b·ln|a||)}.
 */
public final class ReferenceBinary implements Binary {

    @Override
    public void apply(BinaryShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        apply(s, a, aOff, b, bOff, y, yOff, null);
    }

    public void apply(BinaryShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, double[] terms) {
        int[] out = s.outputShape();
        int[] sa = Broadcast.strides(s.a(), out), sb = Broadcast.strides(s.b(), out);
        int size = Dims.size(out);
        for (int i = 0; i < size; i++) {
            double av = a[aOff + Broadcast.offset(i, out, sa)];
            double bv = b[bOff + Broadcast.offset(i, out, sb)];
            double v = value(s.op(), av, bv);
            y[yOff + i] = (float) v;
            if (terms != null) terms[i] = terms(s.op(), av, bv, v);
        }
    }

    /** The op at one pair, in double. */
    public static double value(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    static double terms(BinaryOp op, double a, double b, double y) {
        return switch (op) {
            case ADD, SUB -> Math.abs(a) + Math.abs(b);
            case POW -> Math.abs(y) * (1 + Math.abs(b * Math.log(Math.abs(a))));
            default -> Math.abs(y);
        };
    }
}
