package dev.lanes.models.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on standard error, redrawn in place ({@code \r}). Drawn only when a terminal
 * is attached, so that logs and pipes stay clean; redraws at most every 100 ms.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean enabled;
    private long lastDraw;

    ProgressBar(String label, int total, boolean enabled) {
        this(System.err, label, total, enabled);
    }

    ProgressBar(PrintStream out, String label, int total, boolean enabled) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.enabled = enabled;
    }

    /** Enabled when standard error is probably a terminal. */
    static boolean terminal() {
        return System.console() != null;
    }

    void update(int done) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        out.print('\r' + render(done));
        if (done >= total) out.print("\r" + " ".repeat(render(done).length()) + "\r");
        out.flush();
    }

    String render(int done) {
        int filled = (int) ((long) Math.min(done, total) * WIDTH / total);
        return label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + Math.min(done, total) + "/" + total;
    }
}
