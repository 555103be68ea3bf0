package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.booleans;

import dev.lanes.reference.GemmShape;
import dev.lanes.reference.ReferenceGemm;
import org.junit.jupiter.api.Test;

/** Proves the harness on the reference itself: transposition flags equal explicit transposes. */
class ReferenceGemmProperties {
    private final ReferenceGemm gemm = new ReferenceGemm();

    @Test
    void transposeFlagsEqualExplicitTransposes() {
        Theories.qt().forAll(Sizes.between(1, 40), Sizes.between(1, 40), Sizes.between(0, 40), booleans().all())
                .checkAssert((m, n, k, transB) -> {
                    float[] a = Data.uniform(m * 31L + k, m * k);
                    float[] b = Data.uniform(n * 17L + k, k * n);
                    float[] at = transpose(a, m, k);
                    float[] bStored = transB ? transpose(b, k, n) : b;
                    Guarded plain = new Guarded(m * n), flagged = new Guarded(m * n);
                    gemm.gemm(GemmShape.of(m, n, k), a, 0, b, 0, null, 0, plain.array(), plain.offset());
                    gemm.gemm(new GemmShape(m, n, k, true, transB, 1f, 0f, 0, 0), at, 0, bStored, 0, null, 0,
                            flagged.array(), flagged.offset());
                    flagged.assertCanariesIntact();
                    Tolerance.assertBitsEqual("Gemm transA/transB " + m + "x" + n + "x" + k, flagged.region(), plain.region());
                });
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }
}
