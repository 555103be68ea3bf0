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

    /**
     * The operators' check of an input or output: {@code a[off, off + n)} must lie inside {@code a}; messages name the op,
     * the array and, when it is too short, the operator ({@code operand}'s string). Nothing is built unless it throws:
     * these checks run on every call of a model's layers, inside the code C2 compiles around them.
     */
    static void operatorRange(String op, String what, float[] a, int off, long n, Object operand) {
        if (a == null) throw new NullPointerException(op + " " + what);
        if (off < 0 || off + n > a.length) {
            throw new IllegalArgumentException(op + " " + what + " needs " + n + " floats from offset " + off + ", array has "
                    + a.length + " (" + operand + ")");
        }
    }
}
