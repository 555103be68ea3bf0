package dev.lanes.reference;

/**
 * ONNX's {@code auto_pad} attribute of Conv, ConvTranspose and the pools. NOTSET means the explicit
 * {@code pads} are used; SAME_UPPER / SAME_LOWER pad so that the output has {@code ceil(in / stride)}
 * elements (ConvTranspose: {@code in · stride}), the odd pad going to the end (UPPER) or the
 * beginning (LOWER); VALID means no padding.
 */
public enum AutoPad {
    NOTSET, SAME_UPPER, SAME_LOWER, VALID;

    /** Parses the attribute value (null or empty means NOTSET), naming the op when it is unknown. */
    public static AutoPad parse(String op, String value) {
        if (value == null || value.isEmpty()) return NOTSET;
        for (AutoPad p : values()) if (p.name().equals(value)) return p;
        throw new IllegalArgumentException(op + " auto_pad \"" + value + "\" is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }

    public boolean isSame() {
        return this == SAME_UPPER || this == SAME_LOWER;
    }

    /**
     * The pad before the data when {@code total} padding is split this way: SAME_UPPER puts
     * {@code floor(total / 2)} first, every other mode (SAME_LOWER, and ConvTranspose's NOTSET with an
     * output_shape) {@code total - floor(total / 2)}. Floor division, as ONNX's reference computes it,
     * matters for the negative totals a larger ConvTranspose output_shape gives.
     */
    public int begin(int total) {
        int half = Math.floorDiv(total, 2);
        return this == SAME_UPPER ? half : total - half;
    }

    /** The pad after the data when {@code total} padding is split the SAME way. */
    public int end(int total) {
        return total - begin(total);
    }
}
