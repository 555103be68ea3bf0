package dev.lanes.properties;

import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.Layouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The NCHW ↔ NHWC reorders are exact transposes of each image's {@code C × pixels} matrix, for
 * channel and pixel counts below, at and past whole vectors (gathered vectors of whole rows,
 * element-wise remaining rows), any offsets, batch up to 3, 1 or 2 threads; a round trip gives the input back.
 */
@WidthSensitive
class LayoutsProperties {
    private static final Parallel TWO = Parallel.create(2);

    @AfterAll
    static void closePool() {
        TWO.close();
    }

    @Test
    void reordersAreTransposes() {
        Theories.qt(60).forAll(Sizes.between(1, 70), Sizes.between(1, 70), Sizes.between(1, 3), Sizes.seeds()).checkAssert((c, pix, batch, seed) -> {
            int n = batch * c * pix, off = (int) (seed & 7);
            float[] nchw = Data.uniform(seed, n + off);
            Guarded nhwc = new Guarded(n), back = new Guarded(n);
            Layouts.toNhwc(nchw, off, batch, c, pix, nhwc.array(), nhwc.offset(), seed % 2 == 0 ? TWO : Parallel.callerOnly());
            nhwc.assertCanariesIntact();
            float[] h = nhwc.region(), expected = new float[n];
            for (int b = 0; b < batch; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < pix; p++) expected[(b * pix + p) * c + ch] = nchw[off + (b * c + ch) * pix + p];
                }
            }
            Tolerance.assertBitsEqual("toNhwc C=" + c + " pixels=" + pix + " batch=" + batch, h, expected);
            Layouts.toNchw(h, 0, batch, c, pix, back.array(), back.offset(), TWO);
            back.assertCanariesIntact();
            float[] original = java.util.Arrays.copyOfRange(nchw, off, off + n);
            Tolerance.assertBitsEqual("toNchw C=" + c + " pixels=" + pix + " batch=" + batch, back.region(), original);
        });
    }
}
