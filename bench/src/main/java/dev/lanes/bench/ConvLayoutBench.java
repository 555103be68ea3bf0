package dev.lanes.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The measurement behind the layout decision of the convolution kernels (simd-kernels README,
 * "Convolution and pooling: layout decision"): the same direct 3x3 convolution and depthwise 3x3
 * inner loops run over NHWC and over NCHWc (channel blocks of the vector length), plus the cost of
 * the reorder from the NCHW of the API into each layout.
 *
 * <p>The probe kernels here cover the interior of a pre-padded input only (no borders, no
 * epilogue): they isolate what the layout changes — the address pattern of the inner loop — and
 * are not the engine's kernels. Both layouts run the identical loop; only the two strides differ
 * (NHWC: pixel stride C, block stride L; NCHWc: pixel stride L, block stride H·W·L).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
public class ConvLayoutBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** "conv3x3" = 64→64 at 56x56; "dw3x3" = depthwise 32 channels at 112x112. */
    @Param({"conv3x3", "dw3x3"})
    public String layer;

    @Param({"nhwc", "nchwc"})
    public String layout;

    int c, cout, h, w, hp, wp, pixelStride, blockStride, outPixelStride, outBlockStride;
    float[] nchw, in, weights, out;

    @Setup
    public void setup() {
        if (layer.equals("conv3x3")) {
            c = 64; cout = 64; h = 56; w = 56;
        } else {
            c = 32; cout = 32; h = 112; w = 112;
        }
        hp = h + 2; wp = w + 2;
        SplittableRandom r = new SplittableRandom(1);
        nchw = new float[c * hp * wp];
        for (int i = 0; i < nchw.length; i++) nchw[i] = (float) r.nextDouble(-1, 1);
        in = new float[nchw.length];
        boolean nhwc = layout.equals("nhwc");
        pixelStride = nhwc ? c : L;
        blockStride = nhwc ? L : hp * wp * L;
        outPixelStride = nhwc ? cout : L;
        outBlockStride = nhwc ? L : h * w * L;
        weights = new float[(layer.equals("conv3x3") ? c : 1) * 9 * cout];
        for (int i = 0; i < weights.length; i++) weights[i] = (float) r.nextDouble(-1, 1);
        out = new float[cout * h * w];
        reorder();
    }

    @Benchmark
    public float[] reorder() {
        if (layout.equals("nhwc")) nchwToNhwc(nchw, in, c, hp * wp);
        else nchwToNchwc(nchw, in, c, hp * wp);
        return in;
    }

    @Benchmark
    public float[] kernel() {
        if (layer.equals("conv3x3")) {
            for (int oy = 0; oy < h; oy++) direct3x3Row(oy);
        } else {
            for (int oy = 0; oy < h; oy++) depthwise3x3Row(oy);
        }
        return out;
    }

    /** One output row of the 64→64 direct 3x3: tiles of 6 pixels × 4 output-channel vectors (24 accumulators). */
    void direct3x3Row(int oy) {
        for (int ox = 0; ox + 6 <= w; ox += 6) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00,
                    a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00,
                    a40 = a00, a41 = a00, a42 = a00, a43 = a00, a50 = a00, a51 = a00, a52 = a00, a53 = a00;
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int pix = (oy + ky) * wp + ox + kx;
                    for (int cb = 0; cb < c; cb += L) {
                        int base = pix * pixelStride + (cb / L) * blockStride;
                        int wBase = ((ky * 3 + kx) * c + cb) * cout;
                        for (int ci = 0; ci < L; ci++) {
                            int wo = wBase + ci * cout;
                            FloatVector w0 = FloatVector.fromArray(S, weights, wo);
                            FloatVector w1 = FloatVector.fromArray(S, weights, wo + L);
                            FloatVector w2 = FloatVector.fromArray(S, weights, wo + 2 * L);
                            FloatVector w3 = FloatVector.fromArray(S, weights, wo + 3 * L);
                            int x = base + ci;
                            FloatVector b;
                            b = FloatVector.broadcast(S, in[x]);
                            a00 = w0.fma(b, a00); a01 = w1.fma(b, a01); a02 = w2.fma(b, a02); a03 = w3.fma(b, a03);
                            b = FloatVector.broadcast(S, in[x + pixelStride]);
                            a10 = w0.fma(b, a10); a11 = w1.fma(b, a11); a12 = w2.fma(b, a12); a13 = w3.fma(b, a13);
                            b = FloatVector.broadcast(S, in[x + 2 * pixelStride]);
                            a20 = w0.fma(b, a20); a21 = w1.fma(b, a21); a22 = w2.fma(b, a22); a23 = w3.fma(b, a23);
                            b = FloatVector.broadcast(S, in[x + 3 * pixelStride]);
                            a30 = w0.fma(b, a30); a31 = w1.fma(b, a31); a32 = w2.fma(b, a32); a33 = w3.fma(b, a33);
                            b = FloatVector.broadcast(S, in[x + 4 * pixelStride]);
                            a40 = w0.fma(b, a40); a41 = w1.fma(b, a41); a42 = w2.fma(b, a42); a43 = w3.fma(b, a43);
                            b = FloatVector.broadcast(S, in[x + 5 * pixelStride]);
                            a50 = w0.fma(b, a50); a51 = w1.fma(b, a51); a52 = w2.fma(b, a52); a53 = w3.fma(b, a53);
                        }
                    }
                }
            }
            int o = (oy * w + ox) * outPixelStride, ps = outPixelStride, bs = outBlockStride;
            a00.intoArray(out, o); a01.intoArray(out, o + bs); a02.intoArray(out, o + 2 * bs); a03.intoArray(out, o + 3 * bs);
            o += ps;
            a10.intoArray(out, o); a11.intoArray(out, o + bs); a12.intoArray(out, o + 2 * bs); a13.intoArray(out, o + 3 * bs);
            o += ps;
            a20.intoArray(out, o); a21.intoArray(out, o + bs); a22.intoArray(out, o + 2 * bs); a23.intoArray(out, o + 3 * bs);
            o += ps;
            a30.intoArray(out, o); a31.intoArray(out, o + bs); a32.intoArray(out, o + 2 * bs); a33.intoArray(out, o + 3 * bs);
            o += ps;
            a40.intoArray(out, o); a41.intoArray(out, o + bs); a42.intoArray(out, o + 2 * bs); a43.intoArray(out, o + 3 * bs);
            o += ps;
            a50.intoArray(out, o); a51.intoArray(out, o + bs); a52.intoArray(out, o + 2 * bs); a53.intoArray(out, o + 3 * bs);
        }
    }

    /** One output row of depthwise 3x3: per channel vector, 9 weights in registers, 4 pixels at a time. */
    void depthwise3x3Row(int oy) {
        for (int cb = 0; cb < c; cb += L) {
            int blk = (cb / L) * blockStride;
            int wo = cb;
            FloatVector w0 = FloatVector.fromArray(S, weights, wo), w1 = FloatVector.fromArray(S, weights, wo + c),
                    w2 = FloatVector.fromArray(S, weights, wo + 2 * c), w3 = FloatVector.fromArray(S, weights, wo + 3 * c),
                    w4 = FloatVector.fromArray(S, weights, wo + 4 * c), w5 = FloatVector.fromArray(S, weights, wo + 5 * c),
                    w6 = FloatVector.fromArray(S, weights, wo + 6 * c), w7 = FloatVector.fromArray(S, weights, wo + 7 * c),
                    w8 = FloatVector.fromArray(S, weights, wo + 8 * c);
            int ps = pixelStride;
            for (int ox = 0; ox < w; ox++) {
                int r0 = blk + (oy * wp + ox) * ps, r1 = r0 + wp * ps, r2 = r1 + wp * ps;
                FloatVector acc = FloatVector.fromArray(S, in, r0).mul(w0);
                acc = FloatVector.fromArray(S, in, r0 + ps).fma(w1, acc);
                acc = FloatVector.fromArray(S, in, r0 + 2 * ps).fma(w2, acc);
                acc = FloatVector.fromArray(S, in, r1).fma(w3, acc);
                acc = FloatVector.fromArray(S, in, r1 + ps).fma(w4, acc);
                acc = FloatVector.fromArray(S, in, r1 + 2 * ps).fma(w5, acc);
                acc = FloatVector.fromArray(S, in, r2).fma(w6, acc);
                acc = FloatVector.fromArray(S, in, r2 + ps).fma(w7, acc);
                acc = FloatVector.fromArray(S, in, r2 + 2 * ps).fma(w8, acc);
                acc.intoArray(out, (cb / L) * outBlockStride + (oy * w + ox) * outPixelStride);
            }
        }
    }

    /** [C][P] → [P][C], blocked so that both sides stay in L1. */
    static void nchwToNhwc(float[] src, float[] dst, int c, int p) {
        final int B = 16;
        for (int p0 = 0; p0 < p; p0 += B) {
            int p1 = Math.min(p, p0 + B);
            for (int c0 = 0; c0 < c; c0 += B) {
                int c1 = Math.min(c, c0 + B);
                for (int pi = p0; pi < p1; pi++) {
                    for (int ci = c0; ci < c1; ci++) dst[pi * c + ci] = src[ci * p + pi];
                }
            }
        }
    }

    /** [C][P] → [C/L][P][L]. */
    static void nchwToNchwc(float[] src, float[] dst, int c, int p) {
        for (int cb = 0; cb < c; cb += L) {
            int base = cb * p;
            for (int pi = 0; pi < p; pi++) {
                for (int ci = 0; ci < L; ci++) dst[base + pi * L + ci] = src[(cb + ci) * p + pi];
            }
        }
    }
}
