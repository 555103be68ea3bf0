package dev.lanes.simd.conv;

/**
 * The spatial arithmetic of one convolution or pooling window, normalised to three axes (depth,
 * height, width): a 1-D operator is one with unit depth and height, a 2-D one has unit depth. The
 * kernels then need only one set of loops. All fields are plain ints so that kernels can copy them
 * into locals.
 *
 * <p>Output position {@code o} along an axis reads input positions {@code o·stride - pad + k·dilation}
 * for k below the kernel size; positions outside {@code [0, in)} read zero (conv) or are skipped (pool).
 */
public record Geometry(int inD, int inH, int inW, int outD, int outH, int outW,
                      int kD, int kH, int kW, int strideD, int strideH, int strideW,
                      int dilD, int dilH, int dilW, int padD, int padT, int padL) {

    /**
     * From per-axis arrays of rank 1, 2 or 3 (ONNX order: outermost first). Missing leading axes get
     * size 1, kernel 1, stride 1, dilation 1, pad 0.
     */
    public static Geometry of(int[] in, int[] out, int[] kernel, int[] strides, int[] dilations, int[] padsBegin) {
        int r = in.length;
        if (r < 1 || r > 3) throw new IllegalArgumentException("convolution kernels handle 1 to 3 spatial axes, got " + r);
        return new Geometry(at(in, r, 0, 1), at(in, r, 1, 1), at(in, r, 2, 1),
                at(out, r, 0, 1), at(out, r, 1, 1), at(out, r, 2, 1),
                at(kernel, r, 0, 1), at(kernel, r, 1, 1), at(kernel, r, 2, 1),
                at(strides, r, 0, 1), at(strides, r, 1, 1), at(strides, r, 2, 1),
                at(dilations, r, 0, 1), at(dilations, r, 1, 1), at(dilations, r, 2, 1),
                at(padsBegin, r, 0, 0), at(padsBegin, r, 1, 0), at(padsBegin, r, 2, 0));
    }

    /** Axis {@code axis} of the normalised 3 (0 = depth) from an array of rank r, or {@code dflt} when it has no such axis. */
    private static int at(int[] a, int r, int axis, int dflt) {
        int i = axis - (3 - r);
        return i < 0 ? dflt : a[i];
    }

    public int inPixels() {
        return inD * inH * inW;
    }

    public int outPixels() {
        return outD * outH * outW;
    }

    public int taps() {
        return kD * kH * kW;
    }

    public boolean isTwoD() {
        return inD == 1 && kD == 1 && outD == 1 && padD == 0;   // a padded depth axis reads padding, not the one plane
    }

    /**
     * First output position along an axis whose whole (dilated) window lies inside the input:
     * {@code o·s - pad ≥ 0}.
     */
    static int firstInside(int pad, int stride) {
        return Math.ceilDiv(pad, stride);
    }

    /**
     * One past the last output position whose whole window lies inside the input:
     * {@code o·s - pad + (k-1)·d ≤ in - 1}, clamped to {@code [lo, out]}.
     */
    static int endInside(int in, int out, int k, int stride, int dil, int pad, int lo) {
        int last = Math.floorDiv(in - 1 + pad - (k - 1) * dil, stride);
        return Math.max(lo, Math.min(out, last + 1));
    }
}
