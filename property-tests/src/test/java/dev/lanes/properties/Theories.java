package dev.lanes.properties;

import org.quicktheories.QuickTheory;

/**
 * The one QuickTheories configuration every property uses.
 *
 * <p>{@code -Dlanes.properties.examples=N} sets how many examples each property tries (CI default
 * keeps the whole suite within minutes); {@code -Dlanes.properties.seed=S} replays a failure —
 * QuickTheories prints the seed of every falsified property, after shrinking it.
 */
public final class Theories {
    private Theories() {}

    /** The CI default; a property's own count is scaled by {@code EXAMPLES / DEFAULT_EXAMPLES}. */
    public static final int DEFAULT_EXAMPLES = 60;
    public static final int EXAMPLES = Integer.getInteger("lanes.properties.examples", DEFAULT_EXAMPLES);

    public static QuickTheory qt() {
        return qt(DEFAULT_EXAMPLES);
    }

    /** A property with its own example count (for expensive shapes), still scaled by the global setting. */
    public static QuickTheory qt(int examples) {
        long scaled = (long) examples * EXAMPLES / DEFAULT_EXAMPLES;
        QuickTheory q = QuickTheory.qt().withExamples((int) Math.max(1, Math.min(Integer.MAX_VALUE, scaled)))
                .withShrinkCycles(200);
        String seed = System.getProperty("lanes.properties.seed");
        return seed == null || seed.isBlank() ? q : q.withFixedSeed(Long.parseLong(seed.trim()));
    }
}
