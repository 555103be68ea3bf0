package dev.lanes.graph.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A node's operators prepared per input shape (algorithm chosen, weights packed or transformed): the
 * shape known at session creation is prepared then; others at their first run, kept up to
 * {@link #MAX_SHAPES}, beyond which a shape is prepared for each run. {@code prepare} returns null
 * for a shape no fast kernel handles (remembered too, so the reference binding takes it at once).
 */
final class PerShape<T> {
    static final int MAX_SHAPES = 8;

    private final Map<List<Integer>, Optional<T>> prepared = new ConcurrentHashMap<>();
    private final Function<int[], T> prepare;

    PerShape(Function<int[], T> prepare) {
        this.prepare = prepare;
    }

    /** The shape asked last and its operator: a run with the same shape as the one before allocates nothing. */
    private record Last<T>(int[] shape, Optional<T> op) {}

    private volatile Last<T> last;

    /** The operator for {@code shape}, or null when there is no fast kernel for it. */
    T get(int[] shape) {
        Last<T> l = last;
        if (l != null && Arrays.equals(l.shape(), shape)) {
            return l.op().orElse(null);
        }
        List<Integer> key = Arrays.stream(shape).boxed().toList();
        Optional<T> op = prepared.get(key);
        if (op == null) {
            op = Optional.ofNullable(prepare.apply(shape));
            if (prepared.size() < MAX_SHAPES) {
                prepared.putIfAbsent(key, op);
            }
        }
        last = new Last<>(shape.clone(), op);
        return op.orElse(null);
    }
}
