package dev.lanes.reference;

/**
 * The obviously-right ConvTranspose, written as a gather so that each output element is one sum in
 * double: output position {@code o} collects {@code x[i]·w[j]} for every tap j with
 * {@code o = i·stride - padBegin + j·dilation} on every axis, over the group's input channels.
 */
public final class ReferenceConvTranspose implements ConvTranspose {

    @Override
    public void convTranspose(ConvTransposeShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                              float[] y, int yOff) {
        convTranspose(s, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /** As {@link #convTranspose}, also storing each output's sum of absolute terms in {@code terms} when not null. */
    public void convTranspose(ConvTransposeShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                              float[] y, int yOff, double[] terms) {
        if (s.hasBias() && bias == null) throw new IllegalArgumentException("ConvTranspose shape has a bias but bias is null");
        int rank = s.spatialRank();
        int[] in = s.inSpatial(), kernel = s.kernel(), out = s.outSpatial();
        int[] stride = s.strides(), dil = s.dilations(), padBegin = s.padsBegin();
        int inPlane = s.inSpatialSize(), outPlane = s.outSpatialSize(), taps = s.kernelSize();
        int cPerG = s.inChannelsPerGroup(), mPerG = s.outChannelsPerGroup();
        int[] o = new int[rank], k = new int[rank];
        for (int n = 0; n < s.batch(); n++) {
            for (int m = 0; m < s.outChannels(); m++) {
                int g = m / mPerG, mg = m % mPerG;
                for (int op = 0; op < outPlane; op++) {
                    Spatial.unflatten(op, out, o);
                    double sum = 0, abs = 0;
                    for (int cg = 0; cg < cPerG; cg++) {
                        int c = g * cPerG + cg;
                        for (int t = 0; t < taps; t++) {
                            Spatial.unflatten(t, kernel, k);
                            int xi = sourceIndex(o, k, in, stride, dil, padBegin);
                            if (xi < 0) continue; // no input position lands here through this tap
                            double prod = (double) x[xOff + (n * s.inChannels() + c) * inPlane + xi]
                                    * w[wOff + (c * mPerG + mg) * taps + t];
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

    /** Flat input index i with {@code o = i·stride - padBegin + k·dilation} on every axis, or -1 when there is none. */
    private static int sourceIndex(int[] o, int[] k, int[] in, int[] stride, int[] dil, int[] padBegin) {
        int flat = 0;
        for (int d = 0; d < o.length; d++) {
            int t = o[d] + padBegin[d] - k[d] * dil[d];
            if (t < 0 || t % stride[d] != 0) return -1;
            int i = t / stride[d];
            if (i >= in[d]) return -1;
            flat = flat * in[d] + i;
        }
        return flat;
    }
}
