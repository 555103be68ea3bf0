package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector and scalar forms of every activation give the same bits, and the exact kinds their definitions. */
class ActivationTest {
    private static final List<Activation> ALL = List.of(Activation.NONE, Activation.RELU, Activation.RELU6,
            Activation.clip(-1, 2), Activation.leakyRelu(0.1f), Activation.hardSigmoid(0.2f, 0.5f), Activation.HARD_SWISH,
            Activation.SIGMOID, Activation.SWISH, Activation.GELU_ERF, Activation.GELU_TANH, Activation.TANH);

    @Test
    void vectorAndScalarFormsAgreeBitForBit() {
        int lanes = VectorWidth.LANES;
        float[] x = new float[lanes * 64];
        for (int i = 0; i < x.length; i++) x[i] = (i - x.length / 2) * 0.173f;
        x[0] = Float.NaN;
        x[1] = -0f;
        x[2] = Float.POSITIVE_INFINITY;
        for (Activation act : ALL) {
            float[] y = x.clone();
            act.applyInPlace(y, 0, y.length - 3); // leave a tail shorter than a vector untouched
            for (int i = 0; i < x.length; i++) {
                float want = i < x.length - 3 ? act.apply(x[i]) : x[i];
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[i]), act + " at x = " + x[i]);
            }
            FloatVector v = act.apply(FloatVector.fromArray(VectorWidth.FLOAT, x, lanes));
            for (int l = 0; l < lanes; l++) assertEquals(act.apply(x[lanes + l]), v.lane(l), act + " lane " + l);
        }
    }

    @Test
    void exactKindsFollowTheirDefinitions() {
        assertEquals(0f, Activation.RELU.apply(-3f));
        assertEquals(6f, Activation.RELU6.apply(7f));
        assertEquals(-0.5f, Activation.leakyRelu(0.5f).apply(-1f));
        assertEquals(0.7f, Activation.hardSigmoid(0.2f, 0.5f).apply(1f), 1e-7f);
        assertEquals(3f, Activation.HARD_SWISH.apply(3f));
        assertEquals(-0f, Activation.HARD_SWISH.apply(-3f)); // x · 0 keeps the sign of x
        assertEquals(0.5f, Activation.SIGMOID.apply(0f));
        assertEquals("Clip(-1.0, 2.0)", Activation.clip(-1, 2).toString());
    }
}
