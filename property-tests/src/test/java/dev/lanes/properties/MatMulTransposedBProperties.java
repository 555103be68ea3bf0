package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.integers;

import dev.lanes.reference.MatMulShape;
import dev.lanes.reference.ReferenceMatMul;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.MatMulTransposedB;
import dev.lanes.simd.Parallel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * MatMulTransposedB (B stored with its last two axes swapped) against ReferenceMatMul on the same
 * product with B laid out plainly: batched and broadcast shapes from {@link MatMulShapes}, decode
 * shapes (M = 1 against many key rows), M on both sides of the dot-product/GEMM switch, K shorter
 * than a vector and not a multiple of it; the epilogue (bias, residual) on the right rows across the
 * batch; NaN canaries; bit-identical results for 1, 2 and 3 threads.
 *
 * <p>Error bound: each output is one fp32 dot product over K (vector partial sums, a fixed lane fold,
 * then the tail), so the GEMM bound c = K + 4 of {@link PackedGemmProperties} holds.
 */
@WidthSensitive
class MatMulTransposedBProperties {

    private static final Parallel TWO = Parallel.create(2);
    private static final Parallel THREE = Parallel.create(3);

    @AfterAll
    static void closePools() {
        TWO.close();
        THREE.close();
    }

    private static final Gen<MatMulShape> SHAPES = MatMulShapes.any().assuming(s -> !s.bVector());

    /** Decode-like: batch × heads, one (or a few) query rows against up to ~300 keys, head sizes around the vector. */
    private static Gen<MatMulShape> decode() {
        Gen<Integer> d = Generate.pick(List.of(1, 3, 7, 8, 15, 16, 17, 24, 31, 33, 40, 64, 80));
        Gen<Integer> batches = integers().between(1, 2), heads = integers().between(1, 5), rows = integers().between(1, 6);
        Gen<Integer> keys = Sizes.between(1, 300);
        return in -> {
            int[] bh = {batches.generate(in), heads.generate(in)};
            return new MatMulShape(bh, bh, rows.generate(in), keys.generate(in), d.generate(in), false, false);
        };
    }

    @Test
    void generatedShapesEqualTheReference() {
        Theories.qt(60).forAll(SHAPES).checkAssert(s -> check(s, false));
    }

    @Test
    void decodeShapesEqualTheReferenceOnAnyThreads() {
        Theories.qt(40).forAll(decode()).checkAssert(s -> check(s, false));
    }

    @Test
    void epilogueAppliesToTheRightRows() {
        Theories.qt(30).forAll(decode().mix(SHAPES, 50)).checkAssert(s -> check(s, true));
    }

    private static void check(MatMulShape s, boolean withEpilogue) {
        long seed = s.hashCode() * 31L + (withEpilogue ? 1 : 0);
        int[] batch = s.batchDims();
        int items = s.batchCount(), m = s.m(), n = s.n(), k = s.k(), out = items * m * n;
        float[] a = Data.uniform(seed, Math.max(1, size(s.aShape())));
        float[] b = Data.uniform(seed + 1, Math.max(1, size(s.bShape())));
        float[] bt = transposeEachMatrix(b, size(s.bShape()) / Math.max(1, k * n), k, n);
        float[] expected = new float[out];
        double[] terms = new double[out];
        new ReferenceMatMul().matmul(s, a, 0, b, 0, expected, 0, terms);
        Epilogue ep = Epilogue.NONE;
        if (withEpilogue) {
            float[] bias = Data.uniform(seed + 2, n), residual = Data.uniform(seed + 3, out);
            ep = Epilogue.of(Activation.NONE).withBiasPerColumn(bias, 0).withResidual(residual, 0, n);
            for (int r = 0; r < items * m; r++) {
                for (int j = 0; j < n; j++) {
                    int o = r * n + j;
                    expected[o] = (float) ((double) expected[o] + bias[j] + residual[o]);
                    terms[o] += Math.abs(bias[j]) + Math.abs(residual[o]);
                }
            }
        }
        float[] first = null;
        for (Parallel par : new Parallel[] {Parallel.callerOnly(), TWO, THREE}) {
            Guarded y = new Guarded(out);
            MatMulTransposedB.matmul(s, a, 0, bt, 0, y.array(), y.offset(), ep, par);
            y.assertCanariesIntact();
            String what = "MatMulTransposedB " + s + " batch " + java.util.Arrays.toString(batch) + " threads " + par.threads();
            Tolerance.assertClose(what, y.region(), expected, terms, k + 4);
            if (first == null) {
                first = y.region();
            } else {
                Tolerance.assertBitsEqual(what + " vs 1 thread", y.region(), first);
            }
        }
    }

    /** {@code count} row-major K×N matrices stored as N×K. */
    private static float[] transposeEachMatrix(float[] b, int count, int k, int n) {
        float[] t = new float[b.length];
        for (int c = 0; c < count; c++) {
            int base = c * k * n;
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    t[base + j * k + p] = b[base + p * n + j];
                }
            }
        }
        return t;
    }

    private static int size(int[] dims) {
        int s = 1;
        for (int d : dims) s *= d;
        return s;
    }
}
