package dev.lanes.models.text;

/**
 * How a batch is padded: to a fixed length, or to its longest text.
 *
 * @param fixedLength the length to pad to, or 0 for the batch's longest
 * @param padId       the id written into padded positions
 * @param padTypeId   the token type written into padded positions
 */
public record Padding(int fixedLength, int padId, int padTypeId) {
    public Padding {
        if (fixedLength < 0) throw new IllegalArgumentException("padding length must be >= 0, got " + fixedLength);
    }

    public static Padding longest(int padId) {
        return new Padding(0, padId, 0);
    }

    public static Padding fixed(int length, int padId) {
        if (length < 1) throw new IllegalArgumentException("fixed padding length must be >= 1, got " + length);
        return new Padding(length, padId, 0);
    }

    public boolean isFixed() {
        return fixedLength > 0;
    }
}
