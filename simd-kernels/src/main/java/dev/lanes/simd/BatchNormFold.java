package dev.lanes.simd;

import java.util.Objects;

/**
 * Folds an inference-mode BatchNormalization that follows a Conv or ConvTranspose into that
 * layer's weights and bias, at prepare time, so the pair runs as one convolution:
 * {@code BN(conv(x, W) + b) = conv(x, k·W) + k·(b - mean) + B} per output channel, with
 * {@code k = scale / sqrt(var + epsilon)}. Computed in double, rounded once.
 */
public final class BatchNormFold {
    private BatchNormFold() {}

    /** Folded weights (the layer's ONNX layout) and bias ({@code [M]}). */
    public record Folded(float[] weights, float[] bias) {}

    /**
     * Conv: W is {@code [M, C/group, k…]}: {@code perChannel = C/group · taps} floats per output channel.
     * {@code bias} may be null (a Conv without B).
     */
    public static Folded conv(int outChannels, int perChannel, float[] w, int wOff, float[] bias, int bOff,
                              float[] scale, float[] bnBias, float[] mean, float[] var, float epsilon) {
        double[] k = factors(outChannels, scale, bnBias, mean, var, epsilon);
        requireLength("Conv W", w, wOff, (long) outChannels * perChannel);
        float[] fw = new float[outChannels * perChannel];
        for (int m = 0; m < outChannels; m++) {
            for (int i = 0; i < perChannel; i++) fw[m * perChannel + i] = (float) (w[wOff + m * perChannel + i] * k[m]);
        }
        return new Folded(fw, foldBias(outChannels, bias, bOff, k, bnBias, mean));
    }

    /**
     * ConvTranspose: W is {@code [C, M/group, k…]}; output channel {@code g·(M/group) + m} owns
     * {@code W[g·(C/group) + c][m][…]} for every c of group g.
     */
    public static Folded convTranspose(int inChannels, int outChannels, int groups, int taps, float[] w, int wOff,
                                       float[] bias, int bOff, float[] scale, float[] bnBias, float[] mean, float[] var,
                                       float epsilon) {
        double[] k = factors(outChannels, scale, bnBias, mean, var, epsilon);
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("BatchNormFold: group " + groups + " must divide C=" + inChannels + " and M=" + outChannels);
        }
        int cg = inChannels / groups, mg = outChannels / groups;
        requireLength("ConvTranspose W", w, wOff, (long) inChannels * mg * taps);
        float[] fw = new float[inChannels * mg * taps];
        for (int c = 0; c < inChannels; c++) {
            int g = c / cg;
            for (int m = 0; m < mg; m++) {
                double f = k[g * mg + m];
                for (int t = 0; t < taps; t++) {
                    int i = (c * mg + m) * taps + t;
                    fw[i] = (float) (w[wOff + i] * f);
                }
            }
        }
        return new Folded(fw, foldBias(outChannels, bias, bOff, k, bnBias, mean));
    }

    private static double[] factors(int m, float[] scale, float[] bnBias, float[] mean, float[] var, float epsilon) {
        Objects.requireNonNull(scale, "BatchNormalization scale");
        Objects.requireNonNull(bnBias, "BatchNormalization B");
        Objects.requireNonNull(mean, "BatchNormalization input_mean");
        Objects.requireNonNull(var, "BatchNormalization input_var");
        if (scale.length < m || bnBias.length < m || mean.length < m || var.length < m) {
            throw new IllegalArgumentException("BatchNormalization scale, B, mean and var need " + m + " values each, got "
                    + scale.length + ", " + bnBias.length + ", " + mean.length + ", " + var.length);
        }
        if (!(epsilon >= 0) || Float.isInfinite(epsilon)) throw new IllegalArgumentException("BatchNormalization epsilon must be ≥ 0 and finite, got " + epsilon);
        double[] k = new double[m];
        for (int i = 0; i < m; i++) k[i] = scale[i] / Math.sqrt((double) var[i] + epsilon);
        return k;
    }

    private static float[] foldBias(int m, float[] bias, int bOff, double[] k, float[] bnBias, float[] mean) {
        if (bias != null) requireLength("bias", bias, bOff, m);
        float[] fb = new float[m];
        for (int i = 0; i < m; i++) {
            double b = bias == null ? 0 : bias[bOff + i];
            fb[i] = (float) ((b - mean[i]) * k[i] + bnBias[i]);
        }
        return fb;
    }

    private static void requireLength(String what, float[] a, int off, long n) {
        Objects.requireNonNull(a, what);
        if (off < 0 || off + n > a.length) throw new IllegalArgumentException("BatchNormFold: " + what + " needs " + n + " floats from offset " + off + ", array has " + a.length);
    }
}
