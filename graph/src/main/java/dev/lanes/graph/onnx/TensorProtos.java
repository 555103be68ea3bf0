package dev.lanes.graph.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Converts between ONNX {@code TensorProto} messages and {@link Tensor}s.
 *
 * <p>Decoding checks the declared element count against the bytes actually present (raw_data, the
 * typed repeated fields, or the external file range) before it allocates anything, so a tiny hostile
 * file that declares a 2^40-element tensor is rejected with a message instead of an OutOfMemoryError.
 * Encoding always writes {@code raw_data} (little-endian), which every ONNX runtime reads.
 */
public final class TensorProtos {
    private TensorProtos() {}

    /** Reads one serialized TensorProto (an ONNX test-data {@code .pb} file). */
    public static Tensor read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return fromProto(parse(in, file.toString()), null);
        }
    }

    /** Parses one serialized TensorProto; {@code what} names the source in errors. */
    public static TensorProto parse(InputStream in, String what) throws IOException {
        try {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            return TensorProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException("not a valid ONNX TensorProto: " + what + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code t} as a serialized TensorProto named {@code name}. */
    public static void write(Tensor t, String name, Path file) throws IOException {
        Files.write(file, toProto(name, t).toByteArray());
    }

    /** The shape of a TensorProto as int dims, validated (non-negative, element count within a Java array). */
    public static int[] shapeOf(TensorProto p) {
        int[] dims = new int[p.getDimsCount()];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            long d = p.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new OnnxFormatException("tensor '" + p.getName() + "': dimension " + i + " is " + d);
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new OnnxFormatException("tensor '" + p.getName() + "': shape " + p.getDimsList()
                        + " has more than 2^31 elements, too large for this runtime");
            }
            dims[i] = (int) d;
        }
        return dims;
    }

    /**
     * Decodes {@code p}. {@code external} resolves {@code data_location = EXTERNAL}; when null such a
     * tensor is rejected.
     */
    public static Tensor fromProto(TensorProto p, ExternalData external) {
        DType dtype;
        try {
            dtype = DType.fromOnnx(p.getDataType());
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': " + e.getMessage(), e);
        }
        int[] shape = shapeOf(p);
        int n = Tensor.checkedSize(shape);
        long wantBytes = (long) n * dtype.byteSize();
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            if (external == null) {
                throw new OnnxFormatException("tensor '" + p.getName()
                        + "' keeps its data in an external file, but no model directory is known (load the model from a Path)");
            }
            ByteBuffer bytes = external.read(p, wantBytes);
            return fromLittleEndian(dtype, shape, n, bytes);
        }
        if (!p.getRawData().isEmpty() || n == 0 && typedCount(p, dtype) == 0) {
            if (p.getRawData().size() != wantBytes) {
                throw new OnnxFormatException("tensor '" + p.getName() + "': shape " + Arrays.toString(shape) + " of "
                        + dtype + " needs " + wantBytes + " bytes of raw_data, found " + p.getRawData().size());
            }
            return fromLittleEndian(dtype, shape, n, p.getRawData().asReadOnlyByteBuffer());
        }
        int have = typedCount(p, dtype);
        if (have != n) {
            throw new OnnxFormatException("tensor '" + p.getName() + "': shape " + Arrays.toString(shape) + " needs " + n
                    + " elements, the file holds " + have + " in " + typedFieldName(dtype));
        }
        return switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = p.getFloatData(i);
                }
                yield Tensor.of(a, shape);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = p.getDoubleData(i);
                }
                yield Tensor.ofDoubles(a, shape);
            }
            case INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = p.getInt64Data(i);
                }
                yield Tensor.ofLongs(a, shape);
            }
            case INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = p.getInt32Data(i);
                }
                yield Tensor.ofInts(a, shape);
            }
            case UINT8, INT8, BOOL -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) p.getInt32Data(i);
                }
                yield Tensor.ofBytes(dtype, a, shape);
            }
            case FLOAT16, BFLOAT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) p.getInt32Data(i);
                }
                yield Tensor.ofHalfBits(dtype, a, shape);
            }
        };
    }

    private static int typedCount(TensorProto p, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> p.getFloatDataCount();
            case FLOAT64 -> p.getDoubleDataCount();
            case INT64 -> p.getInt64DataCount();
            default -> p.getInt32DataCount();
        };
    }

    private static String typedFieldName(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "float_data";
            case FLOAT64 -> "double_data";
            case INT64 -> "int64_data";
            default -> "int32_data";
        };
    }

    /** Decodes {@code n} little-endian elements from {@code buf} (position to limit). */
    static Tensor fromLittleEndian(DType dtype, int[] shape, int n, ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                b.asFloatBuffer().get(a);
                yield Tensor.of(a, shape);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                b.asDoubleBuffer().get(a);
                yield Tensor.ofDoubles(a, shape);
            }
            case INT64 -> {
                long[] a = new long[n];
                b.asLongBuffer().get(a);
                yield Tensor.ofLongs(a, shape);
            }
            case INT32 -> {
                int[] a = new int[n];
                b.asIntBuffer().get(a);
                yield Tensor.ofInts(a, shape);
            }
            case UINT8, INT8, BOOL -> {
                byte[] a = new byte[n];
                b.get(a);
                if (dtype == DType.BOOL) {
                    for (int i = 0; i < n; i++) {
                        a[i] = (byte) (a[i] != 0 ? 1 : 0);
                    }
                }
                yield Tensor.ofBytes(dtype, a, shape);
            }
            case FLOAT16, BFLOAT16 -> {
                short[] a = new short[n];
                b.asShortBuffer().get(a);
                yield Tensor.ofHalfBits(dtype, a, shape);
            }
        };
    }

    /** Encodes {@code t} as a TensorProto with {@code raw_data}. */
    public static TensorProto toProto(String name, Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name == null ? "" : name).setDataType(t.dtype().onnxCode());
        for (int d : t.shape()) {
            b.addDims(d);
        }
        b.setRawData(ByteString.copyFrom(toLittleEndian(t)));
        return b.build();
    }

    /** The elements of {@code t} in ONNX's little-endian raw encoding. */
    public static ByteBuffer toLittleEndian(Tensor t) {
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(n, t.dtype().byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.floats());
            case FLOAT64 -> b.asDoubleBuffer().put(t.doubles());
            case INT64 -> b.asLongBuffer().put(t.longs());
            case INT32 -> b.asIntBuffer().put(t.ints());
            case UINT8, INT8, BOOL -> b.put(t.bytes());
            case FLOAT16, BFLOAT16 -> b.asShortBuffer().put(t.halfBits());
        }
        b.rewind();
        return b;
    }
}
