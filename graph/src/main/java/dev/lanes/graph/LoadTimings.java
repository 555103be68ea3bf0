package dev.lanes.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of opening a {@link Session} went, phase by phase in the order they ran: reading the
 * file, parsing the protobuf, importing (decoding the weights into arrays, building the IR), each
 * optimisation pass, and preparing the operators (weight packing, convolution set-up), the last with
 * the time per op type. Read with {@link Session#loadTimings()}; {@code lanes info --timings} prints
 * it.
 *
 * @param phases the phases in order; a phase's {@code parts} (op type → nanoseconds, slowest first)
 *               break it down where that helps (operators are prepared on several threads, so the
 *               parts may add up to more than the phase's wall time)
 */
public record LoadTimings(List<Phase> phases) {
    public LoadTimings {
        phases = List.copyOf(phases);
    }

    /** One phase: a name, its wall time, and its parts (may be empty). */
    public record Phase(String name, long nanos, Map<String, Long> parts) {
        public Phase {
            parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
        }

        public double millis() {
            return nanos / 1e6;
        }
    }

    /** Wall time of all phases. */
    public double totalMillis() {
        long n = 0;
        for (Phase p : phases) {
            n += p.nanos;
        }
        return n / 1e6;
    }

    /** The phase named {@code name}, or null. */
    public Phase phase(String name) {
        for (Phase p : phases) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * One line per phase, phases under 0.5 ms folded into "other"; at most {@code maxParts} parts per
     * phase.
     */
    public String format(int maxParts) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "load %.0f ms%n", totalMillis()));
        long other = 0;
        for (Phase p : phases) {
            if (p.nanos < 500_000) {
                other += p.nanos;
                continue;
            }
            s.append(String.format(Locale.ROOT, "  %-28s %8.1f ms", p.name, p.millis()));
            int shown = 0;
            StringBuilder parts = new StringBuilder();
            for (var e : p.parts.entrySet()) {
                if (shown++ == maxParts) {
                    parts.append(", ...");
                    break;
                }
                parts.append(shown > 1 ? ", " : "").append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e6));
            }
            if (!parts.isEmpty()) {
                s.append("  (").append(parts).append(')');
            }
            s.append(System.lineSeparator());
        }
        if (other > 0) {
            s.append(String.format(Locale.ROOT, "  %-28s %8.1f ms%n", "other (each < 0.5 ms)", other / 1e6));
        }
        return s.toString();
    }

    /**
     * Records phases as laps of one stopwatch: each {@link #lap} ends the phase that began at the
     * previous lap (or at creation). Used on one thread; {@link #addPart} may be called from several.
     */
    public static final class Clock {
        private final List<Phase> phases = new ArrayList<>();
        private final Map<String, Long> parts = new LinkedHashMap<>();
        private long last = System.nanoTime();

        /** Ends the current phase under {@code name} (with the parts added since the previous lap). */
        public void lap(String name) {
            long now = System.nanoTime();
            Map<String, Long> sorted = new LinkedHashMap<>();
            synchronized (parts) {
                if (!parts.isEmpty()) {
                    List<Map.Entry<String, Long>> byTime = new ArrayList<>(parts.entrySet());
                    byTime.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                    byTime.forEach(e -> sorted.put(e.getKey(), e.getValue()));
                    parts.clear();
                }
            }
            phases.add(new Phase(name, now - last, sorted));
            last = now;
        }

        /** Adds {@code nanos} to part {@code name} of the current phase. Thread-safe. */
        public void addPart(String name, long nanos) {
            synchronized (parts) {
                parts.merge(name, nanos, Long::sum);
            }
        }

        /** The phases recorded so far. */
        public LoadTimings timings() {
            return new LoadTimings(phases);
        }
    }
}
