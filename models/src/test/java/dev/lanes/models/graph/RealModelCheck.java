package dev.lanes.models.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Tensor;
import dev.lanes.models.ReferenceCase;
import dev.lanes.models.TensorFile;
import java.util.HashMap;
import java.util.Map;

/** What the real-model tests share: the reference inputs as tensors, and the 1e-4 check of every output against ONNX Runtime's. */
final class RealModelCheck {
    private RealModelCheck() {}

    /** Largest absolute difference from ONNX Runtime's output that counts as right (see ../shared/models/README.md). */
    static final double TOLERANCE = 1e-4;

    static Map<String, Tensor> inputs(ReferenceCase ref) {
        Map<String, Tensor> feeds = new HashMap<>();
        for (TensorFile in : ref.inputs()) {
            feeds.put(in.name(), toTensor(in));
        }
        return feeds;
    }

    /** Every expected output present, of the expected shape, within {@link #TOLERANCE}; prints the worst difference. */
    static void assertMatches(String model, String backend, ReferenceCase ref, Map<String, Tensor> out) {
        for (TensorFile expected : ref.outputs()) {
            Tensor actual = out.get(expected.name());
            assertNotNull(actual, model + ": no output named " + expected.name());
            Tensor e = toTensor(expected);
            assertArrayEquals(e.shape(), actual.shape(), model + " " + expected.name() + " shape");
            float[] a = actual.floats(), x = e.floats();
            double worst = 0;
            int at = 0;
            for (int i = 0; i < x.length; i++) {
                double d = Math.abs((double) a[i] - x[i]);
                if (!(d <= worst)) {
                    worst = d;
                    at = i;
                }
            }
            System.out.printf("%s %s: max |Lanes %s - ORT| = %.3g%n", model, expected.name(), backend, worst);
            int idx = at;
            double w = worst;
            assertTrue(worst <= TOLERANCE, () -> model + " " + expected.name() + ": max abs error " + w + " at " + idx + " (got "
                    + a[idx] + ", expected " + x[idx] + ")");
        }
    }

    static Tensor toTensor(TensorFile f) {
        long[] s = f.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return f.dtype() == TensorFile.DType.FLOAT32 ? Tensor.of(f.floats(), shape) : Tensor.ofLongs(f.longs(), shape);
    }
}
