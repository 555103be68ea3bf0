package dev.lanes.models.cli;

import java.util.Locale;

/** Text layouts shared by the subcommands. */
final class Format {
    private Format() {}

    static String clip(String s, int max) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }

    /** Keeps the end of a long name (the distinctive part of a node path). */
    static String clipLeft(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - (max - 3));
    }

    /** {@code [0.0123, -0.0456, ...] (384 dims)} */
    static String vectorHead(float[] v, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, v.length); i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.4f", v[i]));
        if (v.length > n) sb.append(", ...");
        return sb.append("] (").append(v.length).append(" dims)").toString();
    }

    /** A square matrix with 1-based row and column labels. */
    static String similarityMatrix(float[][] m) {
        StringBuilder sb = new StringBuilder("cosine similarity\n      ");
        for (int j = 0; j < m.length; j++) sb.append(String.format(Locale.ROOT, "%7s", "[" + (j + 1) + "]"));
        sb.append('\n');
        for (int i = 0; i < m.length; i++) {
            sb.append(String.format(Locale.ROOT, "%6s", "[" + (i + 1) + "]"));
            for (int j = 0; j < m.length; j++) sb.append(String.format(Locale.ROOT, "%7.3f", m[i][j]));
            sb.append('\n');
        }
        return sb.toString();
    }
}
