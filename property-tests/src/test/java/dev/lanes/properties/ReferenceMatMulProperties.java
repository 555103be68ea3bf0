package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanes.reference.Dims;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.MatMulShape;
import dev.lanes.reference.ReferenceGemm;
import dev.lanes.reference.ReferenceMatMul;
import org.junit.jupiter.api.Test;

/** The reference MatMul as a batch of reference GEMMs over explicitly broadcast operands. */
class ReferenceMatMulProperties {
    private final ReferenceMatMul mm = new ReferenceMatMul();
    private final ReferenceGemm gemm = new ReferenceGemm();

    @Test
    void matmulEqualsPerBatchGemm() {
        Theories.qt(60).forAll(MatMulShapes.any(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] a = Data.uniform(seed, Dims.size(s.aShape()));
            float[] b = Data.uniform(seed + 1, Dims.size(s.bShape()));
            int m = s.m(), n = s.n(), k = s.k();
            Guarded y = new Guarded(Dims.size(s.outputShape()));
            mm.matmul(s, a, 0, b, 0, y.array(), y.offset());
            y.assertCanariesIntact();

            // broadcast by hand: walk the output batch index, and read each operand's batch dims
            // right-aligned, a dim of 1 (or a missing dim) standing still
            int[] batch = s.batchDims();
            float[] expected = new float[y.length()];
            int[] idx = new int[batch.length];
            for (int bi = 0; bi < Dims.size(batch); bi++) {
                int rest = bi;
                for (int d = batch.length - 1; d >= 0; d--) {
                    idx[d] = rest % batch[d];
                    rest /= batch[d];
                }
                int aMat = matrixIndex(idx, s.aBatch()), bMat = matrixIndex(idx, s.bBatch());
                gemm.gemm(GemmShape.of(m, n, k), a, aMat * m * k, b, bMat * k * n, null, 0, expected, bi * m * n);
            }
            Tolerance.assertBitsEqual(s.toString(), y.region(), expected);
        });
    }

    /** 1-D operands are the promoted 2-D ones with the promoted dim dropped from the output only. */
    @Test
    void vectorOperandsAreRowsAndColumns() {
        Theories.qt(40).forAll(MatMulShapes.vectors(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] a = Data.uniform(seed, Dims.size(s.aShape()));
            float[] b = Data.uniform(seed + 1, Dims.size(s.bShape()));
            MatMulShape promoted = new MatMulShape(s.aBatch(), s.bBatch(), s.m(), s.n(), s.k(), false, false);
            float[] y = new float[Dims.size(s.outputShape())], yp = new float[Dims.size(promoted.outputShape())];
            mm.matmul(s, a, 0, b, 0, y, 0);
            mm.matmul(promoted, a, 0, b, 0, yp, 0);
            int[] dropped = promoted.outputShape();
            int r = dropped.length;
            int[] expectedShape = s.aVector() && s.bVector() ? new int[0]
                    : s.aVector() ? java.util.Arrays.copyOf(dropped, 0) : null;
            if (s.aVector() && !s.bVector()) expectedShape = remove(dropped, r - 2);
            if (s.bVector() && !s.aVector()) expectedShape = remove(dropped, r - 1);
            assertArrayEquals(expectedShape, s.outputShape(), s.toString());
            Tolerance.assertBitsEqual(s.toString(), y, yp);
        });
    }

    private static int[] remove(int[] dims, int at) {
        int[] out = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) if (i != at) out[j++] = dims[i];
        return out;
    }

    /** Row-major index of the operand's matrix for the output batch index {@code idx}. */
    private static int matrixIndex(int[] idx, int[] own) {
        int shift = idx.length - own.length, flat = 0;
        for (int d = 0; d < own.length; d++) flat = flat * own[d] + (own[d] == 1 ? 0 : idx[d + shift]);
        return flat;
    }
}
