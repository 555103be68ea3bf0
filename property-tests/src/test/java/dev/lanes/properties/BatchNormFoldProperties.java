package dev.lanes.properties;

import dev.lanes.reference.BatchNormShape;
import dev.lanes.reference.ConvShape;
import dev.lanes.reference.ConvTransposeShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceBatchNorm;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.ReferenceConvTranspose;
import dev.lanes.simd.Activation;
import dev.lanes.simd.BatchNormFold;
import dev.lanes.simd.ConvOperator;
import dev.lanes.simd.ConvTransposeOperator;
import dev.lanes.simd.Parallel;
import dev.lanes.simd.conv.ConvAlgorithm;
import org.junit.jupiter.api.Test;

/**
 * Conv / ConvTranspose with BatchNormalization folded into its weights equals the reference layer
 * followed by the reference BatchNormalization. Bound: the layer's terms scaled by |k| (each folded
 * product carries one extra rounding) plus the BN terms, c = K + 8 on their sum.
 */
class BatchNormFoldProperties {
    private static final ReferenceBatchNorm BN = new ReferenceBatchNorm();

    record Bn(float[] scale, float[] bias, float[] mean, float[] var, double[] k) {
        static Bn of(long seed, int m) {
            float[] scale = Data.uniform(seed + 3, m), bias = Data.uniform(seed + 4, m), mean = Data.uniform(seed + 5, m);
            float[] var = Data.uniform(seed + 6, m);
            for (int i = 0; i < m; i++) var[i] = Math.abs(var[i]) + 0.1f;
            double[] k = new double[m];
            for (int i = 0; i < m; i++) k[i] = scale[i] / Math.sqrt((double) var[i] + 1e-5f);
            return new Bn(scale, bias, mean, var, k);
        }
    }

    @Test
    void foldedConvEqualsConvThenBatchNorm() {
        Theories.qt(40).forAll(ConvShapes.any(), Sizes.seeds()).checkAssert((s, seed) -> {
            int m = s.outChannels(), plane = s.outSpatialSize(), n = Dims.size(s.outputShape());
            float[] x = Data.uniform(seed, Dims.size(s.inputShape())), w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
            float[] b = s.hasBias() ? Data.uniform(seed + 2, m) : null;
            Bn bn = Bn.of(seed, m);
            float[] conv = new float[n], expected = new float[n];
            double[] terms = new double[n];
            new ReferenceConv().conv(s, x, 0, w, 0, b, 0, conv, 0, terms);
            BN.batchNorm(new BatchNormShape(s.batch(), m, plane, 1e-5f), conv, 0, bn.scale, 0, bn.bias, 0, bn.mean, 0, bn.var, 0, expected, 0);
            BatchNormFold.Folded f = BatchNormFold.conv(m, s.inChannelsPerGroup() * s.kernelSize(), w, 0, b, 0,
                    bn.scale, bn.bias, bn.mean, bn.var, 1e-5f);
            ConvShape withBias = new ConvShape(s.batch(), s.inChannels(), m, s.groups(), s.inSpatial(), s.kernel(), s.padsBegin(),
                    s.padsEnd(), s.strides(), s.dilations(), true);
            Guarded y = new Guarded(n);
            // the fold is independent of the algorithm; keep to those whose bound is the reference's terms
            ConvAlgorithm a = ConvOperator.choose(withBias);
            if (a == ConvAlgorithm.WINOGRAD_F2X3 || a == ConvAlgorithm.WINOGRAD_F4X3) a = ConvAlgorithm.IM2COL_GEMM;
            ConvOperator.prepare(withBias, f.weights(), 0, f.bias(), 0, Activation.NONE, a).runNchw(x, 0, y.array(), y.offset(), Parallel.callerOnly());
            y.assertCanariesIntact();
            double[] scaled = new double[n];
            for (int i = 0; i < n; i++) {
                int ch = i / plane % m;
                scaled[i] = Math.abs(bn.k[ch]) * (terms[i] + Math.abs(bn.mean[ch])) + Math.abs(bn.bias[ch]) + Math.abs(expected[i]);
            }
            Tolerance.assertClose("folded " + s, y.region(), expected, scaled, s.inChannelsPerGroup() * s.kernelSize() + 8);
        });
    }

    @Test
    void foldedConvTransposeEqualsConvTransposeThenBatchNorm() {
        Theories.qt(30).forAll(ConvTransposeShapes.any().mix(ConvTransposeShapes.grouped(), 40), Sizes.seeds()).checkAssert((s, seed) -> {
            int m = s.outChannels(), plane = s.outSpatialSize(), n = Dims.size(s.outputShape());
            float[] x = Data.uniform(seed, Dims.size(s.inputShape())), w = Data.uniform(seed + 1, Dims.size(s.weightShape()));
            float[] b = s.hasBias() ? Data.uniform(seed + 2, m) : null;
            Bn bn = Bn.of(seed, m);
            float[] ct = new float[n], expected = new float[n];
            double[] terms = new double[n];
            new ReferenceConvTranspose().convTranspose(s, x, 0, w, 0, b, 0, ct, 0, terms);
            BN.batchNorm(new BatchNormShape(s.batch(), m, plane, 1e-5f), ct, 0, bn.scale, 0, bn.bias, 0, bn.mean, 0, bn.var, 0, expected, 0);
            BatchNormFold.Folded f = BatchNormFold.convTranspose(s.inChannels(), m, s.groups(), s.kernelSize(), w, 0, b, 0,
                    bn.scale, bn.bias, bn.mean, bn.var, 1e-5f);
            ConvTransposeShape withBias = new ConvTransposeShape(s.batch(), s.inChannels(), m, s.groups(), s.inSpatial(), s.kernel(),
                    s.padsBegin(), s.padsEnd(), s.strides(), s.dilations(), s.outputPadding(), true);
            float[] y = new float[n];
            ConvTransposeOperator.prepare(withBias, f.weights(), 0, f.bias(), 0, Activation.NONE).runNchw(x, 0, y, 0, Parallel.callerOnly());
            double[] scaled = new double[n];
            for (int i = 0; i < n; i++) {
                int ch = i / plane % m;
                scaled[i] = Math.abs(bn.k[ch]) * (terms[i] + Math.abs(bn.mean[ch])) + Math.abs(bn.bias[ch]) + Math.abs(expected[i]);
            }
            Tolerance.assertClose("folded " + s, y, expected, scaled, s.inChannelsPerGroup() * s.kernelSize() + 8);
        });
    }
}
