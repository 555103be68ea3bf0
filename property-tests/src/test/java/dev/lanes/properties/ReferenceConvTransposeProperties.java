package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.ReferenceConvTranspose;
import org.junit.jupiter.api.Test;

/** The reference ConvTranspose as the adjoint of the reference Conv, and its output_shape rule. */
class ReferenceConvTransposeProperties {
    private final ReferenceConv conv = new ReferenceConv();
    private final ReferenceConvTranspose ct = new ReferenceConvTranspose();

    /**
     * ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ with the same W. Each side is a sum of float outputs, each rounded
     * once from an exact-enough double: the two differ by at most eps32 · Σ |output|-scales · |other
     * operand| on each side (terms from the references), so that is the bound.
     */
    @Test
    void convTransposeIsTheAdjointOfConv() {
        Theories.qt(40).forAll(ConvShapes.any(), Sizes.seeds()).checkAssert((c0, seed) -> {
            ConvShape c = c0.hasBias() ? new ConvShape(c0.batch(), c0.inChannels(), c0.outChannels(), c0.groups(), c0.inSpatial(),
                    c0.kernel(), c0.padsBegin(), c0.padsEnd(), c0.strides(), c0.dilations(), false) : c0;
            ConvTransposeShape t = ConvTransposeShapes.adjointOf(c);
            assertArrayEquals(c.inputShape(), t.outputShape(), t.toString());
            assertArrayEquals(c.outputShape(), t.inputShape(), t.toString());
            float[] x = Data.uniform(seed, Dims.size(c.inputShape()));
            float[] w = Data.uniform(seed + 1, Dims.size(c.weightShape()));
            float[] y = Data.uniform(seed + 2, Dims.size(c.outputShape()));
            float[] cx = new float[y.length], ty = new float[x.length];
            double[] cTerms = new double[y.length], tTerms = new double[x.length];
            conv.conv(c, x, 0, w, 0, null, 0, cx, 0, cTerms);
            Guarded guarded = new Guarded(x.length);
            ct.convTranspose(t, y, 0, w, 0, null, 0, guarded.array(), guarded.offset(), tTerms);
            guarded.assertCanariesIntact();
            System.arraycopy(guarded.region(), 0, ty, 0, x.length);
            double left = 0, right = 0, bound = Tolerance.TINY;
            for (int i = 0; i < y.length; i++) {
                left += (double) cx[i] * y[i];
                bound += Tolerance.EPS32 * cTerms[i] * Math.abs(y[i]);
            }
            for (int i = 0; i < x.length; i++) {
                right += (double) x[i] * ty[i];
                bound += Tolerance.EPS32 * tTerms[i] * Math.abs(x[i]);
            }
            if (!(Math.abs(left - right) <= bound)) {
                fail(c + ": ⟨conv(x), y⟩ = " + left + " but ⟨x, convT(y)⟩ = " + right + " (bound " + bound + ")");
            }
        });
    }

    @Test
    void groupedConvTransposeEqualsItsGroupsOneAtATime() {
        Theories.qt(30).forAll(ConvTransposeShapes.grouped().mix(ConvTransposeShapes.any(), 50), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            float[] w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
            float[] b = s.hasBias() ? Data.uniform(seed + 2, s.outChannels()) : null;
            Guarded whole = new Guarded(Dims.size(s.outputShape()));
            ct.convTranspose(s, x, 0, w, 0, b, 0, whole.array(), whole.offset());
            whole.assertCanariesIntact();
            int cg = s.inChannelsPerGroup(), mg = s.outChannelsPerGroup(), inPlane = s.inSpatialSize(), outPlane = s.outSpatialSize();
            ConvTransposeShape one = new ConvTransposeShape(s.batch(), cg, mg, 1, s.inSpatial(), s.kernel(), s.padsBegin(),
                    s.padsEnd(), s.strides(), s.dilations(), s.outputPadding(), s.hasBias());
            float[] expected = new float[whole.length()];
            for (int g = 0; g < s.groups(); g++) {
                float[] xg = new float[s.batch() * cg * inPlane];
                for (int n = 0; n < s.batch(); n++) {
                    System.arraycopy(x, (n * s.inChannels() + g * cg) * inPlane, xg, n * cg * inPlane, cg * inPlane);
                }
                float[] yg = new float[s.batch() * mg * outPlane];
                ct.convTranspose(one, xg, 0, w, g * cg * mg * s.kernelSize(), b, g * mg, yg, 0);
                for (int n = 0; n < s.batch(); n++) {
                    System.arraycopy(yg, n * mg * outPlane, expected, (n * s.outChannels() + g * mg) * outPlane, mg * outPlane);
                }
            }
            Tolerance.assertBitsEqual(s.toString(), whole.region(), expected);
        });
    }

    /** Whatever output_shape is asked (down to 1, up past the full result), the resolved shape has it. */
    @Test
    void outputShapeIsHonoured() {
        Theories.qt(60).forAll(ConvTransposeShapes.any(), integers().between(-3, 3), org.quicktheories.generators.Generate.booleans())
                .checkAssert((s, delta, upper) -> {
                    int[] target = s.outSpatial();
                    for (int i = 0; i < target.length; i++) target[i] = Math.max(1, target[i] + delta);
                    ConvTransposeShape r = ConvTransposeShape.fromOnnx(s.inputShape(), s.weightShape(), null,
                            upper ? "SAME_UPPER" : "NOTSET", null, null, s.strides(), s.dilations(), s.outputPadding(), target, s.groups());
                    assertArrayEquals(target, r.outSpatial(), r.toString());
                });
    }
}
