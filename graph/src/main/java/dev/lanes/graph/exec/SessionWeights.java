package dev.lanes.graph.exec;

import dev.lanes.graph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The packed forms of a session's constants, shared by every plan the session compiles, and the
 * stand-ins of the constants whose raw values the session no longer holds.
 *
 * <p>Operators pack a weight once ({@link #packed}); the key is the session's constant (the
 * {@link Tensor} object in its graph), not a Java array. When every reader of a constant in a plan
 * took a packed form, {@link PlanCompiler} replaces the constant in the plan and in its graph by a
 * {@link Tensor#deferred} stand-in ({@link #release}), which produces the values from a packed form
 * if anything reads them, and carries the packed forms over: a plan compiled later for new input
 * shapes copies that graph, finds the stand-in and gets the same packed form, with nothing re-packed
 * and no raw copy back in memory.
 */
public final class SessionWeights {
    /**
     * One way of packing a constant. Forms are map keys: equal forms (records) produce the same
     * packed value, so a packing is reused for an equal form.
     */
    public interface Form<T> {
        T pack(Tensor constant);

        /** Bytes the packed value holds. */
        long bytes(T packed);

        /** The constant's values recovered from {@code packed} (row-major, an array of its dtype's kind). */
        Object unpack(T packed);

        /**
         * The constant's raw values that {@code packed} keeps beside its prepared forms (a holder whose forms
         * cannot give them back), part of {@link #bytes}; null when it keeps none.
         */
        default KeptRaw keptRaw(T packed) {
            return null;
        }
    }

    /** Raw values a packed value keeps: the array (compared by identity, to count it once) and their bytes. */
    public record KeptRaw(Object array, long bytes) {}

    private record Packing(Form<?> form, Object packed) {
        @SuppressWarnings("unchecked")
        <T> Object unpack() {
            return ((Form<T>) form).unpack((T) packed);
        }

        @SuppressWarnings("unchecked")
        <T> long bytes() {
            return ((Form<T>) form).bytes((T) packed);
        }

        @SuppressWarnings("unchecked")
        <T> KeptRaw keptRaw() {
            return ((Form<T>) form).keptRaw((T) packed);
        }
    }

    /**
     * Weakly keyed (a tensor compares by identity): the packings of a constant that only a dropped
     * specialised plan had go with that plan.
     */
    private final Map<Tensor, List<Packing>> packings = new WeakHashMap<>();
    /** Original constant → its stand-in, weakly: lets the session swap the stand-in into other graphs. */
    private final Map<Tensor, Tensor> standIns = new WeakHashMap<>();

    /**
     * {@code constant} in {@code form}: packed on the first request (outside the lock, so that the
     * operators of a plan pack in parallel), the same object for every later one.
     */
    public <T> T packed(Tensor constant, Form<T> form) {
        T done = packedAlready(constant, form);
        if (done != null) return done;
        T fresh = form.pack(constant);
        synchronized (this) {
            T raced = packedAlready(constant, form);
            if (raced != null) return raced;
            packings.computeIfAbsent(constant, c -> new ArrayList<>()).add(new Packing(form, fresh));
            return fresh;
        }
    }

    /** {@code constant} in {@code form} if it has been packed, else null. */
    private synchronized <T> T packedAlready(Tensor constant, Form<T> form) {
        Packing p = find(constant, form);
        @SuppressWarnings("unchecked")
        T t = p == null ? null : (T) p.packed();
        return t;
    }

    private Packing find(Tensor constant, Form<?> form) {
        for (Packing p : packings.getOrDefault(constant, List.of())) {
            if (p.form().equals(form)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The stand-in of {@code constant} once no operator needs its raw values: a deferred tensor that
     * recovers them from its first packed form, taking over the packed forms. {@code constant} itself
     * when it has no packed form (nothing to recover the values from) or is already a stand-in.
     */
    synchronized Tensor release(Tensor constant) {
        if (!constant.holdsValues()) {
            return constant;
        }
        Tensor known = standIns.get(constant);
        if (known != null) {
            return known;
        }
        List<Packing> forms = packings.get(constant);
        if (forms == null || forms.isEmpty()) {
            return constant;
        }
        Packing source = forms.get(0);
        Tensor standIn = Tensor.deferred(constant.dtype(), source::unpack, constant.shape());
        packings.remove(constant);
        packings.put(standIn, forms);
        standIns.put(constant, standIn);
        return standIn;
    }

    /** The stand-in that replaced {@code t} in a compiled plan, or {@code t} when there is none. */
    public synchronized Tensor standIn(Tensor t) {
        return standIns.getOrDefault(t, t);
    }

    /**
     * The packings of {@code constant} (a stand-in or a constant) whose form is a {@code formType}, by
     * form: for a reader that can work from whatever packed form another reader made.
     */
    public synchronized <F extends Form<?>> Map<F, Object> packings(Tensor constant, Class<F> formType) {
        Map<F, Object> r = new java.util.LinkedHashMap<>();
        for (Packing p : packings.getOrDefault(constant, List.of())) {
            if (formType.isInstance(p.form())) {
                r.put(formType.cast(p.form()), p.packed());
            }
        }
        return r;
    }

    /** Actions waiting for the imported model ({@link #whenModelKnown}); null once they have run. */
    private List<java.util.function.Consumer<dev.lanes.graph.ir.Graph>> modelActions = new ArrayList<>();

    /**
     * Runs {@code action} with the session's imported model graph once the first plan is compiled (before
     * the session replaces the model's unused weights by file reads): an operator that took a packed form
     * of a folded weight uses it to find how to compute the values again from the model's own weights.
     * Dropped when the session has passed that point (a plan specialised later).
     */
    public synchronized void whenModelKnown(java.util.function.Consumer<dev.lanes.graph.ir.Graph> action) {
        if (modelActions != null) modelActions.add(action);
    }

    /** Runs the actions of {@link #whenModelKnown} (the session calls this once, after compiling its plan). */
    public void modelKnown(dev.lanes.graph.ir.Graph imported) {
        List<java.util.function.Consumer<dev.lanes.graph.ir.Graph>> actions;
        synchronized (this) {
            actions = modelActions;
            modelActions = null;
        }
        if (actions != null) actions.forEach(a -> a.accept(imported));
    }

    /** Bytes of every packed form held, without the raw values packed values keep ({@link #keptRaw}). */
    public synchronized long packedBytes() {
        long b = 0;
        for (List<Packing> forms : packings.values()) {
            for (Packing p : forms) {
                KeptRaw k = p.keptRaw();
                b += p.bytes() - (k == null ? 0 : k.bytes());
            }
        }
        return b;
    }

    /** The raw values kept by packed values (a conv weight holder whose forms cannot give them back). */
    public synchronized List<KeptRaw> keptRaw() {
        List<KeptRaw> r = new ArrayList<>();
        for (List<Packing> forms : packings.values()) {
            for (Packing p : forms) {
                KeptRaw k = p.keptRaw();
                if (k != null) r.add(k);
            }
        }
        return r;
    }

    /** Number of constants with a packed form. */
    public synchronized int packedConstants() {
        return packings.size();
    }
}
