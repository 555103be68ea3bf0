package dev.lanes.models;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's shared data folder is (the conformance data and the real models' reference
 * outputs): the system property {@code lanes.shared}, else {@code $LANES_SHARED}, else the first
 * {@code shared/} found beside the working folder or one of its parents.
 */
public final class SharedData {
    private SharedData() {}

    public static Path dir() {
        String prop = System.getProperty("lanes.shared");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("LANES_SHARED");
        if (env != null && !env.isBlank()) return Path.of(env);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared");
            if (Files.isDirectory(candidate.resolve("models"))) return candidate;
        }
        throw new IllegalStateException("cannot find the shared data folder: set -Dlanes.shared=PATH or LANES_SHARED");
    }

    public static Path modelsDir() {
        return dir().resolve("models");
    }
}
