package dev.lanes.reference;

/**
 * The obviously-right Conv: for every output element, the sum over its group's input channels and
 * the kernel taps of x·w, skipping taps that fall into the padding, in double, plus the bias.
 */
public final class ReferenceConv implements Conv {

    @Override
    public void conv(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        conv(s, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /** As {@link #conv}, also storing each output's sum of absolute terms (products and bias) in {@code terms} when not null. */
    public void conv(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                     float[] y, int yOff, double[] terms) {
        if (s.hasBias() && bias == null) throw new IllegalArgumentException("Conv shape has a bias but bias is null");
        int rank = s.spatialRank();
        int[] in = s.inSpatial(), kernel = s.kernel(), out = s.outSpatial();
        int[] stride = s.strides(), dil = s.dilations(), padBegin = s.padsBegin();
        int inPlane = s.inSpatialSize(), outPlane = s.outSpatialSize(), taps = s.kernelSize();
        int cPerG = s.inChannelsPerGroup(), mPerG = s.outChannelsPerGroup();
        int[] o = new int[rank], k = new int[rank];
        for (int n = 0; n < s.batch(); n++) {
            for (int m = 0; m < s.outChannels(); m++) {
                int g = m / mPerG;
                for (int op = 0; op < outPlane; op++) {
                    Spatial.unflatten(op, out, o);
                    double sum = 0, abs = 0;
                    for (int cg = 0; cg < cPerG; cg++) {
                        int c = g * cPerG + cg;
                        for (int t = 0; t < taps; t++) {
                            Spatial.unflatten(t, kernel, k);
                            int xi = inputIndex(o, k, in, stride, dil, padBegin);
                            if (xi < 0) continue; // the tap reads padding: zero
                            double prod = (double) x[xOff + (n * s.inChannels() + c) * inPlane + xi]
                                    * w[wOff + (m * cPerG + cg) * taps + t];
                            sum += prod;
                            abs += Math.abs(prod);
                        }
                    }
                    if (s.hasBias()) {
                        sum += bias[bOff + m];
                        abs += Math.abs(bias[bOff + m]);
                    }
                    int yi = (n * s.outChannels() + m) * outPlane + op;
                    y[yOff + yi] = (float) sum;
                    if (terms != null) terms[yi] = abs;
                }
            }
        }
    }

    /** Flat index in the input plane read by output position {@code o} and tap {@code k}, or -1 in the padding. */
    static int inputIndex(int[] o, int[] k, int[] in, int[] stride, int[] dil, int[] padBegin) {
        int flat = 0;
        for (int d = 0; d < o.length; d++) {
            int pos = o[d] * stride[d] - padBegin[d] + k[d] * dil[d];
            if (pos < 0 || pos >= in[d]) return -1;
            flat = flat * in[d] + pos;
        }
        return flat;
    }
}
