package dev.lanes.reference;

/**
 * ONNX LayerNormalization (opset 17): each of {@code outer} rows of {@code n} contiguous elements
 * (the dims from {@code axis} on, flattened) is normalised to mean 0 and variance 1, then scaled and
 * shifted: {@code y = (x - mean) / sqrt(var + epsilon) * scale + B}, with the population variance.
 * Scale and B hold {@code n} values (the normalised shape, dense); B is optional.
 *
 * <p>The optional outputs Mean and InvStdDev hold one value per row ({@code outer} values; ONNX
 * shapes them as X's dims with those from {@code axis} on set to 1 — see {@link #statShape}).
 * {@code stash_type} 1 (float) is the only one ONNX defines for float inputs; the reference computes
 * in double regardless.
 *
 * @param outer   rows (≥ 0)
 * @param n       elements per row (≥ 1)
 * @param epsilon added to the variance (≥ 0, finite)
 * @param hasBias whether B is given
 */
public record LayerNormShape(int outer, int n, float epsilon, boolean hasBias) {

    public LayerNormShape {
        if (outer < 0 || n < 1) {
            throw new IllegalArgumentException("LayerNormalization needs rows ≥ 0 and a normalised size ≥ 1, got rows="
                    + outer + " n=" + n);
        }
        RowNormalisation.requireEpsilon("LayerNormalization", epsilon);
        Dims.size(outer, n);
    }

    /**
     * From ONNX: X's dims, axis (default -1), epsilon (default 1e-5), the dims of Scale and of B
     * (null when absent). Scale and B must have exactly the normalised shape {@code X.dims[axis..]}
     * (leading 1s allowed); a graph that meets another broadcastable shape expands it once at load.
     */
    public static LayerNormShape fromOnnx(int[] x, int axis, float epsilon, int[] scale, int[] bias) {
        if (x.length == 0) throw new IllegalArgumentException("LayerNormalization X must have rank ≥ 1, got a scalar");
        int a = Dims.axis(axis, x.length, "LayerNormalization axis");
        int[] normalised = java.util.Arrays.copyOfRange(x, a, x.length);
        requireNormalisedShape("LayerNormalization", "Scale", scale, normalised);
        if (bias != null) requireNormalisedShape("LayerNormalization", "B", bias, normalised);
        return new LayerNormShape(Dims.size(x, 0, a), Dims.size(normalised), epsilon, bias != null);
    }

    /** Requires {@code p} to equal {@code normalised}, allowing leading 1s. */
    static void requireNormalisedShape(String op, String input, int[] p, int[] normalised) {
        if (p == null) throw new IllegalArgumentException(op + " input " + input + " is required");
        int lead = p.length - normalised.length;
        boolean ok = lead >= 0;
        for (int i = 0; ok && i < lead; i++) ok = p[i] == 1;
        for (int i = 0; ok && i < normalised.length; i++) ok = p[lead + i] == normalised[i];
        if (!ok) {
            throw new IllegalArgumentException(op + " " + input + " must have the normalised shape " + Dims.str(normalised)
                    + ", got " + Dims.str(p));
        }
    }

    /** ONNX's shape of Mean and InvStdDev: X's dims with those from {@code axis} on set to 1. */
    public static int[] statShape(int[] x, int axis) {
        int a = Dims.axis(axis, x.length, "LayerNormalization axis");
        int[] s = x.clone();
        for (int i = a; i < s.length; i++) s[i] = 1;
        return s;
    }

    public int size() {
        return outer * n;
    }

    /** Y has X's shape, here collapsed to {@code [outer, n]}. */
    public int[] outputShape() {
        return new int[] {outer, n};
    }

    /** Per element: add for the mean, subtract, square and add for the variance, subtract, multiply twice, add. */
    public long flops() {
        return 8L * size();
    }
}
