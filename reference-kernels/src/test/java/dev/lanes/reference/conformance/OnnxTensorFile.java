package dev.lanes.reference.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decodes an ONNX {@code TensorProto} (a node test's {@code input_N.pb} / {@code output_N.pb}, an
 * initializer, a tensor attribute). Field numbers from onnx.proto3: dims 1, data_type 2, segment 3,
 * float_data 4, int32_data 5, string_data 6, int64_data 7, name 8, raw_data 9, double_data 10,
 * uint64_data 11, data_location 14. Values come either from raw_data (little-endian, fixed width)
 * or from the typed repeated field ONNX assigns to the type.
 */
public final class OnnxTensorFile {
    private OnnxTensorFile() {}

    public static OnnxTensor read(Path file) {
        try {
            return decode(new WireReader(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tensor " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot decode tensor " + file + ": " + e.getMessage(), e);
        }
    }

    public static OnnxTensor decode(WireReader r) {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        DoubleList floatData = new DoubleList(), doubleData = new DoubleList();
        LongList int32Data = new LongList(), int64Data = new LongList(), uint64Data = new LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.varints(dims::add);
                case 2 -> dataType = (int) r.varint();
                case 3 -> throw new IllegalArgumentException("segmented tensors are not supported");
                case 4 -> r.floats(floatData::add);
                case 5 -> r.varints(v -> int32Data.add((int) v)); // int32 is sign-extended on the wire
                case 6 -> throw new IllegalArgumentException("string tensors are not supported");
                case 7 -> r.varints(int64Data::add);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 10 -> r.doubles(doubleData::add);
                case 11 -> r.varints(uint64Data::add);
                case 14 -> {
                    if (r.varint() != 0) throw new IllegalArgumentException("tensor '" + name + "' uses external data");
                }
                default -> r.skip();
            }
        }
        OnnxDataType type = OnnxDataType.of(dataType);
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor '" + name + "' has dimension " + d);
            shape[i] = (int) d;
        }
        return raw != null ? fromRaw(name, type, shape, raw) : fromTyped(name, type, shape, floatData, doubleData, int32Data, int64Data, uint64Data);
    }

    private static OnnxTensor fromRaw(String name, OnnxDataType type, int[] dims, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int width = switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case UINT8, INT8, BOOL -> 1;
            case STRING -> throw new IllegalArgumentException("string tensors are not supported");
        };
        if (raw.length % width != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' " + type + " raw_data of " + raw.length + " bytes");
        }
        int n = raw.length / width;
        switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = b.getFloat();
                return OnnxTensor.ofFloats(name, type, dims, v);
            }
            case FLOAT16, BFLOAT16 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = halfToFloat(type, b.getShort() & 0xffff);
                return OnnxTensor.ofFloats(name, type, dims, v);
            }
            case DOUBLE -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = b.getDouble();
                return OnnxTensor.ofDoubles(name, dims, v);
            }
            default -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (type) {
                        case INT32 -> b.getInt();
                        case UINT32 -> b.getInt() & 0xffffffffL;
                        case INT64, UINT64 -> b.getLong();
                        case INT16 -> b.getShort();
                        case UINT16 -> b.getShort() & 0xffff;
                        case INT8 -> b.get();
                        case UINT8, BOOL -> b.get() & 0xff;
                        default -> throw new AssertionError(type);
                    };
                }
                return OnnxTensor.ofLongs(name, type, dims, v);
            }
        }
    }

    private static OnnxTensor fromTyped(String name, OnnxDataType type, int[] dims, DoubleList floatData,
                                        DoubleList doubleData, LongList int32Data, LongList int64Data, LongList uint64Data) {
        switch (type) {
            case FLOAT -> {
                float[] v = new float[floatData.size()];
                for (int i = 0; i < v.length; i++) v[i] = (float) floatData.get(i);
                return OnnxTensor.ofFloats(name, type, dims, v);
            }
            case FLOAT16, BFLOAT16 -> { // the 16 bits sit in int32_data
                float[] v = new float[int32Data.size()];
                for (int i = 0; i < v.length; i++) v[i] = halfToFloat(type, (int) int32Data.get(i) & 0xffff);
                return OnnxTensor.ofFloats(name, type, dims, v);
            }
            case DOUBLE -> {
                return OnnxTensor.ofDoubles(name, dims, doubleData.toArray());
            }
            case INT64 -> {
                return OnnxTensor.ofLongs(name, type, dims, int64Data.toArray());
            }
            case UINT32, UINT64 -> {
                return OnnxTensor.ofLongs(name, type, dims, uint64Data.toArray());
            }
            case INT32, INT16, INT8, UINT16, UINT8, BOOL -> {
                return OnnxTensor.ofLongs(name, type, dims, int32Data.toArray());
            }
            default -> throw new IllegalArgumentException("tensor '" + name + "' of " + type + " is not supported");
        }
    }

    private static float halfToFloat(OnnxDataType type, int bits) {
        return type == OnnxDataType.BFLOAT16 ? Float.intBitsToFloat(bits << 16) : Float.float16ToFloat((short) bits);
    }

    /** A growable long array (repeated fields arrive one by one or packed). */
    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        long get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable double array. */
    static final class DoubleList {
        private double[] a = new double[8];
        private int n;

        void add(double v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        double get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
