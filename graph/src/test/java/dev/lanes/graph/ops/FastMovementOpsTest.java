package dev.lanes.graph.ops;

import static dev.lanes.graph.ops.FastVersusReference.assertSame;
import static dev.lanes.graph.ops.FastVersusReference.random;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast Transpose and Concat bindings against the reference ones on the same model (both exact
 * copies): float32 through the fast kernels, other element types through the fallback, empty inputs,
 * and sizes large enough to be split over threads.
 */
class FastMovementOpsTest {
    private static final DType F = DType.FLOAT32;



    private static OnnxModelBuilder transpose(DType type, int[] shape, long[] perm) {
        OnnxModelBuilder b = new OnnxModelBuilder("t").opset(13).input("X", type, Arrays.stream(shape).boxed().toArray());
        OnnxModelBuilder.NodeBuilder n = b.node("Transpose").inputs("X").outputs("Y");
        if (perm != null) {
            n.attrInts("perm", perm);
        }
        return n.add().outputUnknownRank("Y", type);
    }

    @Test
    void transposeEveryKindOfPerm() {
        int[] shape = {2, 3, 17, 5};
        Map<String, Tensor> in = Map.of("X", random(1, shape));
        for (long[] perm : new long[][] {null, {0, 1, 2, 3}, {0, 2, 1, 3}, {0, 2, 3, 1}, {0, 1, 3, 2}, {3, 1, 0, 2}, {-4, -2, -3, -1}}) {
            assertSame(transpose(F, shape, perm), in, 1, 0);
        }
        assertSame(transpose(F, new int[] {0, 3}, new long[] {1, 0}), Map.of("X", Tensor.of(new float[0], 0, 3)), 1, 0);
    }

    @Test
    void transposeOfLargeTensorsOnThreadsAndOfIntegers() {
        int[] shape = {1, 12, 257, 64};
        assertSame(transpose(F, shape, new long[] {0, 1, 3, 2}), Map.of("X", random(2, shape)), 2, 0);
        assertSame(transpose(F, shape, new long[] {0, 2, 1, 3}), Map.of("X", random(3, shape)), 3, 0);
        long[] v = new long[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 7L;
        }
        assertSame(transpose(DType.INT64, new int[] {2, 3, 4}, new long[] {2, 0, 1}), Map.of("X", Tensor.ofLongs(v, 2, 3, 4)), 1, 0);
    }

    private static OnnxModelBuilder concat(DType type, long axis, int[]... shapes) {
        OnnxModelBuilder b = new OnnxModelBuilder("c").opset(13);
        String[] names = new String[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            names[i] = "X" + i;
            b.input(names[i], type, Arrays.stream(shapes[i]).boxed().toArray());
        }
        return b.node("Concat").inputs(names).outputs("Y").attr("axis", axis).add().outputUnknownRank("Y", type);
    }

    @Test
    void concatAlongEveryAxisWithEmptyInputs() {
        int[][] shapes = {{2, 3, 4}, {2, 5, 4}, {2, 0, 4}, {2, 1, 4}};
        Map<String, Tensor> in = Map.of("X0", random(4, shapes[0]), "X1", random(5, shapes[1]), "X2", Tensor.of(new float[0], shapes[2]),
                "X3", random(6, shapes[3]));
        assertSame(concat(F, 1, shapes), in, 1, 0);
        assertSame(concat(F, -2, shapes), in, 2, 0);
        assertSame(concat(F, 0, new int[] {2, 3}, new int[] {1, 3}), Map.of("X0", random(7, 2, 3), "X1", random(8, 1, 3)), 1, 0);
        assertSame(concat(F, 1, new int[] {2, 3}, new int[] {2, 1}), Map.of("X0", random(9, 2, 3), "X1", random(10, 2, 1)), 1, 0);
    }

    @Test
    void concatOfAKeyCacheOnThreadsAndOfIntegers() {
        int[] past = {1, 12, 200, 64}, now = {1, 12, 1, 64};
        Map<String, Tensor> in = Map.of("X0", random(11, past), "X1", random(12, now));
        for (int threads : new int[] {1, 2, 3}) {
            assertSame(concat(F, 2, past, now), in, threads, 0);
        }
        assertSame(concat(DType.INT64, 0, new int[] {2}, new int[] {1}),
                Map.of("X0", Tensor.ofLongs(new long[] {1, 2}, 2), "X1", Tensor.ofLongs(new long[] {3}, 1)), 1, 0);
    }
}
