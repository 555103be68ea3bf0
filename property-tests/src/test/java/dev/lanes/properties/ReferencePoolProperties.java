package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.reference.ConvShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.PoolShape;
import dev.lanes.reference.ReferenceConv;
import dev.lanes.reference.ReferencePool;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reference pools against what they must be: a chosen input for MaxPool, a box filter for AveragePool. */
class ReferencePoolProperties {
    private final ReferencePool pool = new ReferencePool();

    /** Each MaxPool output is the input its index points at, and no tap of its window is larger. */
    @Test
    void maxPoolPicksTheLargestTapAndPointsAtIt() {
        Theories.qt(60).forAll(PoolShapes.max(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            Guarded y = new Guarded(Dims.size(s.outputShape()));
            long[] idx = new long[y.length()];
            pool.maxPoolWithIndices(s, x, 0, y.array(), y.offset(), idx, 0);
            y.assertCanariesIntact();
            float[] out = y.region();
            int[] in = s.inSpatial(), o = new int[s.spatialRank()];
            int outPlane = s.outSpatialSize(), inPlane = s.inSpatialSize();
            for (int e = 0; e < out.length; e++) {
                int plane = e / outPlane;
                unflatten(e % outPlane, s.outSpatial(), o);
                float max = Float.NEGATIVE_INFINITY;
                for (int[] pos : windowTaps(s, o)) max = Math.max(max, x[plane * inPlane + rowMajor(pos, in)]);
                assertEquals(max, out[e], s + " output " + e);
                if (idx[e] >= 0) {
                    long spatial = idx[e] - (long) plane * inPlane;
                    int[] pos = new int[in.length];
                    unflatten((int) spatial, s.storageOrder() == 0 ? in : reversed(in), pos);
                    if (s.storageOrder() == 1) pos = reversed(pos);
                    assertEquals(out[e], x[plane * inPlane + rowMajor(pos, in)], s + " index " + idx[e]);
                }
            }
        });
    }

    /** AveragePool with count_include_pad and no ceil overhang is a depthwise conv with a constant 1/taps kernel. */
    @Test
    void averagePoolIsABoxFilter() {
        Theories.qt(40).forAll(PoolShapes.average(), Sizes.seeds()).checkAssert((p0, seed) -> {
            PoolShape s = new PoolShape(PoolShape.Mode.AVERAGE, p0.batch(), p0.channels(), p0.inSpatial(), p0.kernel(),
                    p0.padsBegin(), p0.padsEnd(), p0.strides(), p0.dilations(), false, true, 0);
            int c = s.channels(), taps = s.kernelSize();
            ConvShape box = new ConvShape(s.batch(), c, c, c, s.inSpatial(), s.kernel(), s.padsBegin(), s.padsEnd(), s.strides(),
                    s.dilations(), false);
            assertEquals(Arrays.toString(s.outputShape()), Arrays.toString(box.outputShape()));
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            float[] w = new float[c * taps];
            Arrays.fill(w, 1f / taps);
            float[] y = new float[Dims.size(s.outputShape())], yc = new float[y.length];
            double[] terms = new double[y.length];
            pool.pool(s, x, 0, y, 0, terms);
            new ReferenceConv().conv(box, x, 0, w, 0, null, 0, yc, 0);
            // 1/taps is rounded to float: a relative error of eps32/2 on every term, so c = 2 covers it
            Tolerance.assertClose(s.toString(), yc, y, terms, 2);
        });
    }

    @Test
    void globalPoolsReduceWholePlanes() {
        Theories.qt(40).forAll(PoolShapes.global(), Sizes.seeds()).checkAssert((s, seed) -> {
            float[] x = Data.uniform(seed, Dims.size(s.inputShape()));
            float[] y = new float[s.batch() * s.channels()];
            pool.pool(s, x, 0, y, 0);
            int plane = s.inSpatialSize();
            for (int p = 0; p < y.length; p++) {
                double sum = 0;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < plane; i++) {
                    sum += x[p * plane + i];
                    max = Math.max(max, x[p * plane + i]);
                }
                float expected = s.mode() == PoolShape.Mode.MAX ? max : (float) (sum / plane);
                assertEquals(expected, y[p], s.toString());
            }
        });
    }

    @Test
    void generatorsReachTheAwkwardCases() {
        boolean[] seen = new boolean[6];
        org.quicktheories.QuickTheory.qt().withFixedSeed(11).withExamples(300).forAll(PoolShapes.any()).check(s -> {
            int[] in = s.inSpatial(), k = s.kernel(), pb = s.padsBegin(), pe = s.padsEnd();
            for (int a = 0; a < s.spatialRank(); a++) {
                if (in[a] < (k[a] - 1) * s.dilations()[a] + 1) seen[0] = true;
                if (pb[a] != pe[a]) seen[1] = true;
                if (s.dilations()[a] > 1) seen[2] = true;
            }
            if (s.ceilMode() && !Arrays.equals(s.outSpatial(), new PoolShape(s.mode(), s.batch(), s.channels(), in, k, pb, pe,
                    s.strides(), s.dilations(), false, false, 0).outSpatial())) seen[3] = true; // ceil mode adds a window
            if (s.spatialRank() == 3) seen[4] = true;
            if (s.batch() > 1 && s.channels() > 1) seen[5] = true;
            return true;
        });
        assertTrue(Arrays.equals(seen, new boolean[] {true, true, true, true, true, true}),
                "small input, asymmetric pads, dilation, ceil window, 3-D, batch·channels: " + Arrays.toString(seen));
    }

    private static java.util.List<int[]> windowTaps(PoolShape s, int[] o) {
        java.util.List<int[]> taps = new java.util.ArrayList<>();
        int[] k = new int[s.spatialRank()];
        for (int t = 0; t < s.kernelSize(); t++) {
            unflatten(t, s.kernel(), k);
            int[] pos = new int[k.length];
            boolean inside = true;
            for (int a = 0; a < k.length; a++) {
                pos[a] = o[a] * s.strides()[a] - s.padsBegin()[a] + k[a] * s.dilations()[a];
                inside &= pos[a] >= 0 && pos[a] < s.inSpatial()[a];
            }
            if (inside) taps.add(pos);
        }
        return taps;
    }

    private static int rowMajor(int[] pos, int[] dims) {
        int flat = 0;
        for (int a = 0; a < dims.length; a++) flat = flat * dims[a] + pos[a];
        return flat;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
        return r;
    }

    private static void unflatten(int flat, int[] dims, int[] idx) {
        for (int a = dims.length - 1; a >= 0; a--) {
            idx[a] = flat % dims[a];
            flat /= dims[a];
        }
    }
}
