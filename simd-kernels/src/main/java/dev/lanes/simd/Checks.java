package dev.lanes.simd;

import java.util.Objects;

/** Argument checks shared by the element-wise, normalisation and reduction kernels: messages name the op and the input. */
final class Checks {
    private Checks() {}

    /** {@code a[off, off + n)} must lie inside {@code a}. */
    static void range(String op, String what, float[] a, int off, int n) {
        Objects.requireNonNull(a, () -> op + ": " + what + " is null");
        if (off < 0 || n < 0 || (long) off + n > a.length) {
            throw new IllegalArgumentException(op + ": " + what + " needs " + n + " elements from offset " + off
                    + ", its array has " + a.length);
        }
    }

    /** {@code a[off, off + n)} must lie inside {@code a}. */
    static void range(String op, String what, boolean[] a, int off, int n) {
        Objects.requireNonNull(a, () -> op + ": " + what + " is null");
        if (off < 0 || n < 0 || (long) off + n > a.length) {
            throw new IllegalArgumentException(op + ": " + what + " needs " + n + " elements from offset " + off
                    + ", its array has " + a.length);
        }
    }
}
