package dev.lanes.graph;

import java.util.Locale;

/**
 * The weight bytes a {@link Session} holds (see {@link Session#weightMemory}).
 *
 * @param rawBytes       constants held with their values (counted once however many plans share them)
 * @param rawConstants   how many such constants
 * @param packedBytes    packed forms of the MatMul / Gemm weights (GEMM panels) and the convolution weights' holders
 * @param packedConstants constants with a packed form
 * @param standIns       constants whose raw values are not in memory (held packed only, or read again
 *                       from the model file on demand)
 */
public record WeightMemory(long rawBytes, int rawConstants, long packedBytes, int packedConstants, int standIns) {
    public long totalBytes() {
        return rawBytes + packedBytes;
    }

    /** One line, e.g. {@code 101.2 MB (raw 12.0 MB in 40 constants + packed 89.2 MB of 36; 36 without raw values)}. */
    public String describe() {
        return String.format(Locale.ROOT, "%.1f MB (raw %.1f MB in %d constants + packed %.1f MB of %d; %d without raw values)",
                totalBytes() / 1e6, rawBytes / 1e6, rawConstants, packedBytes / 1e6, packedConstants, standIns);
    }
}
