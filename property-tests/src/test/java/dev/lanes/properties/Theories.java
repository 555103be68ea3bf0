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

    public static final int EXAMPLES = Integer.getInteger("lanes.properties.examples", 60);

    public static QuickTheory qt() {
        return qt(EXAMPLES);
    }

    /** A property with its own example count (for expensive shapes), still scaled by the global setting. */
    public static QuickTheory qt(int examples) {
        QuickTheory q = QuickTheory.qt().withExamples(Math.max(1, examples)).withShrinkCycles(200);
        String seed = System.getProperty("lanes.properties.seed");
        return seed == null || seed.isBlank() ? q : q.withFixedSeed(Long.parseLong(seed.trim()));
    }
}
