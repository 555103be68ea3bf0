package dev.lanes.models.vision;

/**
 * Labels the 8-connected components of a binary map (two passes with union-find), the connectivity
 * OpenCV's contour tracing gives a foreground region.
 */
public final class ConnectedComponents {
    private final int[] labels;
    private final int count;

    private ConnectedComponents(int[] labels, int count) {
        this.labels = labels;
        this.count = count;
    }

    /** Component labels {@code 1..count()} per pixel, 0 for background. */
    public int[] labels() {
        return labels;
    }

    public int count() {
        return count;
    }

    public static ConnectedComponents label(boolean[] on, int width, int height) {
        if (on.length != (long) width * height) throw new IllegalArgumentException("map of " + width + "x" + height + " needs " + (long) width * height + " cells");
        int[] labels = new int[on.length];
        int[] parent = new int[on.length / 2 + 2];
        int next = 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (!on[i]) continue;
                int l = 0;
                // already-visited 8-neighbours: left, up-left, up, up-right
                if (x > 0) l = join(parent, l, labels[i - 1]);
                if (y > 0) {
                    int up = i - width;
                    if (x > 0) l = join(parent, l, labels[up - 1]);
                    l = join(parent, l, labels[up]);
                    if (x < width - 1) l = join(parent, l, labels[up + 1]);
                }
                if (l == 0) {
                    if (next == parent.length) parent = java.util.Arrays.copyOf(parent, parent.length * 2);
                    parent[next] = next;
                    l = next++;
                }
                labels[i] = l;
            }
        }
        int[] compact = new int[next];
        int count = 0;
        for (int l = 1; l < next; l++) {
            int r = find(parent, l);
            if (compact[r] == 0) compact[r] = ++count;
            compact[l] = compact[r];
        }
        for (int i = 0; i < labels.length; i++) if (labels[i] != 0) labels[i] = compact[labels[i]];
        return new ConnectedComponents(labels, count);
    }

    private static int join(int[] parent, int current, int neighbour) {
        if (neighbour == 0) return current;
        int b = find(parent, neighbour);
        if (current == 0) return b;
        int a = find(parent, current);
        if (a == b) return a;
        int root = Math.min(a, b);
        parent[Math.max(a, b)] = root;
        return root;
    }

    private static int find(int[] parent, int l) {
        while (parent[l] != l) {
            parent[l] = parent[parent[l]];
            l = parent[l];
        }
        return l;
    }
}
