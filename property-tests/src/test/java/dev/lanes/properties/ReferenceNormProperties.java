package dev.lanes.properties;

import dev.lanes.reference.BatchNormShape;
import dev.lanes.reference.BinaryOp;
import dev.lanes.reference.BinaryShape;
import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.ReduceShape;
import dev.lanes.reference.ReferenceBatchNorm;
import dev.lanes.reference.ReferenceBinary;
import dev.lanes.reference.ReferenceInstanceNorm;
import dev.lanes.reference.ReferenceLayerNorm;
import dev.lanes.reference.ReferenceReduce;
import dev.lanes.reference.ReferenceRmsNorm;
import dev.lanes.reference.ReferenceSoftmax;
import dev.lanes.reference.ReferenceUnary;
import dev.lanes.reference.RmsNormShape;
import dev.lanes.reference.SoftmaxShape;
import dev.lanes.reference.UnaryOp;
import dev.lanes.reference.UnaryShape;
import org.junit.jupiter.api.Test;

/**
 * The normalisation and softmax references against their decompositions into the element-wise and
 * reduction references (ONNX's own function bodies, step by step in float), and against each other.
 */
class ReferenceNormProperties {

    /** Each decomposed step rounds to float once; about ten steps. */
    private static final double DECOMPOSED_C = 16;

    private static float[] binary(BinaryOp op, int[] ad, float[] a, int[] bd, float[] b) {
        BinaryShape s = new BinaryShape(op, ad, bd);
        float[] y = new float[s.size()];
        new ReferenceBinary().apply(s, a, 0, b, 0, y, 0);
        return y;
    }

    private static float[] unary(UnaryOp op, float[] x) {
        float[] y = new float[x.length];
        new ReferenceUnary().apply(UnaryShape.of(op, x.length), x, 0, y, 0);
        return y;
    }

    private static float[] mean(int rows, int n, float[] x) {
        ReduceShape s = ReduceShape.fromOnnx("ReduceMean", new int[] {rows, n}, new long[] {1}, true, false);
        float[] y = new float[rows];
        new ReferenceReduce().reduce(s, x, 0, y, 0);
        return y;
    }

    @Test
    void layerNormEqualsItsDecomposition() {
        Theories.qt(40).forAll(NormShapes.layerNorms(), Sizes.seeds()).checkAssert((s, seed) -> {
            int rows = s.outer(), n = s.n();
            int[] x2 = {rows, n}, col = {rows, 1}, row = {n};
            float[] x = Data.uniform(seed, rows * n), g = Data.uniform(seed + 1, n), b = Data.uniform(seed + 2, n);
            for (int i = 0; i < x.length; i++) x[i] = x[i] * 3 + 0.5f; // a mean away from 0
            float[] mu = mean(rows, n, x);
            float[] dev = binary(BinaryOp.SUB, x2, x, col, mu);
            float[] var = mean(rows, n, binary(BinaryOp.MUL, x2, dev, x2, dev));
            float[] std = unary(UnaryOp.SQRT, binary(BinaryOp.ADD, col, var, new int[0], new float[] {s.epsilon()}));
            float[] norm = binary(BinaryOp.DIV, x2, dev, col, std);
            float[] y = binary(BinaryOp.MUL, x2, norm, row, g);
            if (s.hasBias()) y = binary(BinaryOp.ADD, x2, y, row, b);
            float[] ref = new float[rows * n];
            double[] terms = new double[ref.length];
            new ReferenceLayerNorm().layerNorm(s, x, 0, g, 0, b, 0, ref, 0, null, 0, null, 0, terms);
            Tolerance.assertClose("LayerNorm vs ReduceMean/Sub/Mul/Sqrt/Div " + s, y, ref, terms, DECOMPOSED_C);
        });
    }

    @Test
    void rmsNormEqualsItsDecomposition() {
        Theories.qt(40).forAll(NormShapes.rmsNorms(), Sizes.seeds()).checkAssert((s, seed) -> {
            int rows = s.outer(), n = s.n();
            int[] x2 = {rows, n}, col = {rows, 1};
            float[] x = Data.uniform(seed, rows * n), g = Data.uniform(seed + 1, n);
            float[] ms = mean(rows, n, binary(BinaryOp.MUL, x2, x, x2, x));
            float[] rms = unary(UnaryOp.SQRT, binary(BinaryOp.ADD, col, ms, new int[0], new float[] {s.epsilon()}));
            float[] y = binary(BinaryOp.MUL, x2, binary(BinaryOp.DIV, x2, x, col, rms), new int[] {n}, g);
            float[] ref = new float[rows * n];
            double[] terms = new double[ref.length];
            new ReferenceRmsNorm().rmsNorm(s, x, 0, g, 0, ref, 0, terms);
            Tolerance.assertClose("RMSNorm vs its decomposition " + s, y, ref, terms, DECOMPOSED_C);
        });
    }

