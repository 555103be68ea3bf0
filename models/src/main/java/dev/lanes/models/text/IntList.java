package dev.lanes.models.text;

import java.util.Arrays;

/** A growable list of ints (token ids), without boxing. */
public final class IntList {
    private int[] data = new int[16];
    private int size;

    public void add(int v) {
        if (size == data.length) data = Arrays.copyOf(data, size * 2);
        data[size++] = v;
    }

    public int get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i + " of " + size);
        return data[i];
    }

    public int size() {
        return size;
    }

    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) throw new IndexOutOfBoundsException(newSize + " of " + size);
        size = newSize;
    }

    public int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
