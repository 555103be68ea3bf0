package dev.lanes.graph.ops;

/** Conversions of attribute values to the int forms the kernel records take. */
final class Attrs {
    private Attrs() {}

    static int[] ints(long[] v) {
        if (v == null) {
            return null;
        }
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("attribute value " + v[i] + " is out of range");
            }
            r[i] = (int) v[i];
        }
        return r;
    }
}