    @Test
    void batchNormEqualsItsDecomposition() {
        Theories.qt(40).forAll(NormShapes.batchNorms(), Sizes.seeds()).checkAssert((s, seed) -> {
            int c = s.c();
            int[] x3 = {s.n(), c, s.spatial()}, ch = {c, 1};
            float[] x = Data.uniform(seed, s.size()), g = Data.uniform(seed + 1, c), b = Data.uniform(seed + 2, c);
            float[] mu = Data.uniform(seed + 3, c), var = unary(UnaryOp.ABS, Data.uniform(seed + 4, c));
            float[] std = unary(UnaryOp.SQRT, binary(BinaryOp.ADD, ch, var, new int[0], new float[] {s.epsilon()}));
            float[] y = binary(BinaryOp.SUB, x3, x, ch, mu);
            y = binary(BinaryOp.ADD, x3, binary(BinaryOp.MUL, x3, binary(BinaryOp.DIV, x3, y, ch, std), ch, g), ch, b);
            float[] ref = new float[s.size()];
            double[] terms = new double[ref.length];
            new ReferenceBatchNorm().batchNorm(s, x, 0, g, 0, b, 0, mu, 0, var, 0, ref, 0, terms);
            Tolerance.assertClose("BatchNorm vs its decomposition " + s, y, ref, terms, DECOMPOSED_C);
        });
    }

    @Test
    void instanceNormIsLayerNormOfEachPlane() {
        Theories.qt(40).forAll(NormShapes.instanceNorms(), Sizes.seeds()).checkAssert((s, seed) -> {
            int m = s.spatial();
            float[] x = Data.uniform(seed, s.size()), g = Data.uniform(seed + 1, s.c()), b = Data.uniform(seed + 2, s.c());
            Guarded y = new Guarded(s.size());
            new ReferenceInstanceNorm().instanceNorm(s, x, 0, g, 0, b, 0, y.array(), y.offset());
            y.assertCanariesIntact();
            float[] expected = new float[s.size()];
            LayerNormShape plane = new LayerNormShape(1, m, s.epsilon(), true);
            for (int p = 0; p < s.n() * s.c(); p++) {
                float[] gp = new float[m], bp = new float[m];
                java.util.Arrays.fill(gp, g[p % s.c()]);
                java.util.Arrays.fill(bp, b[p % s.c()]);
                new ReferenceLayerNorm().layerNorm(plane, x, p * m, gp, 0, bp, 0, expected, p * m);
            }
            Tolerance.assertBitsEqual("InstanceNorm vs per-plane LayerNorm " + s, y.region(), expected);
        });
    }

    @Test
    void softmaxOnAnInnerAxisEqualsSoftmaxOfTheTransposedRows() {
        Theories.qt(40).forAll(NormShapes.softmaxes(), Sizes.seeds()).checkAssert((s, seed) -> {
            int outer = s.outer(), n = s.n(), inner = s.inner();
            float[] x = SpecialValues.sprinkle(Data.uniform(seed, s.size()), seed, 0.01,
                    Float.NEGATIVE_INFINITY, Float.NaN, 50f);
            float[] t = new float[x.length]; // [outer, inner, n]
            for (int o = 0; o < outer; o++) for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) t[(o * inner + j) * n + i] = x[s.index(o, i, j)];
            for (boolean log : new boolean[] {false, true}) {
                Guarded y = new Guarded(x.length);
                float[] yt = new float[x.length];
                ReferenceSoftmax k = new ReferenceSoftmax();
                if (log) {
                    k.logSoftmax(s, x, 0, y.array(), y.offset());
                    k.logSoftmax(SoftmaxShape.rows(outer * inner, n), t, 0, yt, 0);
                } else {
                    k.softmax(s, x, 0, y.array(), y.offset());
                    k.softmax(SoftmaxShape.rows(outer * inner, n), t, 0, yt, 0);
                }
                y.assertCanariesIntact();
                float[] back = new float[x.length];
                for (int o = 0; o < outer; o++) for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) back[s.index(o, i, j)] = yt[(o * inner + j) * n + i];
                Tolerance.assertBitsEqual((log ? "LogSoftmax " : "Softmax ") + s, y.region(), back);
            }
        });
    }

    @Test
    void logSoftmaxEqualsLogOfSoftmax() {
        Theories.qt(40).forAll(NormShapes.softmaxes(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = Data.uniform(seed, s.size());
            float[] p = new float[x.length], logp = new float[x.length];
            double[] terms = new double[x.length];
            new ReferenceSoftmax().softmax(s, x, 0, p, 0);
            new ReferenceSoftmax().logSoftmax(s, x, 0, logp, 0, terms);
            Tolerance.assertClose("LogSoftmax vs Log(Softmax) " + s, unary(UnaryOp.LOG, p), logp, terms, 4);
        });
    }
}
