package dev.lanes.graph.exec;

/**
 * Prepares an {@link Operator} for one node. Called at session creation: it reads every attribute it
 * understands through {@link OpSetup} (an attribute left unread is reported as unsupported), rejects
 * values it cannot handle with {@link OpSetup#unsupported}, and may look at constant inputs.
 * A fast binding may return {@code null} to say "not for this node"; the reference binding is then used.
 */
@FunctionalInterface
public interface OpFactory {
    Operator create(OpSetup setup);
}
