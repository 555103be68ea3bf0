package dev.lanes.models.text;

import java.util.Arrays;

/**
 * One text's token ids with the special tokens around them, before padding.
 *
 * @param ids       token ids, starting with [CLS] and ending with [SEP]
 * @param truncated whether tokens were dropped to fit the maximum length
 */
public record Encoding(int[] ids, boolean truncated) {
    public Encoding {
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    public int length() {
        return ids.length;
    }

    int id(int i) {
        return ids[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && truncated == e.truncated && Arrays.equals(ids, e.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 2 + (truncated ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(ids) + (truncated ? " (truncated)" : "");
    }
}
