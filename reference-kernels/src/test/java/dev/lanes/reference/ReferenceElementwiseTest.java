package dev.lanes.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceElementwiseTest {

    private static float unary(UnaryShape s, float x) {
        float[] y = new float[1];
        new ReferenceUnary().apply(s.withSize(1), new float[] {x}, 0, y, 0);
        return y[0];
    }

    private static float unary(UnaryOp op, float x) {
        return unary(UnaryShape.of(op, 1), x);
    }

    @Test
    void unaryOpsAtHandPickedPoints() {
        assertEquals(0f, unary(UnaryOp.RELU, -2));
        assertEquals(3f, unary(UnaryOp.RELU, 3));
        assertEquals(-0.02f, unary(UnaryOp.LEAKY_RELU, -2));
        assertEquals((float) (Math.exp(-1) - 1), unary(UnaryOp.ELU, -1));
        assertEquals(0.5f, unary(UnaryOp.SIGMOID, 0));
        assertEquals(0.7f, unary(UnaryOp.HARD_SIGMOID, 1));
        assertEquals(1f, unary(UnaryOp.HARD_SIGMOID, 5));
        assertEquals(2f / 3f, unary(UnaryOp.HARD_SWISH, 1), 1e-7f);
        assertEquals(4f, unary(UnaryOp.HARD_SWISH, 4));
        assertEquals((float) Math.tanh(0.5), unary(UnaryOp.TANH, 0.5f));
        assertEquals(0.8427008f, unary(UnaryOp.ERF, 1));
        assertEquals((float) 0.8413447460685429, unary(UnaryOp.GELU, 1)); // Φ(1)
        assertEquals((float) (0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))), unary(UnaryOp.GELU_TANH, 1));
        assertEquals(1.5f, unary(UnaryShape.fromOnnx("Clip", null, null, null, -1f, 1.5f, 1), 7));
        assertEquals(-1f, unary(UnaryShape.fromOnnx("Clip", null, null, null, -1f, null, 1), -7));
        assertEquals((float) Math.E, unary(UnaryOp.EXP, 1));
        assertEquals(0f, unary(UnaryOp.LOG, 1));
        assertEquals(3f, unary(UnaryOp.SQRT, 9));
        assertEquals(0.25f, unary(UnaryOp.RECIPROCAL, 4));
        assertEquals(-2f, unary(UnaryOp.NEG, 2));
        assertEquals(2f, unary(UnaryOp.ABS, -2));
    }

    @Test
    void unarySpecialValues() {
        float ninf = Float.NEGATIVE_INFINITY, inf = Float.POSITIVE_INFINITY;
        // GELU and HardSwish at -inf give their limit, -0, not the NaN of evaluating ∞·0.
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(unary(UnaryOp.GELU, ninf)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(unary(UnaryOp.GELU_TANH, ninf)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(unary(UnaryOp.HARD_SWISH, ninf)));
        assertEquals(inf, unary(UnaryOp.GELU, inf));
        assertEquals(-1f, unary(UnaryOp.ELU, ninf));
        assertEquals(0f, unary(UnaryOp.SIGMOID, ninf));
        assertEquals(-1f, unary(UnaryOp.ERF, ninf));
        assertEquals(ninf, unary(UnaryOp.LOG, 0));
        assertTrue(Float.isNaN(unary(UnaryOp.LOG, -1)));
        assertEquals(ninf, unary(UnaryOp.RECIPROCAL, -0f));
        assertEquals(inf, unary(UnaryOp.CLIP, inf)); // Clip without bounds leaves infinities
        for (UnaryOp op : UnaryOp.values()) {
            assertTrue(Float.isNaN(unary(op, Float.NaN)), op + "(NaN)");
        }
        // GELU far in the left tail keeps its tiny value (erfc, not 1 + erf).
        assertEquals(-7.619853e-23f, unary(UnaryOp.GELU, -10), 1e-28f);
    }

    @Test
    void erfAndErfcMatchPublishedValues() {
        assertEquals(0.5204998778130465, SpecialFunctions.erf(0.5), 4e-16);
        assertEquals(0.9999779095030014, SpecialFunctions.erf(3), 4e-16);
        assertEquals(-0.9953222650189527, SpecialFunctions.erf(-2), 4e-16);
        assertEquals(4.069520174449590e-04, SpecialFunctions.erfc(2.5), 1e-18);
        assertEquals(2.209049699858544e-05, SpecialFunctions.erfc(3), 1e-19);
        assertEquals(1.537459794428035e-12, SpecialFunctions.erfc(5), 1e-26);
        assertEquals(2.088487583762545e-45, SpecialFunctions.erfc(10), 1e-58);
        assertEquals(2, SpecialFunctions.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(SpecialFunctions.erf(-0.0)));
    }

    @Test
    void unaryRejectsUnknownOpsAndBadParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnaryOp.fromOnnx("Gelu", "fast"));
        assertTrue(e.getMessage().contains("approximate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnaryOp.fromOnnx("Softsign", null));
        assertThrows(IllegalArgumentException.class, () -> new UnaryShape(UnaryOp.CLIP, Float.NaN, 1, 1));
    }

    private static float[] binary(BinaryOp op, int[] ad, float[] a, int[] bd, float[] b) {
        BinaryShape s = new BinaryShape(op, ad, bd);
        float[] y = new float[s.size()];
        new ReferenceBinary().apply(s, a, 0, b, 0, y, 0);
        return y;
    }

    @Test
    void binaryBroadcastsBothWays() {
        // [2, 1] + [3] -> [2, 3]
        assertArrayEquals(new float[] {11, 12, 13, 21, 22, 23},
                binary(BinaryOp.ADD, new int[] {2, 1}, new float[] {10, 20}, new int[] {3}, new float[] {1, 2, 3}));
        assertArrayEquals(new int[] {2, 3}, new BinaryShape(BinaryOp.ADD, new int[] {2, 1}, new int[] {3}).outputShape());
        assertArrayEquals(new float[] {-1, 0}, binary(BinaryOp.SUB, new int[] {2}, new float[] {1, 2}, new int[0], new float[] {2}));
        assertArrayEquals(new float[] {6, 8}, binary(BinaryOp.MUL, new int[] {1}, new float[] {2}, new int[] {2}, new float[] {3, 4}));
        assertArrayEquals(new float[] {0.5f, Float.POSITIVE_INFINITY},
                binary(BinaryOp.DIV, new int[] {2}, new float[] {1, 1}, new int[] {2}, new float[] {2, 0}));
    }

    @Test
    void powWithNegativeBase() {
        float[] y = binary(BinaryOp.POW, new int[] {4}, new float[] {-2, -2, -8, 0}, new int[] {4}, new float[] {3, 2, 0.5f, -1});
        assertEquals(-8f, y[0]);
        assertEquals(4f, y[1]);
        assertTrue(Float.isNaN(y[2]), "negative base, fractional exponent");
        assertEquals(Float.POSITIVE_INFINITY, y[3]);
    }

    @Test
    void minAndMaxPropagateNaN() {
        float[] a = {Float.NaN, 1, 3}, b = {0, Float.NaN, 2};
        float[] mn = binary(BinaryOp.MIN, new int[] {3}, a, new int[] {3}, b);
        float[] mx = binary(BinaryOp.MAX, new int[] {3}, a, new int[] {3}, b);
        assertTrue(Float.isNaN(mn[0]) && Float.isNaN(mn[1]) && Float.isNaN(mx[0]) && Float.isNaN(mx[1]));
        assertEquals(2f, mn[2]);
        assertEquals(3f, mx[2]);
    }

    @Test
    void binaryRejectsShapesThatDoNotBroadcast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BinaryShape(BinaryOp.ADD, new int[] {2, 3}, new int[] {2}));
        assertTrue(e.getMessage().startsWith("Add: shapes [2, 3] and [2]"), e.getMessage());
    }

    @Test
    void whereBroadcastsConditionAndBranches() {
        WhereShape s = new WhereShape(new int[] {2, 1}, new int[] {3}, new int[0]);
        float[] out = new float[6];
        new ReferenceWhere().where(s, new boolean[] {true, false}, 0, new float[] {1, 2, 3}, 0, new float[] {-1}, 0, out, 0);
        assertArrayEquals(new float[] {1, 2, 3, -1, -1, -1}, out);
    }

    private static float[] reduce(ReduceShape s, float[] x) {
        float[] y = new float[s.size()];
        new ReferenceReduce().reduce(s, x, 0, y, 0);
        return y;
    }

    @Test
    void reducesOverChosenAxes() {
        float[] x = {1, 2, 3, 4, 5, 6}; // [2, 3]
        assertArrayEquals(new float[] {6, 15}, reduce(ReduceShape.fromOnnx("ReduceSum", new int[] {2, 3}, new long[] {-1}, false, false), x));
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, reduce(ReduceShape.fromOnnx("ReduceMean", new int[] {2, 3}, new long[] {0}, true, false), x));
        ReduceShape all = ReduceShape.fromOnnx("ReduceMax", new int[] {2, 3}, null, true, false);
        assertArrayEquals(new int[] {1, 1}, all.outputShape());
        assertArrayEquals(new float[] {6}, reduce(all, x));
        ReduceShape noop = ReduceShape.fromOnnx("ReduceSum", new int[] {2, 3}, new long[0], true, true);
        assertArrayEquals(x, reduce(noop, x));
    }

    @Test
    void emptySetsAndNaN() {
        ReduceShape sum = ReduceShape.fromOnnx("ReduceSum", new int[] {2, 0, 4}, new long[] {1}, true, false);
        assertArrayEquals(new int[] {2, 1, 4}, sum.outputShape());
        assertArrayEquals(new float[8], reduce(sum, new float[0]));
        float[] max = reduce(ReduceShape.fromOnnx("ReduceMax", new int[] {2, 0, 4}, new long[] {1}, false, false), new float[0]);
        for (float v : max) assertEquals(Float.NEGATIVE_INFINITY, v);
        float[] mean = reduce(ReduceShape.fromOnnx("ReduceMean", new int[] {0}, null, false, false), new float[0]);
        assertTrue(Float.isNaN(mean[0]));
        float[] withNaN = reduce(ReduceShape.fromOnnx("ReduceMax", new int[] {3}, null, false, false), new float[] {1, Float.NaN, 2});
        assertTrue(Float.isNaN(withNaN[0]));
    }

    @Test
    void reduceRejectsRepeatedOrOutOfRangeAxes() {
        assertThrows(IllegalArgumentException.class, () -> ReduceShape.fromOnnx("ReduceSum", new int[] {2, 3}, new long[] {1, -1}, true, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReduceShape.fromOnnx("ReduceSum", new int[] {2, 3}, new long[] {2}, true, false));
        assertTrue(e.getMessage().contains("ReduceSum axis 2 is out of range"), e.getMessage());
    }
}
