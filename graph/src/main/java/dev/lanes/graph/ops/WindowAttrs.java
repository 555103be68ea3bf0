package dev.lanes.graph.ops;

import dev.lanes.graph.exec.OpSetup;
import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.PoolShape;

/**
 * The sliding-window attributes of Conv, ConvTranspose and the pools, read once when a binding is
 * prepared (so the reference and the fast bindings read exactly the same set) and resolved against
 * the input dims of each run by the reference shape records.
 */
final class WindowAttrs {
    private WindowAttrs() {}

    /** Conv (and lanes FusedConv): auto_pad, kernel_shape, pads, strides, dilations, group. */
    record Conv(String autoPad, int[] kernel, int[] pads, int[] strides, int[] dilations, int group) {
        /** Every attribute at its default: with a 1x1 W, a pointwise convolution. */
        static final Conv DEFAULTS = new Conv("NOTSET", null, null, null, null, 1);

        static Conv read(OpSetup s) {
            return read(s, "");
        }

        /** The attributes named with {@code prefix} (a fused node that holds two convolutions names one of them so). */
        static Conv read(OpSetup s, String prefix) {
            return new Conv(s.getString(prefix + "auto_pad", "NOTSET"), Attrs.ints(s.getLongs(prefix + "kernel_shape", null)),
                    Attrs.ints(s.getLongs(prefix + "pads", null)), Attrs.ints(s.getLongs(prefix + "strides", null)),
                    Attrs.ints(s.getLongs(prefix + "dilations", null)), (int) s.getLong(prefix + "group", 1));
        }

        ConvShape shape(int[] x, int[] w, int[] bias) {
            return ConvShape.fromOnnx(x, w, bias, autoPad, kernel, pads, strides, dilations, group);
        }
    }

    /** ConvTranspose: Conv's attributes plus output_padding and output_shape. */
    record ConvTranspose(Conv conv, int[] outputPadding, int[] outputShape) {
        static ConvTranspose read(OpSetup s) {
            return new ConvTranspose(Conv.read(s), Attrs.ints(s.getLongs("output_padding", null)),
                    Attrs.ints(s.getLongs("output_shape", null)));
        }

        ConvTransposeShape shape(int[] x, int[] w, int[] bias) {
            return ConvTransposeShape.fromOnnx(x, w, bias, conv.autoPad(), conv.kernel(), conv.pads(), conv.strides(),
                    conv.dilations(), outputPadding, outputShape, conv.group());
        }
    }

    /** MaxPool / AveragePool: the window, ceil_mode, count_include_pad, storage_order, and whether MaxPool's indices are asked for. */
    record Pool(PoolShape.Mode mode, String autoPad, int[] kernel, int[] pads, int[] strides, int[] dilations, boolean ceil,
                boolean countPad, int storageOrder, boolean indices) {
        static Pool read(OpSetup s, PoolShape.Mode mode) {
            return read(s, mode, "");
        }

        /** The attributes named with {@code prefix} (a fused node that holds a convolution and its pool names the pool's so). */
        static Pool read(OpSetup s, PoolShape.Mode mode, String prefix) {
            boolean max = mode == PoolShape.Mode.MAX;
            return new Pool(mode, s.getString(prefix + "auto_pad", "NOTSET"), Attrs.ints(s.getLongs(prefix + "kernel_shape", null)),
                    Attrs.ints(s.getLongs(prefix + "pads", null)), Attrs.ints(s.getLongs(prefix + "strides", null)),
                    Attrs.ints(s.getLongs(prefix + "dilations", null)), s.getLong(prefix + "ceil_mode", 0) != 0,
                    !max && s.getLong(prefix + "count_include_pad", 0) != 0, max ? (int) s.getLong(prefix + "storage_order", 0) : 0,
                    max && prefix.isEmpty() && s.hasOutput(1));
        }

        PoolShape shape(int[] x) {
            return PoolShape.fromOnnx(mode, x, autoPad, kernel, pads, strides, dilations, ceil, countPad, storageOrder);
        }
    }
}
