package dev.lanes.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A local cache of the real models: on first use a model's archive is downloaded (or taken from the
 * local Maven repository), checked against its pinned SHA-256, and the model file extracted, again
 * checked. Files appear in the cache only whole (written to a temporary name, then moved), so an
 * interrupted fetch never leaves a broken model behind, and two processes may fetch at once.
 *
 * <p>The cache folder is {@code $LANES_CACHE}, else {@code ~/.cache/lanes}; the models go to its
 * {@code models/} folder.
 */
public final class ModelStore {
    private static final System.Logger LOG = System.getLogger(ModelStore.class.getName());

    private final Path dir;

    public ModelStore(Path dir) {
        this.dir = dir;
    }

    /** The store in the standard cache folder. */
    public static ModelStore standard() {
        String env = System.getenv("LANES_CACHE");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "lanes");
        return new ModelStore(base.resolve("models"));
    }

    public Path directory() {
        return dir;
    }

    /** The model's file, fetched first if it is not in the cache yet. */
    public Path path(KnownModel model) {
        Path target = dir.resolve(model.fileName());
        if (Files.isRegularFile(target)) return target;
        try {
            Files.createDirectories(dir);
            Path archive = archive(model.archive);
            extract(archive, model, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not fetch the model " + model + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path archive(ModelArchive archive) throws IOException {
        Path cached = dir.resolve(archive.fileName());
        if (Files.isRegularFile(cached) && Files.size(cached) == archive.size) return cached;
        Path maven = archive.localMavenCopy();
        if (maven != null && Files.isRegularFile(maven) && sha256(maven).equals(archive.sha256)) return maven;
        download(archive, cached);
        return cached;
    }

    private void download(ModelArchive archive, Path target) throws IOException {
        String url = archive.url();
        System.err.printf("lanes: fetching %s (%.0f MB) from %s%n", archive.fileName(), archive.size / 1e6, url);
        Path tmp = Files.createTempFile(dir, archive.fileName(), ".part");
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET().build();
            HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(tmp));
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + url);
            }
            String got = sha256(tmp);
            if (!got.equals(archive.sha256)) {
                throw new IOException("the download from " + url + " has SHA-256 " + got + ", expected " + archive.sha256);
            }
            moveIntoPlace(tmp, target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void extract(Path archivePath, KnownModel model, Path target) throws IOException {
        Path tmp = Files.createTempFile(dir, model.fileName(), ".part");
        try {
            boolean found;
            try (InputStream in = Files.newInputStream(archivePath)) {
                found = model.archive.kind == ModelArchive.Kind.ZIP ? copyZipEntry(in, model.entry, tmp) : copyTarEntry(in, model.entry, tmp);
            }
            if (!found) throw new IOException(archivePath + " has no entry " + model.entry);
            String got = sha256(tmp);
            if (!got.equals(model.sha256)) {
                throw new IOException(model.entry + " in " + archivePath + " has SHA-256 " + got + ", expected " + model.sha256);
            }
            moveIntoPlace(tmp, target);
            LOG.log(Level.DEBUG, "extracted {0} to {1}", model.entry, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean copyZipEntry(InputStream in, String entry, Path out) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(entry)) {
                    Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean copyTarEntry(InputStream in, String entry, Path out) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (e.getName().equals(entry)) {
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    return true;
                }
            }
        }
        return false;
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
