package dev.lanes.graph.onnx;

import dev.lanes.graph.onnx.proto.Onnx.StringStringEntryProto;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves tensors stored outside the model file ({@code data_location = EXTERNAL}): each side file
 * is memory-mapped once, read-only, and the tensor's {@code offset}/{@code length} range is checked
 * against the file's size before any array is allocated. Locations must stay inside the model's
 * directory (no absolute paths, no {@code ..} escapes).
 */
public final class ExternalData implements AutoCloseable {
    private final Path baseDir;
    private final Map<Path, MappedByteBuffer> mapped = new HashMap<>();

    public ExternalData(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    /** The bytes of {@code p}'s data, exactly {@code expectedBytes} long. */
    public synchronized ByteBuffer read(TensorProto p, long expectedBytes) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(p, "offset", e.getValue());
                case "length" -> length = parseLong(p, "length", e.getValue());
                default -> { } // "checksum" and future keys are advisory
            }
        }
        if (location == null || location.isEmpty()) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': external data without a 'location'");
        }
        Path file = baseDir.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || !file.startsWith(baseDir)) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': external data location '" + location
                    + "' is outside the model directory " + baseDir);
        }
        if (length < 0) {
            length = expectedBytes;
        }
        if (length != expectedBytes) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': external data length " + length
                    + " does not match its shape, which needs " + expectedBytes + " bytes");
        }
        MappedByteBuffer buf = map(p, file);
        if (offset < 0 || offset > buf.capacity() || length > buf.capacity() - offset) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': external data range [" + offset + ", "
                    + (offset + length) + ") lies outside " + location + " (" + buf.capacity() + " bytes)");
        }
        return buf.slice((int) offset, (int) length);
    }

    private MappedByteBuffer map(TensorProto p, Path file) {
        MappedByteBuffer buf = mapped.get(file);
        if (buf != null) {
            return buf;
        }
        if (!Files.isRegularFile(file)) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': external data file " + file + " not found");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new OnnxFormatException("external data file " + file + " is larger than 2 GiB; not supported");
            }
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map external data file " + file, e);
        }
        mapped.put(file, buf);
        return buf;
    }

    private static long parseLong(TensorProto p, String key, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': external data " + key + " '" + v + "' is not a number");
        }
    }

    /** Drops the mappings (the OS unmaps them when they are collected). */
    @Override
    public synchronized void close() {
        mapped.clear();
    }
}
