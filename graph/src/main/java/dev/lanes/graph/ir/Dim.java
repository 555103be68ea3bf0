package dev.lanes.graph.ir;

/**
 * One dimension of a {@link ValueInfo}: a fixed size, a named symbol ("batch", "sequence") shared by
 * every value that has the same symbol, or unknown.
 */
public record Dim(long value, String symbol) {
    public static final Dim UNKNOWN = new Dim(-1, null);

    public static Dim of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("dimension " + value + " is negative");
        }
        return new Dim(value, null);
    }

    public static Dim symbol(String name) {
        return new Dim(-1, name);
    }

    public boolean isFixed() {
        return value >= 0;
    }

    public boolean isSymbolic() {
        return symbol != null;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(value) : symbol != null ? symbol : "?";
    }
}
