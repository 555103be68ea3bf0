package dev.lanes.graph;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A dense, row-major n-dimensional array of one {@link DType}.
 *
 * <p>The data live in one Java array whose kind depends on the type (see {@link DType}). Accessors
 * such as {@link #floats()} return that array itself, not a copy, so that the runtime and kernels can
 * work without copying; a tensor returned by a {@link Session} belongs to the caller, and a tensor
 * passed to {@code run()} must not be modified while that call is running.
 *
 * <p>Shapes are {@code int} dimensions (an element count must fit in a Java array). A rank-0 tensor
 * (shape {@code []}) is a scalar with one element; a dimension may be 0 (an empty tensor).
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final Object data;

    private Tensor(DType dtype, int[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = checkedSize(shape);
        this.data = data;
        if (data instanceof Deferred) {
            return;
        }
        int length = java.lang.reflect.Array.getLength(data);
        if (length != size) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + size
                    + " " + dtype + " elements, got " + length);
        }
    }

    /** Number of elements of {@code shape}; rejects negative dims and counts beyond a Java array. */
    public static int checkedSize(int... shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("negative dimension " + shape[i] + " at axis " + i + " of shape "
                        + Arrays.toString(shape));
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return (int) n;
    }

    public static Tensor of(float[] data, int... shape) {
        return new Tensor(DType.FLOAT32, shape.clone(), Objects.requireNonNull(data, "data"));
    }

    public static Tensor ofLongs(long[] data, int... shape) {
        return new Tensor(DType.INT64, shape.clone(), Objects.requireNonNull(data, "data"));
    }

    public static Tensor ofInts(int[] data, int... shape) {
        return new Tensor(DType.INT32, shape.clone(), Objects.requireNonNull(data, "data"));
    }

    public static Tensor ofDoubles(double[] data, int... shape) {
        return new Tensor(DType.FLOAT64, shape.clone(), Objects.requireNonNull(data, "data"));
    }

    public static Tensor ofBools(boolean[] values, int... shape) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (values[i] ? 1 : 0);
        }
        return new Tensor(DType.BOOL, shape.clone(), b);
    }

    /** A UINT8, INT8 or BOOL tensor over {@code data} (BOOL elements must be 0 or 1). */
    public static Tensor ofBytes(DType dtype, byte[] data, int... shape) {
        if (dtype != DType.UINT8 && dtype != DType.INT8 && dtype != DType.BOOL) {
            throw new IllegalArgumentException("byte[] data hold uint8, int8 or bool, not " + dtype);
        }
        return new Tensor(dtype, shape.clone(), Objects.requireNonNull(data, "data"));
    }

    /** A FLOAT16 or BFLOAT16 tensor over the raw bits in {@code bits}. */
    public static Tensor ofHalfBits(DType dtype, short[] bits, int... shape) {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalArgumentException("short[] data hold float16 or bfloat16 bits, not " + dtype);
        }
        return new Tensor(dtype, shape.clone(), Objects.requireNonNull(bits, "bits"));
    }

    /** A float32 scalar (rank 0). */
    public static Tensor scalar(float v) {
        return of(new float[] {v});
    }

    /** An int64 scalar (rank 0). */
    public static Tensor scalarLong(long v) {
        return ofLongs(new long[] {v});
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = checkedSize(shape);
        return new Tensor(dtype, shape.clone(), newArray(dtype, n));
    }

    /** A new zeroed Java array of the storage kind of {@code dtype}. */
    static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case UINT8, INT8, BOOL -> new byte[n];
            case FLOAT16, BFLOAT16 -> new short[n];
        };
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the dimensions. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** This tensor's data viewed with another shape of the same element count (no copy). */
    public Tensor reshape(int... newShape) {
        if (checkedSize(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + size
                    + " elements) to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, newShape.clone(), data);
    }

    /**
     * A tensor that does not keep its values but produces them when they are read: a session holds a
     * weight that its operators use only in packed form this way, and recovers the values from the
     * packed form if something asks (a tool, a pass of a plan compiled later). {@code values} returns
     * the row-major array of {@code dtype}'s kind; the result is kept only weakly, so reading the values
     * twice may produce them twice, and writing into the returned array changes nothing.
     */
    public static Tensor deferred(DType dtype, Supplier<?> values, int... shape) {
        return new Tensor(dtype, shape.clone(), new Deferred(dtype, checkedSize(shape), Objects.requireNonNull(values, "values")));
    }

    /** False for a {@link #deferred} tensor, whose values are produced on each read rather than held. */
    public boolean holdsValues() {
        return !(data instanceof Deferred);
    }

    /** The values: the backing array, or those a deferred tensor produces. */
    private Object values() {
        return data instanceof Deferred d ? d.get() : data;
    }

    /** The source of a deferred tensor's values, with the last values produced kept weakly. */
    private static final class Deferred {
        private final DType dtype;
        private final int size;
        private final Supplier<?> source;
        private WeakReference<Object> last = new WeakReference<>(null);

        Deferred(DType dtype, int size, Supplier<?> source) {
            this.dtype = dtype;
            this.size = size;
            this.source = source;
        }

        synchronized Object get() {
            Object v = last.get();
            if (v == null) {
                v = source.get();
                Object kind = newArray(dtype, 0);
                if (v == null || v.getClass() != kind.getClass() || java.lang.reflect.Array.getLength(v) != size) {
                    throw new IllegalStateException("deferred " + dtype + " tensor of " + size + " elements got "
                            + (v == null ? "null" : v.getClass().getSimpleName() + " of " + java.lang.reflect.Array.getLength(v)));
                }
                last = new WeakReference<>(v);
            }
            return v;
        }
    }

    public float[] floats() {
        return (float[]) expect(DType.FLOAT32);
    }

    public long[] longs() {
        return (long[]) expect(DType.INT64);
    }

    public int[] ints() {
        return (int[]) expect(DType.INT32);
    }

    public double[] doubles() {
        return (double[]) expect(DType.FLOAT64);
    }

    /** The data of a UINT8, INT8 or BOOL tensor. */
    public byte[] bytes() {
        if (!(values() instanceof byte[] b)) {
            throw new IllegalStateException("tensor is " + dtype + ", not a byte-backed type (uint8, int8, bool)");
        }
        return b;
    }

    /** The raw bits of a FLOAT16 or BFLOAT16 tensor. */
    public short[] halfBits() {
        if (!(values() instanceof short[] s)) {
            throw new IllegalStateException("tensor is " + dtype + ", not float16 or bfloat16");
        }
        return s;
    }

    /** The backing array, whatever its kind (for a {@link #deferred} tensor: the values it produced). */
    public Object array() {
        return values();
    }

    private Object expect(DType want) {
        if (dtype != want) {
            throw new IllegalStateException("tensor is " + dtype + ", not " + want);
        }
        return values();
    }

    /** Element {@code i} (row-major) converted to double; bool as 0/1, uint8 unsigned. */
    public double getDouble(int i) {
        Object data = values();
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case UINT8, BOOL -> ((byte[]) data)[i] & 0xff;
            case INT8 -> ((byte[]) data)[i];
            case FLOAT16 -> Float.float16ToFloat(((short[]) data)[i]);
            case BFLOAT16 -> Float.intBitsToFloat((((short[]) data)[i] & 0xffff) << 16);
        };
    }

    /** Element {@code i} (row-major) converted to long (floating values truncate toward zero). */
    public long getLong(int i) {
        Object data = values();
        return switch (dtype) {
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case UINT8, BOOL -> ((byte[]) data)[i] & 0xff;
            case INT8 -> ((byte[]) data)[i];
            default -> (long) getDouble(i);
        };
    }

    /** True when dtype, shape and every element (bit for bit; NaN equals NaN) are the same. */
    public boolean contentEquals(Tensor other) {
        if (other == this) {
            return true;
        }
        if (other == null || dtype != other.dtype || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        Object data = values(), otherData = other.values();
        return switch (dtype) {
            case FLOAT32 -> Arrays.equals((float[]) data, (float[]) otherData);
            case FLOAT64 -> Arrays.equals((double[]) data, (double[]) otherData);
            case INT64 -> Arrays.equals((long[]) data, (long[]) otherData);
            case INT32 -> Arrays.equals((int[]) data, (int[]) otherData);
            case UINT8, INT8, BOOL -> Arrays.equals((byte[]) data, (byte[]) otherData);
            case FLOAT16, BFLOAT16 -> Arrays.equals((short[]) data, (short[]) otherData);
        };
    }

    /** A deep copy (new backing array). */
    public Tensor copy() {
        Object data = values();
        Object copy = switch (dtype) {
            case FLOAT32 -> ((float[]) data).clone();
            case FLOAT64 -> ((double[]) data).clone();
            case INT64 -> ((long[]) data).clone();
            case INT32 -> ((int[]) data).clone();
            case UINT8, INT8, BOOL -> ((byte[]) data).clone();
            case FLOAT16, BFLOAT16 -> ((short[]) data).clone();
        };
        return new Tensor(dtype, shape.clone(), copy);
    }

    /** Wraps an existing array (of the kind {@code dtype} uses) without copying. */
    public static Tensor wrap(DType dtype, Object array, int... shape) {
        Object expectKind = newArray(dtype, 0);
        if (array == null || array.getClass() != expectKind.getClass()) {
            throw new IllegalArgumentException(dtype + " data must be a " + expectKind.getClass().getSimpleName()
                    + ", got " + (array == null ? "null" : array.getClass().getSimpleName()));
        }
        return new Tensor(dtype, shape.clone(), array);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(' ').append(Arrays.toString(shape)).append(" [");
        int n = Math.min(size, 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dtype.isFloatingPoint() ? String.valueOf(getDouble(i)) : String.valueOf(getLong(i)));
        }
        if (size > n) {
            sb.append(", ...");
        }
        return sb.append("])").toString();
    }
}
