package dev.lanes.reference;

/**
 * What Conv, ConvTranspose and the pools share: a window of {@code kernel} taps, spaced by
 * {@code dilations}, moved by {@code strides} over a padded input of {@code inSpatial} positions per
 * axis. Arrays are per spatial axis, outermost first; accessors return copies.
 */
public interface SlidingWindow {
    int[] inSpatial();

    int[] kernel();

    int[] padsBegin();

    int[] padsEnd();

    int[] strides();

    int[] dilations();

    /** Output positions per axis. */
    int[] outSpatial();

    default int spatialRank() {
        return inSpatial().length;
    }

    /** Elements of one input plane ({@code prod(in)}). */
    default int inSpatialSize() {
        return Dims.size(inSpatial());
    }

    /** Elements of one output plane ({@code prod(out)}). */
    default int outSpatialSize() {
        return Dims.size(outSpatial());
    }

    /** Taps of the window ({@code prod(kernel)}). */
    default int kernelSize() {
        return Dims.size(kernel());
    }
}
