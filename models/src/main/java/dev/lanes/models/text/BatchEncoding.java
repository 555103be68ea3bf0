package dev.lanes.models.text;

/**
 * A batch of encodings padded to one length, laid out as BERT's three int64 inputs, each
 * row-major {@code [batch, length]}.
 *
 * @param batch         number of texts
 * @param length        padded sequence length
 * @param inputIds      token ids, padding with the pad id
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds  segment ids (0 for single texts)
 */
public record BatchEncoding(int batch, int length, long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {
    public BatchEncoding {
        int n = Math.multiplyExact(batch, length);
        if (inputIds.length != n || attentionMask.length != n || tokenTypeIds.length != n) {
            throw new IllegalArgumentException("a batch of " + batch + " x " + length + " needs " + n + " ids, mask and types");
        }
    }

    /** The shape {@code [batch, length]} of each of the three inputs. */
    public long[] shape() {
        return new long[] {batch, length};
    }

    /** How many real (unpadded) tokens text {@code b} has. */
    public int realTokens(int b) {
        int n = 0;
        for (int s = 0; s < length; s++) n += (int) attentionMask[b * length + s];
        return n;
    }
}
