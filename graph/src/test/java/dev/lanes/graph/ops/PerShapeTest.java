package dev.lanes.graph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PerShape: one preparation per shape, the right operator when shapes alternate, a mutated key array harmless. */
class PerShapeTest {

    @Test
    void preparesEachShapeOnceAndAnswersAlternatingShapes() {
        List<String> prepared = new ArrayList<>();
        PerShape<String> ops = new PerShape<>(s -> {
            prepared.add(Arrays.toString(s));
            return s[0] == 0 ? null : "op" + Arrays.toString(s);
        });
        int[] a = {1, 3, 7, 7}, b = {2, 3, 7, 7}, none = {0, 3};
        for (int i = 0; i < 3; i++) {
            assertEquals("op[1, 3, 7, 7]", ops.get(a));
            assertEquals("op[1, 3, 7, 7]", ops.get(a.clone()));
            assertEquals("op[2, 3, 7, 7]", ops.get(b));
            assertNull(ops.get(none));
        }
        assertEquals(List.of("[1, 3, 7, 7]", "[2, 3, 7, 7]", "[0, 3]"), prepared);
    }

    @Test
    void aCallerChangingItsShapeArrayAfterwardsDoesNotChangeTheAnswer() {
        PerShape<String> ops = new PerShape<>(s -> "op" + Arrays.toString(s));
        int[] shape = {1, 4};
        assertEquals("op[1, 4]", ops.get(shape));
        shape[1] = 5;
        assertEquals("op[1, 5]", ops.get(shape));
        assertEquals("op[1, 4]", ops.get(new int[] {1, 4}));
    }

    @Test
    void aShapeThatFailsToPrepareFailsEveryTime() {
        PerShape<String> ops = new PerShape<>(s -> {
            if (s.length == 1) throw new IllegalArgumentException("rank 1: " + Arrays.toString(s));
            return "ok";
        });
        assertEquals("ok", ops.get(new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> ops.get(new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> ops.get(new int[] {3}));
        assertEquals("ok", ops.get(new int[] {1, 2}));
    }
}
