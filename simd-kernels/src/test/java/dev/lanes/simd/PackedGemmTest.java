package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Hand-checked products, the K = 0 and empty cases, and the messages bad arguments get. */
class PackedGemmTest {

    /** Matrices packed together into one array: each reads back and multiplies as when packed alone. */
    @Test
    void packedTogetherEqualsPackedAlone() {
        int count = 3, k = 37, n = 45, m = 13;
        float[] b = new float[count * k * n + 5], a = new float[m * k];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        PackedB[] together = PackedGemm.packBs(count, k, n, b, 5, k * n, n);
        for (int i = 0; i < count; i++) {
            PackedB alone = PackedGemm.packB(k, n, b, 5 + i * k * n, n, false);
            assertEquals(alone.size(), together[i].size());
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) assertEquals(alone.get(p, j), together[i].get(p, j));
            }
            float[] c1 = new float[m * n], c2 = new float[m * n];
            PackedGemm.gemm(m, n, k, a, 0, k, false, 1f, alone, c1, 0, n, 0f, Epilogue.NONE, Parallel.callerOnly());
            PackedGemm.gemm(m, n, k, a, 0, k, false, 1f, together[i], c2, 0, n, 0f, Epilogue.NONE, Parallel.callerOnly());
            assertArrayEquals(c1, c2, "matrix " + i);
        }
    }

    @Test
    void smallProductByHand() {
        // [1 2 3; 4 5 6] · [1 0; 0 1; 1 1] = [4 5; 10 11], plus bias per column, then Relu6.
        float[] a = {1, 2, 3, 4, 5, 6}, b = {1, 0, 0, 1, 1, 1}, c = new float[4];
        PackedB pb = PackedGemm.packB(3, 2, b, 0, 2, false);
        PackedGemm.gemm(2, 2, 3, a, 0, 3, false, 1f, pb, c, 0, 2, 0f,
                Epilogue.of(Activation.RELU6).withBiasPerColumn(new float[] {-4.5f, 0}, 0), Parallel.callerOnly());
        assertArrayEquals(new float[] {0, 5, 5.5f, 6}, c);
    }

    @Test
    void kZeroGivesBetaTimesCThenTheEpilogue() {
        float[] c = {1, 2, 3, 4, 5, 6};
        PackedB pb = PackedGemm.packB(0, 3, new float[0], 0, 3, false);
        PackedGemm.gemm(2, 3, 0, new float[0], 0, 0, false, 1f, pb, c, 0, 3, 2f,
                Epilogue.NONE.withBiasPerRow(new float[] {10, 20}, 0), Parallel.callerOnly());
        assertArrayEquals(new float[] {12, 14, 16, 28, 30, 32}, c);
        PackedGemm.gemm(2, 3, 0, new float[0], 0, 0, false, 1f, pb, c, 0, 3, 0f, Epilogue.NONE, Parallel.callerOnly());
        assertArrayEquals(new float[6], c);
    }

    @Test
    void emptyOutputsWriteNothing() {
        float[] c = {7};
        PackedGemm.gemm(0, 5, 3, new float[0], 0, 3, false, new float[15], 0, 5, false, 1f, c, 0, 5, 0f,
                Epilogue.NONE, Parallel.callerOnly());
        PackedGemm.gemm(4, 0, 3, new float[12], 0, 3, false, new float[0], 0, 0, false, 1f, c, 0, 0, 0f,
                Epilogue.NONE, Parallel.callerOnly());
        assertEquals(7, c[0]);
    }

    @Test
    void badArgumentsAreNamed() {
        float[] a = new float[12], b = new float[12], c = new float[9];
        PackedB pb = PackedGemm.packB(4, 3, b, 0, 3, false);
        Parallel one = Parallel.callerOnly();
        expect("dimensions must be ≥ 0", () -> PackedGemm.packB(-1, 3, b, 0, 3, false));
        expect("B leading dimension 2", () -> PackedGemm.packB(4, 3, b, 0, 2, false));
        expect("B 4×3 (ld 3) from offset 1 overruns", () -> PackedGemm.packB(4, 3, b, 1, 3, false));
        expect("packed B is 4×3 but K×N is 5×3", () -> PackedGemm.gemm(3, 3, 5, a, 0, 5, false, 1f, pb, c, 0, 3, 0f, Epilogue.NONE, one));
        expect("A 3×4 (ld 4) from offset 2 overruns", () -> PackedGemm.gemm(3, 3, 4, a, 2, 4, false, 1f, pb, c, 0, 3, 0f, Epilogue.NONE, one));
        expect("C leading dimension 2", () -> PackedGemm.gemm(3, 3, 4, a, 0, 4, false, 1f, pb, c, 0, 2, 0f, Epilogue.NONE, one));
        expect("bias per column needs 3 values", () -> PackedGemm.gemm(3, 3, 4, a, 0, 4, false, 1f, pb, c, 0, 3, 0f,
                Epilogue.NONE.withBiasPerColumn(new float[2], 0), one));
        expect("residual 3×3 (ld 3) from offset 1 overruns", () -> PackedGemm.gemm(3, 3, 4, a, 0, 4, false, 1f, pb, c, 0, 3, 0f,
                Epilogue.NONE.withResidual(new float[9], 1, 3), one));
        expect("Clip needs min ≤ max", () -> Activation.clip(1, 0));
        expect("LeakyRelu alpha must be finite", () -> Activation.leakyRelu(Float.NaN));
    }

    private static void expect(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
