package dev.lanes.graph.exec;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.ValueInfo;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Plans the memory of a compiled plan's intermediates: liveness from the schedule (a value dies after
 * its last reader, as the executor releases it), then the {@link BufferArena}'s policy replayed on the
 * inferred sizes — a value takes a free buffer of its exact size or a new one; a view (Reshape,
 * Flatten, Squeeze, Unsqueeze, Identity, Dropout) shares its input's buffer, which lives until the
 * last of them dies; an in-place step ({@link InPlaceOperator}) frees its dying inputs before taking
 * its output. Graph inputs belong to the caller and constants to the session: neither is counted;
 * graph outputs are (the caller keeps their buffers).
 */
public final class MemoryPlanner {
    private MemoryPlanner() {}

    private static final Set<String> VIEWS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout");

    public static MemoryPlan plan(ExecutionPlan p) {
        Graph g = p.graph();
        int slots = p.slotCount();
        long[] size = new long[slots];
        boolean[] external = new boolean[slots];
        p.constants().keySet().forEach(s -> external[s] = true);
        for (int s : p.inputSlots()) {
            external[s] = true;
        }
        for (int s : p.outerSlots()) {
            external[s] = true;
        }
        int[] buffer = new int[slots];            // the buffer a slot's value lives in, -1 for none
        java.util.Arrays.fill(buffer, -1);
        Map<Integer, Long> bufferSize = new HashMap<>();
        Map<Integer, Integer> holders = new HashMap<>(); // buffer → slots holding it
        Map<Long, ArrayDeque<Integer>> free = new HashMap<>();
        long arena = 0, live = 0, peakLive = 0, unshared = 0;
        int buffers = 0, inPlace = 0, unknown = 0;
        for (ExecutionPlan.Step step : p.steps()) {
            Node n = step.node();
            if (step.op() instanceof InPlaceOperator op) {
                boolean any = false;
                int[] inputs = step.inputs();
                for (int i = 0; i < inputs.length; i++) {
                    int s = inputs[i];
                    if (s >= 0 && InPlaceOperator.mayOverwriteSlot(op, inputs, i) && contains(step.release(), s) && buffer[s] >= 0) {
                        live -= release(s, buffer, holders, bufferSize, free);
                        any = true;
                    }
                }
                inPlace += any ? 1 : 0;
            }
            boolean view = n.domain().isEmpty() && VIEWS.contains(n.opType());
            for (int i = 0; i < step.outputs().length; i++) {
                int s = step.outputs()[i];
                if (s < 0) {
                    continue;
                }
                if (view && i == 0 && step.inputs().length > 0 && step.inputs()[0] >= 0 && buffer[step.inputs()[0]] >= 0) {
                    int b = buffer[step.inputs()[0]];
                    buffer[s] = b;
                    holders.merge(b, 1, Integer::sum);
                    continue;
                }
                long bytes = bytes(g.info(n.outputs().get(i)));
                if (bytes < 0) {
                    unknown++;
                    continue;
                }
                unshared += bytes;
                ArrayDeque<Integer> q = free.get(bytes);
                Integer b = q == null ? null : q.pollLast();
                if (b == null) {
                    b = buffers++;
                    bufferSize.put(b, bytes);
                    arena += bytes;
                }
                buffer[s] = b;
                holders.merge(b, 1, Integer::sum);
                live += bytes;
            }
            peakLive = Math.max(peakLive, live);
            for (int r : step.release()) {
                if (buffer[r] >= 0 && !external[r]) {
                    live -= release(r, buffer, holders, bufferSize, free);
                }
            }
        }
        return new MemoryPlan(arena, peakLive, unshared, buffers, inPlace, unknown);
    }

    /** Drops a slot's hold on its buffer; returns the bytes freed (0 while another slot holds it). */
    private static long release(int slot, int[] buffer, Map<Integer, Integer> holders, Map<Integer, Long> bufferSize,
                                Map<Long, ArrayDeque<Integer>> free) {
        int b = buffer[slot];
        buffer[slot] = -1;
        int left = holders.merge(b, -1, Integer::sum);
        if (left > 0) {
            return 0;
        }
        long bytes = bufferSize.get(b);
        free.computeIfAbsent(bytes, k -> new ArrayDeque<>()).addLast(b);
        return bytes;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Bytes of a value whose type and dims are all known, else -1. */
    static long bytes(ValueInfo v) {
        int[] s = v.fixedShape();
        if (s == null || v.dtype() == null) {
            return -1;
        }
        long n = v.dtype().byteSize();
        for (int d : s) {
            n *= d;
        }
        return n;
    }
}
