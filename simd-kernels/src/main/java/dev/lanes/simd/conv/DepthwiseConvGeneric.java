package dev.lanes.simd.conv;

import dev.lanes.simd.Activation;
import dev.lanes.simd.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution over NHWC for any kernel size, stride, dilation, padding and channel
 * multiplier, in 1, 2 or 3 spatial axes: each output channel {@code oc} filters input channel
 * {@code oc / multiplier}. Vectorised over channels; per output pixel the taps that fall inside the
 * input are found once and shared by all channel vectors.
 *
 * <p>{@link DepthwiseConv} runs it for channel multipliers above 1 and 3-D maps; multiplier 1 in 1-D
 * and 2-D goes through {@link DepthwiseBand}.
 *
 * <p>Packed weights ({@link #pack}): {@code w[tap·cp + oc]}, taps in (kz, ky, kx) order, each row of
 * output channels zero-padded to {@code cp} (a multiple of the vector length) so weight loads need
 * no mask; the bias likewise {@code [cp]}.
 * <pre>
 *   tap 0: | oc0 oc1 ... oc(C-1) 0 .. 0 |   (cp floats)
 *   tap 1: | ...                        |
 * </pre>
 */
public final class DepthwiseConvGeneric {
    private DepthwiseConvGeneric() {}

    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    /** Output channels rounded up to whole vectors: the row length of packed weights and bias. */
    public static int paddedChannels(int c) {
        return (c + L - 1) / L * L;
    }

    /**
     * Packs ONNX depthwise weights {@code [C·mult, 1, k…]} (taps contiguous per output channel) into
     * {@code [taps][cp]}.
     */
    public static float[] pack(float[] w, int wOff, int outChannels, int taps) {
        int cp = paddedChannels(outChannels);
        float[] p = new float[taps * cp];
        for (int oc = 0; oc < outChannels; oc++) {
            for (int t = 0; t < taps; t++) p[t * cp + oc] = w[wOff + oc * taps + t];
        }
        return p;
    }

    /** The bias padded to {@code cp} (zeros when {@code bias} is null). */
    public static float[] packBias(float[] bias, int bOff, int outChannels) {
        float[] p = new float[paddedChannels(outChannels)];
        if (bias != null) System.arraycopy(bias, bOff, p, 0, outChannels);
        return p;
    }

    /**
     * Output rows {@code [row0, row1)} of one image, a row being one (depth, height) pair:
     * {@code row = oz·outH + oy}. {@code x} is the image's NHWC input (pixel stride {@code cin}),
     * {@code channelMap} is {@link #channelMap}'s map (null for multiplier 1),
     * {@code y} its output (pixel stride {@code cout = cin·mult}); {@code res}, when not null, is added
     * before the activation (applied to each finished row) and read at the output's positions relative to {@code resOff}.
     */
    public static void rows(float[] x, int xOff, int cin, int mult, int[] channelMap, float[] w, float[] bias, Geometry g,
                            float[] y, int yOff, float[] res, int resOff, Activation act, int row0, int row1) {
        int rowLen = g.outW() * cin * mult;
        for (int row = row0; row < row1; row++) {
            int oz = row / g.outH(), oy = row % g.outH();
            for (int ox = 0; ox < g.outW(); ox++) pixel(x, xOff, cin, mult, channelMap, w, bias, g, y, yOff, res, resOff, oz, oy, ox);
            // the activation on the finished row (in L1), out of the FMA loops: see Activation#applyInPlace
            act.applyInPlace(y, yOff + row * rowLen, rowLen);
        }
    }

    /** One output pixel, all channels, any window (taps outside the input are skipped), the residual added; no activation. */
    static void pixel(float[] x, int xOff, int cin, int mult, int[] channelMap, float[] w, float[] bias, Geometry g,
                      float[] y, int yOff, float[] res, int resOff, int oz, int oy, int ox) {
        int iz0 = oz * g.strideD() - g.padD(), iy0 = oy * g.strideH() - g.padT(), ix0 = ox * g.strideW() - g.padL();
        int kz0 = firstTap(iz0, g.dilD()), kz1 = endTap(iz0, g.dilD(), g.kD(), g.inD());
        int ky0 = firstTap(iy0, g.dilH()), ky1 = endTap(iy0, g.dilH(), g.kH(), g.inH());
        int kx0 = firstTap(ix0, g.dilW()), kx1 = endTap(ix0, g.dilW(), g.kW(), g.inW());
        int cout = cin * mult, cp = paddedChannels(cout);
        int yo = yOff + ((oz * g.outH() + oy) * g.outW() + ox) * cout;
        int ro = resOff + ((oz * g.outH() + oy) * g.outW() + ox) * cout;
        int full = cout - cout % L;
        for (int oc = 0; oc < cout; oc += L) {
            boolean tail = oc >= full;
            // Never null: with "tail ? mask : null" C2 (JDK 25.0.3) compiled this method into code that stopped the VM
            // ("fatal error: DEBUG MESSAGE") after warm-up on the PaddleOCR classifier; an all-true mask costs nothing here.
            VectorMask<Float> m = S.indexInRange(oc, cout);
            FloatVector acc = FloatVector.fromArray(S, bias, oc);
            for (int kz = kz0; kz < kz1; kz++) {
                int iz = iz0 + kz * g.dilD();
                for (int ky = ky0; ky < ky1; ky++) {
                    int rowBase = xOff + (iz * g.inH() + iy0 + ky * g.dilH()) * g.inW() * cin;
                    int tapRow = (kz * g.kH() + ky) * g.kW();
                    for (int kx = kx0; kx < kx1; kx++) {
                        int xo = rowBase + (ix0 + kx * g.dilW()) * cin;
                        FloatVector wv = FloatVector.fromArray(S, w, (tapRow + kx) * cp + oc);
                        FloatVector xv = load(x, xo, oc, channelMap, tail, m);
                        acc = xv.fma(wv, acc);
                    }
                }
            }
            if (tail) {
                if (res != null) acc = acc.add(FloatVector.fromArray(S, res, ro + oc, m));
                acc.intoArray(y, yo + oc, m);
            } else {
                if (res != null) acc = acc.add(FloatVector.fromArray(S, res, ro + oc));
                acc.intoArray(y, yo + oc);
            }
        }
    }

    /**
     * The input vector for output channels {@code [oc, oc+L)} at input pixel offset {@code xo}:
     * a plain load for multiplier 1, a gather of {@code oc/mult} otherwise.
     */
    private static FloatVector load(float[] x, int xo, int oc, int[] channelMap, boolean tail, VectorMask<Float> m) {
        if (channelMap == null) return tail ? FloatVector.fromArray(S, x, xo + oc, m) : FloatVector.fromArray(S, x, xo + oc);
        return tail ? FloatVector.fromArray(S, x, xo, channelMap, oc, m) : FloatVector.fromArray(S, x, xo, channelMap, oc);
    }

    /** For a channel multiplier above 1: the gather map {@code oc → oc / mult}, padded to whole vectors; null for 1. */
    public static int[] channelMap(int outChannels, int mult) {
        if (mult == 1) return null;
        int[] map = new int[paddedChannels(outChannels)];
        for (int oc = 0; oc < map.length; oc++) map[oc] = Math.min(oc, outChannels - 1) / mult;
        return map;
    }

    /** First tap k with {@code i0 + k·d ≥ 0}. */
    static int firstTap(int i0, int d) {
        return i0 >= 0 ? 0 : Math.ceilDiv(-i0, d);
    }

    /** One past the last tap k below {@code k} with {@code i0 + k·d < in}. */
    static int endTap(int i0, int d, int k, int in) {
        if (i0 >= in) return 0;
        return Math.max(0, Math.min(k, Math.floorDiv(in - 1 - i0, d) + 1));
    }
}
