package dev.lanes.graph;

import java.util.Locale;

/**
 * The weight bytes a {@link Session} holds (see {@link Session#weightMemory}).
 *
 * @param rawBytes        constants held with their values (counted once however many plans share them)
 * @param rawConstants    how many such constants
 * @param keptRawBytes    raw values a weight holder keeps beside its prepared forms, for a constant the plans
 *                        no longer hold (a convolution weight whose only forms, Winograd's, cannot give them back)
 * @param keptRawHolders  how many holders keep raw values
 * @param packedBytes     prepared forms only: the MatMul / Gemm weights' GEMM panels and the convolution weights'
 *                        forms (panels, Winograd-transformed filters)
 * @param packedConstants constants with a packed form (or a weight holder)
 * @param standIns        constants whose raw values are not in the plans (held packed only, kept by their
 *                        holder, or read again from the model file on demand)
 */
public record WeightMemory(long rawBytes, int rawConstants, long keptRawBytes, int keptRawHolders, long packedBytes,
                           int packedConstants, int standIns) {
    public long totalBytes() {
        return rawBytes + keptRawBytes + packedBytes;
    }

    /** Raw values held in all: the constants' and those kept by holders. */
    public long allRawBytes() {
        return rawBytes + keptRawBytes;
    }

    /**
     * One line, e.g. {@code 101.2 MB (raw 12.0 MB in 40 constants + raw 0.5 MB kept by 3 weight holders + packed 88.7 MB
     * of 36; 36 without raw values in the plans)}.
     */
    public String describe() {
        return String.format(Locale.ROOT,
                "%.1f MB (raw %.1f MB in %d constants + raw %.1f MB kept by %d weight holders + packed %.1f MB of %d; %d without raw values in the plans)",
                totalBytes() / 1e6, rawBytes / 1e6, rawConstants, keptRawBytes / 1e6, keptRawHolders, packedBytes / 1e6,
                packedConstants, standIns);
    }
}
