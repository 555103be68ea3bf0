package dev.lanes.graph.io;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1.0–3.0, C order) to and from {@link Tensor}s. The
 * element count declared by the header is checked against the bytes in the file before anything is
 * allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Tensor read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static Tensor parse(byte[] bytes) {
        if (bytes.length < 10) {
            throw new IllegalArgumentException("not a .npy file (too short)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not a .npy file (wrong magic)");
            }
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException("truncated .npy header");
            }
            headerLen = b.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new IllegalArgumentException("unsupported .npy version " + major);
        }
        if (start + headerLen > bytes.length) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        String header = new String(bytes, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException("malformed .npy header: " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new IllegalArgumentException("Fortran-ordered .npy arrays are not supported; save with C order");
        }
        DType dtype = dtype(d.group(1));
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                long v = Long.parseLong(p.replace("L", ""));
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(".npy dimension " + v + " is out of range");
                }
                dims.add((int) v);
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int n = Tensor.checkedSize(shape);
        int dataStart = (int) (start + headerLen);
        long need = (long) n * dtype.byteSize();
        if (bytes.length - dataStart != need) {
            throw new IllegalArgumentException(".npy shape " + dims + " of " + dtype + " needs " + need + " data bytes, the file has "
                    + (bytes.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = Tensor.zeros(dtype, shape);
        switch (dtype) {
            case FLOAT32 -> data.asFloatBuffer().get(t.floats());
            case FLOAT64 -> data.asDoubleBuffer().get(t.doubles());
            case INT64 -> data.asLongBuffer().get(t.longs());
            case INT32 -> data.asIntBuffer().get(t.ints());
            case UINT8, INT8, BOOL -> data.get(t.bytes());
            case FLOAT16, BFLOAT16 -> data.asShortBuffer().get(t.halfBits());
        }
        return t;
    }

    private static DType dtype(String descr) {
        if (descr.length() >= 2 && descr.charAt(0) == '>' && !descr.endsWith("1")) {
            throw new IllegalArgumentException("big-endian .npy data ('" + descr + "') are not supported");
        }
        return switch (descr.substring(1)) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "f2" -> DType.FLOAT16;
            case "i8" -> DType.INT64;
            case "i4" -> DType.INT32;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "'");
        };
    }

    private static String descr(DType t) {
        return switch (t) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case BFLOAT16 -> throw new IllegalArgumentException(".npy has no bfloat16 type; cast to float32 first");
        };
    }

    public static void write(Tensor t, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(t, out);
        }
    }

    public static void write(Tensor t, OutputStream out) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] sh = t.shape();
        for (int i = 0; i < sh.length; i++) {
            shape.append(sh[i]).append(sh.length == 1 ? "," : i < sh.length - 1 ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + descr(t.dtype()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = MAGIC.length + 4 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (header.length() & 0xff), (byte) (header.length() >>> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = dev.lanes.graph.onnx.TensorProtos.toLittleEndian(t);
        out.write(data.array(), 0, data.limit());
    }
}
