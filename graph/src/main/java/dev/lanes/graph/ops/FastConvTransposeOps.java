package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import java.util.Arrays;

/**
 * 2-D ConvTranspose as a GEMM and a scatter (col2im), the weights packed once per group:
 *
 * <pre>
 *   cols[p][m·T + t] = Σ_c X[c][p] · W[c][m][t]      (p input pixel, m output channel of the group,
 *                                                    t tap: one PackedGemm with Xᵀ as A, W as B)
 *   Y[m][p·stride − pad + t·dilation] += cols[p][m·T + t]   (when inside the output), after Y = B
 * </pre>
 * The GEMM carries the work (and the threads); the scatter is one pass over {@code cols}. Other
 * spatial ranks, or weights computed at run time, take the reference binding. (simd-kernels has no
 * ConvTranspose kernel yet; this binding composes its GEMM.)
 */
final class FastConvTransposeOps {
    private FastConvTransposeOps() {}

    static Operator convTranspose(OpSetup s) {
        String autoPad = s.getString("auto_pad", "NOTSET");
        int[] kernel = Attrs.ints(s.getLongs("kernel_shape", null));
        int[] pads = Attrs.ints(s.getLongs("pads", null));
        int[] strides = Attrs.ints(s.getLongs("strides", null));
        int[] dilations = Attrs.ints(s.getLongs("dilations", null));
        int[] outputPadding = Attrs.ints(s.getLongs("output_padding", null));
        int[] outputShape = Attrs.ints(s.getLongs("output_shape", null));
        int group = (int) s.getLong("group", 1);
        Tensor w = s.constantInput(1);
        Tensor bias = s.hasInput(2) ? s.constantInput(2) : null;
        if (w == null || w.dtype() != DType.FLOAT32 || w.rank() != 4 || w.size() == 0 || group < 1 || w.dim(0) % group != 0
                || (s.hasInput(2) && (bias == null || bias.dtype() != DType.FLOAT32))) {
            return null;
        }
        Operator reference = ConvOps.convTranspose(s);
        int cin = w.dim(0), cPerG = cin / group, cols = w.dim(1) * w.dim(2) * w.dim(3);
        PackedB[] packed = new PackedB[group];
        for (int g = 0; g < group; g++) {
            packed[g] = PackedWeights.of(w.floats(), g * cPerG * cols, cPerG, cols, cols, false);
        }
        return (in, ctx) -> {
            Tensor x = LinearOps.float32(in[0], "ConvTranspose X");
            if (x.rank() != 4) {
                return reference.run(in, ctx);
            }
            ConvTransposeShape shape = ConvTransposeShape.fromOnnx(x.shape(), w.shape(), bias == null ? null : bias.shape(), autoPad,
                    kernel, pads, strides, dilations, outputPadding, outputShape, group);
            int[] outShape = shape.outputShape();
            float[] y = ctx.floats(Tensor.checkedSize(outShape));
            int pixels = shape.inSpatialSize(), outPlane = shape.outSpatialSize(), mPerG = shape.outChannelsPerGroup();
            int m = shape.outChannels();
            for (int n = 0; n < shape.batch(); n++) {
                for (int c = 0; c < m; c++) {
                    Arrays.fill(y, (n * m + c) * outPlane, (n * m + c + 1) * outPlane, bias == null ? 0f : bias.floats()[c]);
                }
            }
            if (pixels == 0 || shape.batch() == 0) {
                return new Tensor[] {Tensor.of(y, outShape)};
            }
            float[] colBuf = ctx.floats(Math.multiplyExact(pixels, cols));
            float[] xv = x.floats();
            for (int n = 0; n < shape.batch(); n++) {
                for (int g = 0; g < group; g++) {
                    int xOff = (n * shape.inChannels() + g * cPerG) * pixels;
                    PackedGemm.gemm(pixels, cols, cPerG, xv, xOff, pixels, true, 1f, packed[g], colBuf, 0, cols, 0f, Epilogue.NONE,
                            ctx.parallel());
                    scatter(shape, colBuf, y, (n * m + g * mPerG) * outPlane, mPerG);
                }
            }
            ctx.giveBack(colBuf);
            return new Tensor[] {Tensor.of(y, outShape)};
        };
    }

    /** Adds {@code cols[p][mg·T + t]} to the output plane of channel mg at the position pixel p reaches through tap t. */
    private static void scatter(ConvTransposeShape s, float[] cols, float[] y, int yOff, int mPerG) {
        int[] in = s.inSpatial(), out = s.outSpatial(), k = s.kernel(), st = s.strides(), d = s.dilations(), pb = s.padsBegin();
        int ih = in[0], iw = in[1], oh = out[0], ow = out[1], kh = k[0], kw = k[1], taps = kh * kw, width = mPerG * taps;
        int outPlane = oh * ow;
        for (int py = 0; py < ih; py++) {
            for (int px = 0; px < iw; px++) {
                int row = (py * iw + px) * width;
                for (int ty = 0; ty < kh; ty++) {
                    int oy = py * st[0] - pb[0] + ty * d[0];
                    if (oy < 0 || oy >= oh) {
                        continue;
                    }
                    for (int tx = 0; tx < kw; tx++) {
                        int ox = px * st[1] - pb[1] + tx * d[1];
                        if (ox < 0 || ox >= ow) {
                            continue;
                        }
                        int at = yOff + oy * ow + ox, t = ty * kw + tx;
                        for (int mg = 0; mg < mPerG; mg++) {
                            y[at + mg * outPlane] += cols[row + mg * taps + t];
                        }
                    }
                }
            }
        }
    }
}
