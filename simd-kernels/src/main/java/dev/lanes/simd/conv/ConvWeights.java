package dev.lanes.simd.conv;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One convolution's weights ({@code [M, C/group, k…]}, ONNX's layout) and the forms the kernels
 * prepared from them, shared by every {@code ConvOperator} prepared over this object: the kernels'
 * packed forms (PointwiseConv panels, band panels, GEMM panels, Winograd-transformed filters) do not
 * depend on the input's spatial size or batch, so two input shapes of one layer share one form.
 *
 * <p>A {@linkplain #releasing releasing} holder (a session's weight) drops its raw values as soon as it holds a form
 * that gives them back exactly ({@link Packing#unpack}: a pure copy into another order); {@link #values}
 * and the preparation of further forms then recover them from that form. A holder whose forms are all
 * inexact (Winograd's {@code G g Gᵀ}) keeps the raw values: a new input shape may need the other
 * Winograd variant, and the values must stay readable — unless they can be computed again from
 * outside ({@link #recoverableBy}: a weight folded from the model's own, re-read from the model file).
 * {@link #of} holders (tests, benchmarks, a one-off prepare) never drop them.
 */
public final class ConvWeights {
    /**
     * How a kernel prepares its form from the raw weights, and how that form gives them back. A packing is also the
     * form's key: implementations are records of everything the form depends on, so equal packings make equal forms.
     */
    public interface Packing<T> {
        /** The form, from {@code size} raw floats at {@code w[off…]}. */
        T pack(float[] w, int off);

        /** Bytes the form holds. */
        long bytes(T form);

        /** True when {@link #unpack} gives back the raw values bit for bit. */
        default boolean exact() {
            return false;
        }

        /** Writes the raw values recovered from {@code form} into {@code dst[0, size)} (exact packings only). */
        default void unpack(T form, float[] dst) {
            throw new UnsupportedOperationException("this form does not give the weights back");
        }
    }

    /** A packing that only reorders the weights into one float array: exact, and as many bytes as the array. */
    public interface Reordering extends Packing<float[]> {
        @Override
        default long bytes(float[] form) {
            return 4L * form.length;
        }

        @Override
        default boolean exact() {
            return true;
        }

        @Override
        void unpack(float[] form, float[] dst);
    }

    /** A packing into PackedGemm B matrices (one per group or per Winograd position): as many bytes as their panels. */
    public interface GemmPanels extends Packing<dev.lanes.simd.PackedB[]> {
        @Override
        default long bytes(dev.lanes.simd.PackedB[] packed) {
            long b = 0;
            for (dev.lanes.simd.PackedB p : packed) b += 4 * p.size();
            return b;
        }
    }

    private record Held(Packing<?> packing, Object form) {
        @SuppressWarnings("unchecked")
        <T> long bytes() {
            return ((Packing<T>) packing).bytes((T) form);
        }

        @SuppressWarnings("unchecked")
        <T> void unpack(float[] dst) {
            ((Packing<T>) packing).unpack((T) form, dst);
        }
    }

    private final int size;
    private final boolean releasing;
    private float[] raw;
    private int rawOff;
    /** Where the raw values can be computed again, bit for bit, from outside (null: only from an exact form). */
    private Supplier<float[]> recovery;
    /** Packing → the form it made. */
    private final Map<Packing<?>, Held> forms = new LinkedHashMap<>();

    private ConvWeights(float[] w, int off, int size, boolean releasing) {
        Objects.requireNonNull(w, "Conv weights");
        if (size < 0 || off < 0 || (long) off + size > w.length) {
            throw new IllegalArgumentException("Conv W needs " + size + " floats from offset " + off + ", array has " + w.length);
        }
        this.raw = w;
        this.rawOff = off;
        this.size = size;
        this.releasing = releasing;
    }

    /** Weights that keep their raw values for as long as this object lives. */
    public static ConvWeights of(float[] w, int off, int size) {
        return new ConvWeights(w, off, size, false);
    }

    /** Weights that drop their raw values once an exact form holds them (a session's weights). */
    public static ConvWeights releasing(float[] w, int off, int size) {
        return new ConvWeights(w, off, size, true);
    }

    /** Floats of the raw weights. */
    public int size() {
        return size;
    }

    /**
     * The form {@code packing} makes: prepared on the first request for an equal packing (from the raw values,
     * or from an exact form when they were dropped), the same object for every later one.
     */
    public synchronized <T> T form(Packing<T> packing) {
        Held h = forms.get(packing);
        if (h != null) {
            @SuppressWarnings("unchecked")
            T t = (T) h.form();
            return t;
        }
        T t;
        if (raw != null) {
            t = packing.pack(raw, rawOff);
        } else {
            t = packing.pack(recover(), 0);
        }
        forms.put(packing, new Held(packing, t));
        if (releasing && (packing.exact() || recovery != null)) {
            raw = null; // the form gives the values back, or they can be computed again
        }
        return t;
    }

    /**
     * The raw weights as an array and offset, for a kernel that copies them into its own layout while
     * it is prepared (it must not keep the array): the held raw values, or a fresh recovered copy.
     */
    public synchronized Raw raw() {
        return raw != null ? new Raw(raw, rawOff) : new Raw(recover(), 0);
    }

    /** An array and the offset of the weights in it. */
    public record Raw(float[] array, int offset) {}

    /** A copy of the raw weights ({@link #size} floats). */
    public synchronized float[] values() {
        if (raw != null) {
            float[] v = new float[size];
            System.arraycopy(raw, rawOff, v, 0, size);
            return v;
        }
        return recover();
    }

    /**
     * The raw values can also be computed again by {@code source} (exactly: a folded weight recomputed from
     * the model's own weight): a releasing holder then drops them once it holds any form, exact or not.
     * The holder prefers an exact form when it has one (no recomputation).
     */
    public synchronized void recoverableBy(Supplier<float[]> source) {
        this.recovery = Objects.requireNonNull(source, "recovery");
        if (releasing && raw != null && !forms.isEmpty()) raw = null;
    }

    /** True while the raw values are held (not only recoverable from a form). */
    public synchronized boolean holdsRaw() {
        return raw != null;
    }

    /** Bytes held: the raw values while held, plus every form. */
    public synchronized long bytes() {
        return rawBytes() + formBytes();
    }

    /** Bytes of the raw values while held (0 once dropped). */
    public synchronized long rawBytes() {
        return raw != null ? 4L * size : 0;
    }

    /** Bytes of the prepared forms. */
    public synchronized long formBytes() {
        long b = 0;
        for (Held h : forms.values()) b += h.bytes();
        return b;
    }

    /**
     * The array holding the raw values while they are held (it may be shared with the constant they came from, and
     * hold other values around them), else null; for counting memory by identity, not for reading.
     */
    public synchronized float[] heldRawArray() {
        return raw;
    }

    private float[] recover() {
        for (Held h : forms.values()) {
            if (h.packing().exact()) {
                float[] v = new float[size];
                h.unpack(v);
                return v;
            }
        }
        if (recovery != null) {
            float[] v = recovery.get();
            if (v == null || v.length != size) {
                throw new IllegalStateException("conv weights recomputed as " + (v == null ? "null" : v.length + " floats") + ", expected " + size);
            }
            return v;
        }
        throw new IllegalStateException("conv weights dropped with no exact form to recover them from");
    }
}
